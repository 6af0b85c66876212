import { decisionSchema } from '@anatomy/contracts';
import { explainView, PlanBundleSchema } from '@anatomy/plan-signals';
import type { PlanBundle, SqlQueryable } from '@anatomy/plan-signals';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTaskGraph } from './build-task-graph.js';
import { costModel, CostModelSchema, DEFAULT_MS_PER_ROW, TaskCostSchema } from './cost-model.js';
import { schedule } from './schedule.js';
import { SchedulerError } from './scheduler-error.js';

/** A plan bundle as explainView returns it, with the statistics given. */
function bundle(view: string, estimatedWork: number | null, estimatedRows: number | null = estimatedWork): PlanBundle {
  return PlanBundleSchema.parse({
    view,
    parseTree: {},
    physicalPlan: [],
    planFingerprint: 'a'.repeat(64),
    stats: { estimatedRows, estimatedWork, operators: 3, operatorCounts: {}, scans: [] },
  });
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const costDecision = decisionSchema(TaskCostSchema);

describe('costModel', () => {
  it('prices views from plan estimates at the default rate, and says so', () => {
    const model = costModel([bundle('v.small', 1_000), bundle('v.big', 1_000_000)]);
    expect(CostModelSchema.parse(model)).toEqual(model);
    expect(model.costs).toEqual({ 'v.big': 1_000_000 * DEFAULT_MS_PER_ROW, 'v.small': 1_000 * DEFAULT_MS_PER_ROW });
    expect(model.msPerRow).toMatchObject({ value: DEFAULT_MS_PER_ROW, confidence: 0.3 });
    expect(model.decisions['v.big']?.value.source).toBe('plan-estimate');
    expect(model.decisions['v.big']?.evidence.map((e) => e.source)).toEqual(['explain-plan', 'cost-model']);
    expect(Object.isFrozen(model.decisions['v.big']?.evidence)).toBe(true);
  });

  it('lets measured durations take precedence and calibrates the rate of the others on them', () => {
    // v.a: 2 ms for 1000 rows and v.b: 6 ms for 2000 rows give rates 0.002 and 0.003; the median is 0.0025.
    const model = costModel([bundle('v.a', 1_000), bundle('v.b', 2_000), bundle('v.c', 4_000)], { 'v.a': 2, 'v.b': 6, 'v.gone': 99 });
    expect(model.costs).toEqual({ 'v.a': 2, 'v.b': 6, 'v.c': 4_000 * 0.0025 });
    expect(model.decisions['v.a']).toMatchObject({ value: { cost: 2, source: 'measured' }, confidence: 0.9 });
    expect(model.decisions['v.c']).toMatchObject({ value: { cost: 10, source: 'plan-estimate' }, confidence: 0.6 });
    expect(model.msPerRow.value).toBe(0.0025);
    expect(model.msPerRow.evidence).toHaveLength(2);
    expect(model.costs['v.gone']).toBeUndefined();
  });

  it('prices a view with no estimate and no measurement like the median view, with low confidence', () => {
    const model = costModel([bundle('v.a', 1_000), bundle('v.b', 3_000), bundle('v.c', 5_000), bundle('v.none', null)], {}, { defaultMsPerRow: 1 });
    expect(model.decisions['v.none']).toMatchObject({ value: { cost: 3_000, source: 'default' }, confidence: 0.2 });
    expect(costModel([bundle('v.only', null)]).costs).toEqual({ 'v.only': 1 });
    for (const decision of Object.values(model.decisions)) expect(costDecision.safeParse(decision).success).toBe(true);
  });

  it('rejects duplicated bundles and impossible durations', () => {
    expect(SchedulerError.is(thrown(() => costModel([bundle('v.a', 1), bundle('v.a', 2)])), 'DuplicateTask')).toBe(true);
    expect(SchedulerError.is(thrown(() => costModel([bundle('v.a', 1)], { 'v.a': -3 })), 'InvalidCost')).toBe(true);
    expect(SchedulerError.is(thrown(() => costModel([bundle('v.a', 1)], {}, { defaultMsPerRow: 0 })), 'InvalidCost')).toBe(true);
  });
});

describe('costModel on real DuckDB plans', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  let db: SqlQueryable;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    connection = await instance.connect();
    db = { query: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS() };
    await connection.run(`
      CREATE SCHEMA evidence;
      CREATE TABLE evidence.big AS SELECT i AS id, 'f' || (i % 100) AS file_id FROM range(200000) t(i);
      CREATE TABLE evidence.small AS SELECT 'f' || i AS file_id, 'p' || i AS path FROM range(100) t(i);
    `);
  });

  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it('costs the view over more rows more, and the schedule starts with it', async () => {
    const views = [
      { name: 'norm.big', sql: 'SELECT b.id, s.path FROM evidence.big b JOIN evidence.small s USING (file_id)' },
      { name: 'norm.small', sql: 'SELECT path FROM evidence.small' },
    ];
    const bundles = [];
    for (const view of views) bundles.push(await explainView(db, view));
    const model = costModel(bundles);
    expect(model.costs['norm.big']).toBeGreaterThan((model.costs['norm.small'] ?? 0) * 100);
    const graph = buildTaskGraph(views.map((v) => ({ view: v.name, inputs: [], requiredColumns: {}, requiredMacros: [], inputsFrom: 'plan-lineage' as const })));
    expect(schedule(graph, model.costs).order).toEqual(['norm.big', 'norm.small']);
  });
});
