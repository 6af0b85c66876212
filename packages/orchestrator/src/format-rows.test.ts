import { describe, expect, it } from 'vitest';
import { formatRows } from './format-rows.js';

const rows = [
  { kind: 'DEF', name: 'naïve, "quoted"', n: 3n, big: 2n ** 60n, none: null },
  { kind: 'FILE', name: 'a.py', n: 1n, big: 0n, none: null },
];

describe('formatRows', () => {
  it('renders JSON rows with exact 64-bit integers', () => {
    expect(JSON.parse(formatRows(rows, 'json'))).toEqual([
      { kind: 'DEF', name: 'naïve, "quoted"', n: 3, big: '1152921504606846976', none: null },
      { kind: 'FILE', name: 'a.py', n: 1, big: 0, none: null },
    ]);
  });

  it('quotes CSV cells that need it', () => {
    expect(formatRows(rows, 'csv')).toBe('kind,name,n,big,none\nDEF,"naïve, ""quoted""",3,1152921504606846976,\nFILE,a.py,1,0,\n');
  });

  it('aligns a text table and counts rows', () => {
    const text = formatRows(rows, 'table').split('\n');
    expect(text[0]).toBe('kind  name             n  big                  none');
    expect(text[2]).toBe('DEF   naïve, "quoted"  3  1152921504606846976');
    expect(text.at(-2)).toBe('(2 rows)');
    expect(formatRows([], 'table')).toBe('(no rows)\n');
  });
});
