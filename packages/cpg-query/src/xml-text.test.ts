import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { xmlText } from './xml-text.js';

describe('xmlText', () => {
  it('escapes markup and quotes', () => {
    expect(xmlText(`a < b && c > "d" 'e'`)).toBe('a &lt; b &amp;&amp; c &gt; &quot;d&quot; &apos;e&apos;');
  });

  it('keeps non-ASCII text, including characters outside the BMP', () => {
    expect(xmlText('grüße 日本 𝔘')).toBe('grüße 日本 𝔘');
  });

  it('replaces characters XML cannot hold and keeps whitespace through a parser', () => {
    expect(xmlText('a\u0000b\u0001c\uFFFEd\uD800e')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    const original = ' two\r\nlines\tand <tags> ';
    const parsed = new XMLParser({ ignoreAttributes: false, trimValues: false, htmlEntities: true }).parse(`<r a="${xmlText(original)}">${xmlText(original)}</r>`);
    expect(parsed.r['@_a']).toBe(original);
    expect(parsed.r['#text']).toBe(original);
  });
});
