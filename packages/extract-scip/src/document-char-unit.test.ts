import { describe, expect, it } from 'vitest';
import { documentCharUnit } from './document-char-unit.js';

describe('documentCharUnit', () => {
  it('honours a declared position encoding whatever the tool', () => {
    expect([1, 2, 3].map((e) => documentCharUnit(e, 'scip-python'))).toEqual(['utf8', 'utf16', 'utf32']);
  });

  it('falls back to the unit the indexer is known to count in, else UTF-16', () => {
    expect(documentCharUnit(0, 'scip-python')).toBe('utf16');
    expect(documentCharUnit(0, 'rust-analyzer')).toBe('utf8');
    expect(documentCharUnit(0, 'unknown-indexer')).toBe('utf16');
    expect(documentCharUnit(7, 'unknown-indexer')).toBe('utf16');
  });
});
