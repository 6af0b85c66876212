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
  try {
    return ordered(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    // Walked again, tracking paths this time, to name where the value msgpack cannot carry sits.
    return orderedAt(value, path);
  }
}

/** The primitive types msgpack carries as they are. */
const PRIMITIVES: ReadonlySet<string> = new Set(['string', 'number', 'boolean', 'bigint']);

/** Why a value has no msgpack form that decodes back to it, or undefined when it has one. */
function problem(value: unknown): string | undefined {
  if (value === null || PRIMITIVES.has(typeof value)) return undefined;
  if (typeof value !== 'object') return `is ${typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`}, which msgpack cannot round-trip`;
  if (Array.isArray(value) || value instanceof Uint8Array || value instanceof Date) return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto !== Object.prototype && proto !== null ? `is a ${(value as object).constructor?.name ?? 'non-plain object'}, which msgpack cannot round-trip; use plain objects and arrays` : undefined;
}

/** An object with `value` set under `key`: defined rather than assigned, so a '__proto__' key stays data. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * The ordering walk, building no path: payloads such as plan bundles hold
 * DuckDB parse trees of tens of thousands of nodes, and composing a path
 * string for each of them took most of the time of encoding them.
 */
function ordered(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    if (value !== null && !PRIMITIVES.has(typeof value)) throw new TypeError('no msgpack form');
    return value;
  }
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = ordered(value[i]);
    return copy;
  }
  if (value instanceof Uint8Array || value instanceof Date) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError('no msgpack form');
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item !== undefined) put(copy, key, ordered(item));
  }
  return copy;
}

/** The same walk, tracking the path of every value to report the first without a msgpack form. */
function orderedAt(value: unknown, path: string): unknown {
  const wrong = problem(value);
  if (wrong !== undefined) throw new TypeError(`${path} ${wrong}`);
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item, i) => orderedAt(item, `${path}[${i}]`));
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) put(copy, key, orderedAt(record[key], `${path}.${key}`));
  }
  return copy;
}
