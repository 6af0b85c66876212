import { describe, expect, it } from 'vitest';
import { csvField } from './csv-field.js';

describe('csvField', () => {
  it('quotes every string and doubles its quotes', () => {
    expect(csvField('plain')).toBe('"plain"');
    expect(csvField('say "hi", bye')).toBe('"say ""hi"", bye"');
    expect(csvField(' line\nbreak ')).toBe('" line\nbreak "');
  });

  it('tells an empty string from NULL', () => {
    expect(csvField('')).toBe('""');
    expect(csvField(null)).toBe('');
  });

  it('writes numbers and booleans bare, bigint exactly', () => {
    expect(csvField(9_007_199_254_740_993n)).toBe('9007199254740993');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(false)).toBe('false');
  });
});
