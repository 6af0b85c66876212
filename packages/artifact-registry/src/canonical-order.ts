/**
 * A copy of a payload whose object keys are sorted by code unit at every
 * depth, with `undefined` members dropped — the same order canonicalJson of
 * @anatomy/contracts uses. msgpack writes keys in insertion order, so this is
 * what makes equal payloads encode to equal bytes.
 *
 * Values without a msgpack form that decodes back to an equal value (Map, Set,
 * class instances, functions, symbols) are reported by path instead of being
 * silently changed. Byte arrays and Dates pass through: msgpack has a native
 * form for both.
 *
 * @example
 * canonicalOrder({ b: 1, a: { d: 2, c: undefined } }); // { a: { d: 2 }, b: 1 }
 */
export function canonicalOrder(value: unknown, path = '$'): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
    case 'object': {
      if (Array.isArray(value)) return value.map((item, i) => canonicalOrder(item, `${path}[${i}]`));
      if (value instanceof Uint8Array || value instanceof Date) return value;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`${path} is a ${(value as object).constructor?.name ?? 'non-plain object'}, which msgpack cannot round-trip; use plain objects and arrays`);
      }
      const record = value as Record<string, unknown>;
      const ordered: Record<string, unknown> = {};
      for (const key of Object.keys(record).sort()) {
        if (record[key] === undefined) continue;
        // defineProperty, not assignment: a '__proto__' key must stay data.
        Object.defineProperty(ordered, key, {
          value: canonicalOrder(record[key], `${path}.${key}`),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return ordered;
    }
    default:
      throw new TypeError(`${path} is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}, which msgpack cannot round-trip`);
  }
}
