import { hash } from 'node:crypto';

/** A value that may take part in a stable id. Floats are excluded on purpose: their text form differs between engines. */
export type StableIdPart = string | number | bigint | boolean | null;

/** Hex digits of SHA-256 kept in an id: 128 bits. */
const DIGEST_CHARS = 32;

/**
 * The same parts give the same id in TypeScript and in DuckDB. Each part is
 * written as `<utf8 byte length>:<text>` (NULL as `~`), parts are joined with
 * `|`, and the SHA-256 of that string is truncated to 128 bits. The length
 * prefix makes the encoding injective, so distinct part lists never collide
 * by concatenation.
 */
function encodePart(part: string | null): string {
  return part === null ? '~' : `${Buffer.byteLength(part, 'utf8')}:${part}`;
}

function partText(part: StableIdPart): string | null {
  if (part === null) return null;
  if (typeof part === 'number') {
    if (!Number.isSafeInteger(part)) {
      throw new RangeError(`stableId: ${part} is not a safe integer; floats and unsafe integers have no portable text form`);
    }
    return String(part);
  }
  return String(part);
}

/**
 * Derives a stable identifier `<namespace>:<32 hex digits>` from a namespace
 * and ordered parts. The SQL twin is {@link stableIdSql}; both produce
 * identical ids for identical inputs.
 *
 * @example
 * stableId('file', 'pkg/mod.py'); // 'file:…'
 */
export function stableId(namespace: string, ...parts: readonly StableIdPart[]): string {
  assertNamespace(namespace);
  const encoded = [namespace, ...parts.map(partText)].map(encodePart).join('|');
  // The one-shot hash: about three times cheaper per id than a Hash object (0.46 µs against 1.47 µs for ids
  // of ~60 characters), which counts where ids are made per row (SCIP occurrences, tree-sitter nodes).
  const digest = hash('sha256', encoded, 'hex');
  return `${namespace}:${digest.slice(0, DIGEST_CHARS)}`;
}

function assertNamespace(namespace: string): void {
  if (!/^[a-z][a-z0-9_.-]*$/.test(namespace)) {
    throw new RangeError(`stableId: namespace ${JSON.stringify(namespace)} must be lower-case letters, digits, '_', '.' or '-'`);
  }
}

/** Name of the DuckDB macro that computes stable ids. */
export const STABLE_ID_MACRO = 'anatomy_stable_id';

/** The one part's text in SQL, as {@link encodePart} writes it (`strlen` counts UTF-8 bytes). */
function encodedPartSql(part: string): string {
  return `CASE WHEN ${part} IS NULL THEN '~' ELSE concat(strlen(${part}), ':', ${part}) END`;
}

/**
 * Most parts an id is hashed from by a flat call of the macro (one argument
 * per part); an id of more parts, or of one, takes them as a list.
 */
export const MAX_FLAT_ID_PARTS = 8;

/** The macro's flat form for `count` parts: `(ns, p1, …, pn)`, every part's text written out, no list built. */
function flatOverloadSql(count: number): string {
  const parts = Array.from({ length: count }, (_, i) => `p${i + 1}`);
  const texts = parts.map((p) => `'|', ${encodedPartSql(p)}`).join(', ');
  return `(ns, ${parts.join(', ')}) AS ns || ':' || substr(sha256(concat(strlen(ns), ':', ns, ${texts})), 1, ${DIGEST_CHARS})`;
}

/**
 * `CREATE MACRO` statement for the DuckDB twin of {@link stableId}. Install it
 * once per connection/database before running SQL built by {@link stableIdSql}.
 *
 * It has two forms. `(ns, parts)` takes the parts as a VARCHAR list, any
 * number of them; `(ns, p1, …, pn)`, for 2 to {@link MAX_FLAT_ID_PARTS}
 * parts, takes one argument per part and writes their texts out with one
 * `concat`, building no list and running no lambda per row. Both hash the
 * same text. The flat form is what {@link stableIdSql} writes where it can:
 * the 62 compiled views of the standard library whose SQL it changed took
 * 13.09 s instead of 14.26 s, each computed from a built store into a
 * temporary table (docs/benchmarks.md, eighteenth round).
 */
export const STABLE_ID_MACRO_SQL: string =
  `CREATE OR REPLACE MACRO ${STABLE_ID_MACRO}(ns, parts) AS ` +
  `ns || ':' || substr(sha256(array_to_string(list_transform(list_prepend(ns, parts), ` +
  `p -> CASE WHEN p IS NULL THEN '~' ELSE CAST(strlen(p) AS VARCHAR) || ':' || p END), '|')), 1, ${DIGEST_CHARS}), ` +
  Array.from({ length: MAX_FLAT_ID_PARTS - 1 }, (_, i) => flatOverloadSql(i + 2)).join(', ');

/**
 * A DuckDB SQL expression computing {@link stableId} from SQL expressions:
 * each expression is cast to VARCHAR (integers and booleans print as they do
 * in TypeScript). Two to {@link MAX_FLAT_ID_PARTS} parts are passed one
 * argument each, others as one list (see {@link STABLE_ID_MACRO_SQL}).
 *
 * @example
 * stableIdSql('def', ['file_id', 'bstart']);
 * // "anatomy_stable_id('def', CAST(file_id AS VARCHAR), CAST(bstart AS VARCHAR))"
 * stableIdSql('file', ['path']);
 * // "anatomy_stable_id('file', [CAST(path AS VARCHAR)]::VARCHAR[])"
 */
export function stableIdSql(namespace: string, partExpressions: readonly string[]): string {
  assertNamespace(namespace);
  const parts = partExpressions.map((e) => `CAST(${e} AS VARCHAR)`).join(', ');
  if (partExpressions.length >= 2 && partExpressions.length <= MAX_FLAT_ID_PARTS) return `${STABLE_ID_MACRO}('${namespace}', ${parts})`;
  return `${STABLE_ID_MACRO}('${namespace}', [${parts}]::VARCHAR[])`;
}
