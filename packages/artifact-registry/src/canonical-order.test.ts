import { describe, expect, it } from 'vitest';
import { canonicalOrder } from './canonical-order.js';

describe('canonicalOrder', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    const ordered = canonicalOrder({ b: 1, a: { d: [{ z: 1, y: undefined, x: 2 }], c: null } });
    expect(JSON.stringify(ordered)).toBe('{"a":{"c":null,"d":[{"x":2,"z":1}]},"b":1}');
  });

  it("keeps a '__proto__' key as data", () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
    const ordered = canonicalOrder(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(ordered)).toBe(Object.prototype);
    expect(Object.keys(ordered)).toEqual(['__proto__', 'a']);
  });

  it('passes bigints, byte arrays and dates through', () => {
    const bytes = new Uint8Array([1]);
    const date = new Date(0);
    expect(canonicalOrder({ n: 1n, bytes, date })).toEqual({ bytes, date, n: 1n });
  });

  it('names the path of a value msgpack cannot round-trip', () => {
    expect(() => canonicalOrder({ a: [1, new Map()] })).toThrow(/\$\.a\[1\] is a Map/);
    expect(() => canonicalOrder({ a: [undefined] })).toThrow(/\$\.a\[0\] is undefined/);
    expect(() => canonicalOrder({ f: () => 1 })).toThrow(/\$\.f is a function/);
  });
});
