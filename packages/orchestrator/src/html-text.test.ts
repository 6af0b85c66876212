import { describe, expect, it } from 'vitest';
import { htmlText } from './html-text.js';

describe('htmlText', () => {
  it('escapes every character that could open markup or close an attribute', () => {
    expect(htmlText(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
  });

  it('leaves other text, including non-ASCII, as it is', () => {
    expect(htmlText('café ☕ お茶')).toBe('café ☕ お茶');
  });
});
