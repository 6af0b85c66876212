import { PlanSignalsError } from './plan-signals-error.js';
import { plannableView } from './plannable-view.js';
import type { PlannableView } from './plannable-view.js';
import { profiledOutcome } from './profiled-outcome.js';
import type { ProfiledOutcome } from './profiled-outcome.js';
import { readParseTree } from './read-parse-tree.js';
import { singleSelect } from './single-select.js';
import type { SqlQueryable } from './sql-queryable.js';

/** Options of {@link profileView}: what a caller profiling many queries already knows. */
export interface ProfileViewOptions {
  /** The connection's `current_database()`, which the plan's names are stripped of; asked when absent. */
  readonly database?: string;
}

/**
 * Runs a view's query under DuckDB's profiler (`EXPLAIN (ANALYZE, FORMAT
 * JSON)`) and returns what it measured: actual rows and time per operator,
 * rows scanned, bytes read. The query runs in full — its result is thrown
 * away — so profile after the inputs exist, in dependency order. Throws
 * `plan-signals/ParseFailed` for SQL DuckDB cannot parse and
 * `plan-signals/ProfileFailed` when the query fails.
 *
 * @example
 * const outcome = await profileView(store, { name: 'norm.defs', sql: 'SELECT * FROM evidence.ts_defs' });
 * outcome.rowsReturned; // 1200
 * outcome.planFingerprint === (await explainView(store, view)).planFingerprint; // true: the same plan ran
 */
export async function profileView(store: SqlQueryable, view: PlannableView, options: ProfileViewOptions = {}): Promise<ProfiledOutcome> {
  const checked = plannableView(view);
  singleSelect(checked.name, await readParseTree(store, checked));
  let text: unknown;
  let database: string;
  try {
    const rows = await store.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${checked.sql}`);
    text = rows.find((row) => row['explain_key'] === 'analyzed_plan')?.['explain_value'];
    database = options.database ?? String((await store.query('SELECT current_database() AS db'))[0]?.['db'] ?? '');
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw PlanSignalsError.create('ProfileFailed', `DuckDB cannot run view ${checked.name} under the profiler: ${message}`, {
      cause: error,
      details: { view: checked.name },
      hint: `create the inputs of ${checked.name} first (views are profiled in dependency order), then fix its SQL if the error persists`,
    });
  }
  if (typeof text !== 'string') {
    throw PlanSignalsError.create('ProfileFailed', `EXPLAIN ANALYZE returned no analyzed plan for view ${checked.name}`, {
      details: { view: checked.name },
      hint: "reset the session's explain_output setting to its default ('physical_only')",
    });
  }
  return profiledOutcome(checked.name, JSON.parse(text) as unknown, database);
}
