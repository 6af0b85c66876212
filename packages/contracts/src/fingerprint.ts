import { createHash } from 'node:crypto';
import type { Fingerprint } from './branded-id.js';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined`
 * members dropped, bigints written as `{"$bigint":"<digits>"}`. Two values
 * that differ only in key order give the same text. Non-finite numbers,
 * functions, symbols and class instances other than plain objects and arrays
 * are rejected because they have no canonical form.
 *
 * @example
 * canonicalJson({ b: 1, a: [2n] }); // '{"a":[{"$bigint":"2"}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  try {
    return write(value, null);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    // Written again with paths, to say where the value with no canonical form sits.
    return write(value, '$');
  }
}

/**
 * Writes one value; `path` is null on the first pass, which composes no
 * path for each value (fingerprinted payloads hold DuckDB parse trees of
 * tens of thousands of nodes), and a path on the pass that reports a value
 * with no canonical form.
 */
function write(value: unknown, path: string | null): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${path} is ${value}, which has no canonical form`);
      return JSON.stringify(Object.is(value, -0) ? 0 : value);
    case 'bigint':
      return `{"$bigint":${JSON.stringify(value.toString())}}`;
    case 'object': {
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => (v === undefined ? 'null' : write(v, path === null ? null : `${path}[${i}]`))).join(',')}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`canonicalJson: ${path} is a ${(value as object).constructor?.name ?? 'non-plain object'}; convert it to plain data first`);
      }
      const entries = Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${write((value as Record<string, unknown>)[k], path === null ? null : `${path}.${k}`)}`);
      return `{${entries.join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: ${path} is a ${typeof value}, which has no canonical form`);
  }
}

/**
 * SHA-256 of the canonical JSON of a value: equal data gives an equal
 * fingerprint whatever the key order.
 *
 * @example
 * fingerprint({ a: 1, b: 2 }) === fingerprint({ b: 2, a: 1 }); // true
 */
export function fingerprint(value: unknown): Fingerprint {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex') as Fingerprint;
}
