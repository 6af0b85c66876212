import { sqlString } from '@anatomy/contracts';
import type { SqlQueryable } from './sql-queryable.js';
import { PlanSignalsError } from './plan-signals-error.js';
import type { PlannableView } from './plannable-view.js';

/** The most parse trees kept; a program's views are far fewer. */
const KEPT_TREES = 1024;

/**
 * Parse trees already read, as DuckDB wrote them, by SQL text. A parse tree
 * depends on the text alone (the parser reads no catalog), and a build reads
 * the tree of each view two or three times over (its lineage, its plan, its
 * scan profiles): a round trip of 1–3 ms each, a few hundred per build. The
 * text is kept, not the object: each caller gets a tree of its own to change.
 */
const trees = new Map<string, string>();

/**
 * Asks DuckDB for the JSON parse tree of a view's SQL
 * (`json_serialize_sql`), once per SQL text in a process. A SQL error does
 * not throw here: DuckDB reports it inside the tree as `"error": true`, which
 * `lineageFromParseTree` turns into `plan-signals/ParseFailed`.
 *
 * @example
 * const tree = await readParseTree(store, { name: 'norm.defs', sql: 'SELECT 1' });
 */
export async function readParseTree(store: SqlQueryable, view: PlannableView): Promise<unknown> {
  const known = trees.get(view.sql);
  if (known !== undefined) return JSON.parse(known) as unknown;
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
  if (trees.size >= KEPT_TREES) trees.delete(trees.keys().next().value as string);
  trees.set(view.sql, tree);
  return JSON.parse(tree) as unknown;
}
