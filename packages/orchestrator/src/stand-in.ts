import { quoteIdentifier } from '@anatomy/schema-authority';

/** One column of a relation: its name and DuckDB's name of its type. */
export interface StandInColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * The largest row count a stand-in claims. DuckDB's estimates of joins it
 * knows nothing about can pass BIGINT's range (9.3e18 was seen), which
 * `range` does not take; beyond this bound a count means "enormous" anyway.
 */
export const STAND_IN_MAX_ROWS = Number.MAX_SAFE_INTEGER;

/**
 * SQL of a relation with a view's columns and as many rows as its plan
 * estimates, which DuckDB plans like a stored table of that size: the
 * range's length is its cardinality. The values are never computed (the
 * relation is only planned). Each is derived from the row number, so that
 * DuckDB counts as many distinct values as rows and estimates a join on it
 * like a join on a key: with values it knows nothing of (a volatile
 * expression) it estimated every join as the cross product, and constant
 * NULLs it would fold, pruning whatever reads them. A missing estimate (or
 * NaN) counts as no rows, an infinite one as the most.
 *
 * @example
 * standInSql([{ name: 'def_id', type: 'VARCHAR' }], 1200);
 * // SELECT TRY_CAST(md5(CAST(i AS VARCHAR)) AS VARCHAR) AS "def_id" FROM range(1200) AS stand_in(i)
 */
export function standInSql(columns: readonly StandInColumn[], estimatedRows: number | null): string {
  const rows = estimatedRows === null || Number.isNaN(estimatedRows) ? 0 : Math.min(STAND_IN_MAX_ROWS, Math.max(0, Math.round(estimatedRows)));
  const select = columns.map((c) => `TRY_CAST(md5(CAST(i AS VARCHAR)) AS ${c.type}) AS ${quoteIdentifier(c.name)}`);
  return `SELECT ${select.join(', ')} FROM range(${rows}) AS stand_in(i)`;
}
