import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint } from './fingerprint.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: undefined, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"z":0}]},"b":1}',
    );
  });

  it('writes bigints distinctly from strings and numbers', () => {
    expect(canonicalJson({ n: 2n })).toBe('{"n":{"$bigint":"2"}}');
    expect(fingerprint({ n: 2n })).not.toBe(fingerprint({ n: 2 }));
  });

  it('rejects values without a canonical form, naming the path', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\]/);
    expect(() => canonicalJson({ m: new Map() })).toThrow(/Map/);
  });
});

describe('fingerprint', () => {
  it('is independent of key order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(fingerprint(reversed)).toBe(fingerprint(obj));
      }),
    );
  });

  it('changes when a value changes', () => {
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: 2 }));
    expect(fingerprint({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
