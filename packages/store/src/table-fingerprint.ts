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

/**
 * A SHA-256 fingerprint of a table's (or view's) contents that ignores row
 * order and column order: each row becomes canonical text and its MD5, the
 * sorted MD5s are hashed together with the column names and types. Equal
 * tables give equal fingerprints on any DuckDB version, unlike DuckDB's
 * `hash()`, which may change between versions. Computed entirely in SQL;
 * memory grows with the row count (32 bytes a row).
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
    `SELECT sha256(? || chr(10) || count(*) || chr(10) || coalesce(string_agg(h, '' ORDER BY h), '')) AS fingerprint
       FROM (SELECT md5(${rowText}) AS h FROM ${quoted})`,
    [header],
  );
  return FingerprintSchema.parse(rows[0]?.['fingerprint']);
}
