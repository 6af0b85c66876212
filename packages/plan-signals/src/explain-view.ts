import type { SqlQueryable } from './sql-queryable.js';
import { deepFreeze } from './deep-freeze.js';
import { PlanBundleSchema } from './plan-bundle.js';
import type { PlanBundle } from './plan-bundle.js';
import { planFingerprint } from './plan-fingerprint.js';
import { PlanSignalsError } from './plan-signals-error.js';
import { planStats } from './plan-stats.js';
import { plannableView } from './plannable-view.js';
import type { PlannableView } from './plannable-view.js';
import { readParseTree } from './read-parse-tree.js';
import { singleSelect } from './single-select.js';
import { withoutDatabase } from './without-database.js';

/** Options of {@link explainView}: what a caller explaining many views already knows. */
export interface ExplainViewOptions {
  /** The view's parse tree, read with `readParseTree`; read when absent. */
  readonly parseTree?: unknown;
  /** The connection's `current_database()`, which the plan's names are stripped of; asked when absent. */
  readonly database?: string;
}

/**
 * Asks DuckDB how it would run a view, without running it: the parse tree,
 * the physical plan of `EXPLAIN (FORMAT JSON)`, the plan fingerprint and
 * normalized statistics. The view's inputs must exist, so views are
 * explained in dependency order. Throws `plan-signals/ParseFailed` for SQL
 * DuckDB cannot parse and `plan-signals/ExplainFailed` when it cannot plan it.
 *
 * @example
 * const bundle = await explainView(store, { name: 'norm.defs', sql: 'SELECT * FROM evidence.ts_defs' });
 * bundle.stats.scans; // [{ table: 'evidence.ts_defs', estimatedRows: 1200 }]
 */
export async function explainView(store: SqlQueryable, view: PlannableView, options: ExplainViewOptions = {}): Promise<PlanBundle> {
  const checked = plannableView(view);
  const parseTree = options.parseTree ?? (await readParseTree(store, checked));
  singleSelect(checked.name, parseTree);
  let rows;
  let database: string;
  try {
    rows = await store.query(`EXPLAIN (FORMAT JSON) ${checked.sql}`);
    database = options.database ?? String((await store.query('SELECT current_database() AS db'))[0]?.['db'] ?? '');
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw PlanSignalsError.create('ExplainFailed', `DuckDB cannot plan view ${checked.name}: ${message}`, {
      cause: error,
      details: { view: checked.name },
      hint: `create the inputs of ${checked.name} first (views are explained in dependency order), then fix its SQL if the error persists`,
    });
  }
  const text = rows.find((row) => row['explain_key'] === 'physical_plan')?.['explain_value'];
  if (typeof text !== 'string') {
    throw PlanSignalsError.create('ExplainFailed', `EXPLAIN returned no physical plan for view ${checked.name}`, {
      details: { view: checked.name, keys: rows.map((row) => row['explain_key']) },
      hint: "reset the session's explain_output setting to its default ('physical_only')",
    });
  }
  const physicalPlan = withoutDatabase(JSON.parse(text) as unknown, database);
  return deepFreeze(
    PlanBundleSchema.parse({
      view: checked.name,
      parseTree,
      physicalPlan,
      planFingerprint: planFingerprint(physicalPlan),
      stats: planStats(physicalPlan),
    }),
  );
}
