import { FingerprintSchema } from '@anatomy/contracts';
import type { Fingerprint } from '@anatomy/contracts';
import { quoteIdentifier } from '@anatomy/schema-authority';
import type { Store } from './store.js';
import { StoreError } from './store-error.js';

/**
 * The text a value of a DuckDB type is written as before hashing, in SQL.
 * Each form is fixed by a format rather than by DuckDB's display of the type:
 * hex for bytes, 17 significant digits for floating point (enough to tell
 * any two doubles apart), the plain decimal form for integers.
 */
function canonicalCell(column: string, type: string): string {
  const c = quoteIdentifier(column);
  const base = type.toUpperCase();
  let text: string;
  if (base === 'VARCHAR') text = c;
  else if (base === 'BLOB') text = `hex(${c})`;
  else if (base === 'BOOLEAN') text = `CASE WHEN ${c} THEN 'true' ELSE 'false' END`;
  else if (base === 'DOUBLE' || base === 'FLOAT' || base === 'REAL') text = `printf('%.17g', ${c})`;
  else text = `CAST(${c} AS VARCHAR)`;
  // A length prefix makes the row text unambiguous whatever the values contain; 'N' marks NULL.
  return `CASE WHEN ${c} IS NULL THEN 'N' ELSE 'V' || length(${text}) || ':' || ${text} END`;
}

/** The mask of the low half of a 128-bit MD5 number. */
const LOW_64_BITS = '18446744073709551615';

/**
 * A SHA-256 fingerprint of a table's (or view's) contents that ignores row
 * order and column order: each row becomes canonical text and its MD5, read
 * as a 128-bit number; the row count and the exact sums of the high and low
 * 64 bits of those numbers are hashed together with the column names and
 * types. A sum does not depend on the order rows come in, so DuckDB
 * aggregates it in parallel in constant memory — sorting the digests instead
 * took most of a build's bookkeeping on large tables. Equal tables give
 * equal fingerprints on any DuckDB version, unlike DuckDB's `hash()`, which
 * may change between versions. Computed entirely in SQL.
 *
 * @example
 * const full = await tableFingerprint(fullBuild, 'cpg.nodes');
 * const incremental = await tableFingerprint(incrementalBuild, 'cpg.nodes');
 * if (full !== incremental) throw new Error('the incremental build differs');
 */
export async function tableFingerprint(store: Store, table: string): Promise<Fingerprint> {
  const quoted = table.split('.').map(quoteIdentifier).join('.');
  let columns: { name: string; type: string }[];
  try {
    columns = (await store.query(`DESCRIBE SELECT * FROM ${quoted}`)).map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
  } catch (error) {
    throw StoreError.create('UnknownTable', `cannot fingerprint ${table}: ${(error as Error).message}`, {
      cause: error,
      hint: 'name an existing table or view as schema.table',
    });
  }
  columns.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header = columns.map((c) => `${c.name} ${c.type}`).join(', ');
  const rowText = columns.map((c) => canonicalCell(c.name, c.type)).join(" || '|' || ");
  const rows = await store.query(
    `SELECT sha256(? || chr(10) || count(*) || chr(10) || coalesce(sum(CAST(h >> 64 AS UBIGINT)), 0) || ':' || coalesce(sum(CAST(h & ${LOW_64_BITS} AS UBIGINT)), 0)) AS fingerprint
       FROM (SELECT md5_number(${rowText}) AS h FROM ${quoted})`,
    [header],
  );
  return FingerprintSchema.parse(rows[0]?.['fingerprint']);
}
