import { FingerprintSchema } from '@anatomy/contracts';
import { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { planFingerprint } from './plan-fingerprint.js';
import { PlanSignalsError } from './plan-signals-error.js';
import { withoutDatabase } from './without-database.js';

/** What one operator of an executed plan did: rows it produced and scanned, and its own time. */
export const ProfiledOperatorSchema = z.object({
  /** DuckDB's operator name (SEQ_SCAN, HASH_JOIN, …), as in `EXPLAIN`. */
  name: z.string().min(1),
  /** Depth below the query's root operator (0 for the root). */
  depth: z.number().int().nonnegative(),
  /** The scanned table, without the database prefix, for scans; null otherwise. */
  table: z.string().min(1).nullable(),
  /** Rows the operator produced. */
  actualRows: z.number().int().nonnegative(),
  /** Rows the planner expected it to produce; null when it gave no estimate. */
  estimatedRows: z.number().nonnegative().nullable(),
  /** Rows the operator read from storage (scans only; 0 elsewhere). */
  rowsScanned: z.number().int().nonnegative(),
  /** Time spent in the operator itself, in milliseconds. */
  timingMs: z.number().nonnegative(),
});
export type ProfiledOperator = z.infer<typeof ProfiledOperatorSchema>;

/**
 * What running a view's query measured, read from DuckDB's JSON profile:
 * the fingerprint of the plan that actually ran (comparable with the
 * `PlanBundle` fingerprint of the same plan), wall and CPU time, rows
 * returned and scanned, bytes read from storage, and every operator in
 * depth-first order. Fed back to the cost model and to scan payoff
 * measurements.
 */
export const ProfiledOutcomeSchema = z.object({
  view: z.string().min(1),
  planFingerprint: FingerprintSchema,
  latencyMs: z.number().nonnegative(),
  cpuTimeMs: z.number().nonnegative(),
  /** Rows the query returned (the root operator's rows). */
  rowsReturned: z.number().int().nonnegative(),
  /** Rows every scan of the query read from storage, summed. */
  rowsScanned: z.number().int().nonnegative(),
  /** Bytes read from the database file; 0 for data already in memory. */
  bytesRead: z.number().int().nonnegative(),
  operators: z.array(ProfiledOperatorSchema),
});
export type ProfiledOutcome = z.infer<typeof ProfiledOutcomeSchema>;

/**
 * Operators that wrap the query rather than compute it: the statement that
 * asked for the profile (`EXPLAIN ANALYZE`) or stored its result (`CREATE
 * TABLE … AS`, `INSERT`). The view's plan starts below them.
 */
const STATEMENT_OPERATORS = new Set(['EXPLAIN_ANALYZE', 'CREATE_TABLE_AS', 'BATCH_CREATE_TABLE_AS', 'INSERT', 'BATCH_INSERT', 'RESULT_COLLECTOR']);

/** Profile keys that record what happened at run time, not what the plan is. */
const RUNTIME_INFO = new Set(['Dynamic Filters']);

type JsonObject = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : 0;
}

function seconds(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value * 1000 : 0;
}

function estimate(info: JsonObject): number | null {
  const raw = info['Estimated Cardinality'];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /[0-9]/.test(raw) ? Number(raw.replace(/[^0-9.]/g, '')) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function childrenOf(node: JsonObject): JsonObject[] {
  return Array.isArray(node['children']) ? node['children'].filter(isRecord) : [];
}

function nameOf(node: JsonObject): string {
  const name = node['operator_name'] ?? node['operator_type'];
  return typeof name === 'string' ? name.trim() : '';
}

/** The profiled tree in `EXPLAIN (FORMAT JSON)` layout, so that `planFingerprint` reads both alike. */
function asExplainLayout(node: JsonObject): unknown {
  const info = isRecord(node['extra_info']) ? node['extra_info'] : {};
  return {
    name: nameOf(node),
    children: childrenOf(node).map(asExplainLayout),
    extra_info: Object.fromEntries(Object.entries(info).filter(([key]) => !RUNTIME_INFO.has(key))),
  };
}

/**
 * Reads a JSON query profile — the `analyzed_plan` of `EXPLAIN (ANALYZE,
 * FORMAT JSON)`, or a file written under `PRAGMA enable_profiling = 'json'`
 * with `profiling_output` set — into a ProfiledOutcome. `database` is the
 * name DuckDB prefixes scanned tables with, removed as in `explainView`.
 * Throws `plan-signals/ProfileFailed` when the profile holds no query plan.
 *
 * @example
 * const outcome = profiledOutcome('norm.defs', JSON.parse(readFileSync(profilePath, 'utf8')), 'anatomy');
 * outcome.operators.find((o) => o.name === 'SEQ_SCAN')?.rowsScanned; // 1200
 */
export function profiledOutcome(view: string, profile: unknown, database = ''): ProfiledOutcome {
  const root = withoutDatabase(profile, database);
  if (!isRecord(root)) {
    throw PlanSignalsError.create('ProfileFailed', `the profile of view ${view} is not a JSON object`, {
      details: { view },
      hint: "pass the parsed JSON of EXPLAIN (ANALYZE, FORMAT JSON) or of a profile written with PRAGMA enable_profiling = 'json'",
    });
  }
  let top = childrenOf(root);
  while (top.length === 1 && top[0] !== undefined && STATEMENT_OPERATORS.has(nameOf(top[0]))) top = childrenOf(top[0]);
  if (top.length === 0) {
    throw PlanSignalsError.create('ProfileFailed', `the profile of view ${view} holds no query plan`, {
      details: { view },
      hint: "profile a SELECT (or CREATE TABLE … AS SELECT); with enable_profiling, read the profile before running another statement",
    });
  }
  const operators: ProfiledOperator[] = [];
  const visit = (node: JsonObject, depth: number): void => {
    const info = isRecord(node['extra_info']) ? node['extra_info'] : {};
    const table = info['Table'];
    operators.push({
      name: nameOf(node) || '?',
      depth,
      table: typeof table === 'string' && table !== '' ? table : null,
      actualRows: count(node['operator_cardinality']),
      estimatedRows: estimate(info),
      rowsScanned: count(node['operator_rows_scanned']),
      timingMs: seconds(node['operator_timing']),
    });
    for (const child of childrenOf(node)) visit(child, depth + 1);
  };
  for (const node of top) visit(node, 0);
  return deepFreeze(
    ProfiledOutcomeSchema.parse({
      view,
      planFingerprint: planFingerprint(top.map(asExplainLayout)),
      latencyMs: seconds(root['latency']),
      cpuTimeMs: seconds(root['cpu_time']),
      rowsReturned: count(top[0]?.['operator_cardinality']),
      rowsScanned: operators.reduce((sum, o) => sum + o.rowsScanned, 0),
      bytesRead: count(root['total_bytes_read']),
      operators,
    }),
  );
}
