import { sqlString } from '@anatomy/contracts';
import type { SqlQueryable } from './sql-queryable.js';
import { PlanSignalsError } from './plan-signals-error.js';
import type { PlannableView } from './plannable-view.js';

/**
 * Asks DuckDB for the JSON parse tree of a view's SQL
 * (`json_serialize_sql`). A SQL error does not throw here: DuckDB reports it
 * inside the tree as `"error": true`, which `lineageFromParseTree` turns into
 * `plan-signals/ParseFailed`.
 *
 * @example
 * const tree = await readParseTree(store, { name: 'norm.defs', sql: 'SELECT 1' });
 */
export async function readParseTree(store: SqlQueryable, view: PlannableView): Promise<unknown> {
  let rows;
  try {
    rows = await store.query(`SELECT json_serialize_sql(${sqlString(view.sql)}) AS tree`);
  } catch (error) {
    throw PlanSignalsError.create('ParseFailed', `DuckDB cannot serialize the SQL of view ${view.name}: ${(error as Error).message}`, {
      cause: error,
      details: { view: view.name },
      hint: 'check that the store is open and that its json extension loads (it ships with DuckDB)',
    });
  }
  const tree = rows[0]?.['tree'];
  if (typeof tree !== 'string') {
    throw PlanSignalsError.create('ParseFailed', `json_serialize_sql returned no parse tree for view ${view.name}`, {
      details: { view: view.name },
      hint: 'this DuckDB build may lack json_serialize_sql; use DuckDB 1.5 or later',
    });
  }
  return JSON.parse(tree) as unknown;
}
