import { fingerprint } from '@anatomy/contracts';
import { explainView, inferDeps, parseLineage, planSignals, readLineageCatalog } from '@anatomy/plan-signals';
import type { PlanSignals, SqlQueryable } from '@anatomy/plan-signals';
import { buildTaskGraph } from '@anatomy/scheduler';
import type { TaskGraph } from '@anatomy/scheduler';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompileExecutionPolicyInput } from './compile-execution-policy.js';
import { cachePoliciesFromShape, compileExecutionPolicy } from './compile-execution-policy.js';
import { CompiledExecutionPolicySchema } from './compiled-execution-policy.js';
import type { CompiledExecutionPolicy } from './compiled-execution-policy.js';
import { ExecutionPolicyError } from './execution-policy-error.js';

/** A small pipeline whose shape exercises every cache rule; views are listed in dependency order. */
const pipeline = [
  // Read by three views.
  { name: 'norm.defs', output: false, sql: 'SELECT file_id, name, kind, bstart FROM evidence.defs' },
  // Read once, by one view.
  { name: 'norm.classes', output: false, sql: "SELECT file_id, name FROM norm.defs WHERE kind = 'class'" },
  // Read by one view at two places.
  { name: 'norm.paths', output: false, sql: 'SELECT file_id, path FROM evidence.files' },
  // An output other views read.
  { name: 'out.functions', output: true, sql: "SELECT file_id, name, twice(bstart) AS at FROM norm.defs WHERE kind = 'function'" },
  // Read by nobody, not an output.
  { name: 'norm.unused', output: false, sql: 'SELECT count(*) AS n FROM norm.defs' },
  // Terminal output.
  {
    name: 'out.report',
    output: true,
    sql: `SELECT c.file_id, c.name, p.path FROM norm.classes c JOIN norm.paths p USING (file_id)
          UNION ALL SELECT f.file_id, f.name, p2.path FROM out.functions f JOIN norm.paths p2 ON p2.file_id = f.file_id`,
  },
] as const;

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let db: SqlQueryable;

/** Signals and task graph of a pipeline, with every view's name passed through `rename`. */
async function analyse(rename: (name: string) => string = (n) => n): Promise<Omit<CompileExecutionPolicyInput, 'thresholds' | 'tier'>> {
  const renamed = pipeline.map((v) => ({
    ...v,
    name: rename(v.name),
    sql: pipeline.reduce((sql, other) => sql.replaceAll(other.name, rename(other.name)), v.sql as string),
  }));
  await connection.run('BEGIN TRANSACTION');
  try {
    const signals: Record<string, PlanSignals> = {};
    const deps = [];
    const fileIdentityColumns: Record<string, string[]> = { 'evidence.defs': ['file_id'], 'evidence.files': ['file_id'] };
    for (const view of renamed) {
      const catalog = await readLineageCatalog(db);
      const lineage = await parseLineage(db, view, { catalog });
      const s = planSignals(await explainView(db, view), lineage, { fileIdentityColumns });
      if (s.filePartitioning.column !== null) fileIdentityColumns[view.name] = [s.filePartitioning.column];
      signals[view.name] = s;
      deps.push(inferDeps(lineage));
      await connection.run(`CREATE SCHEMA IF NOT EXISTS ${view.name.split('.')[0]}`);
      await connection.run(`CREATE VIEW ${view.name} AS ${view.sql}`);
    }
    const graph: TaskGraph = buildTaskGraph(deps);
    return { manifestFingerprint: fingerprint(renamed.map((v) => v.sql)), views: renamed.map((v) => ({ name: v.name, output: v.output })), graph, signals };
  } finally {
    await connection.run('ROLLBACK');
  }
}

let base: Omit<CompileExecutionPolicyInput, 'thresholds' | 'tier'>;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  connection = await instance.connect();
  db = { query: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS() };
  await connection.run(`
    CREATE MACRO twice(x) AS 2 * x;
    CREATE SCHEMA evidence;
    CREATE TABLE evidence.defs AS
      SELECT 'f' || (i % 40) AS file_id, 'n' || i AS name, CASE WHEN i % 3 = 0 THEN 'class' ELSE 'function' END AS kind, i * 10 AS bstart
        FROM range(5000) t(i);
    CREATE TABLE evidence.files AS SELECT 'f' || i AS file_id, 'pkg/m' || i || '.py' AS path FROM range(40) t(i);
  `);
  base = await analyse();
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

/** The cache decisions by plain view name (the policy keys them by the branded ViewName). */
function cacheOf(policy: CompiledExecutionPolicy): Readonly<Record<string, CompiledExecutionPolicy['cache'][keyof CompiledExecutionPolicy['cache']]>> {
  return policy.cache;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('compileExecutionPolicy', () => {
  it('decides cache policy from the shape of the task graph', () => {
    const policy = compileExecutionPolicy(base);
    expect(CompiledExecutionPolicySchema.parse(policy)).toEqual(policy);
    expect(Object.isFrozen(cacheOf(policy)['norm.defs']?.evidence)).toBe(true);
    const cache = Object.fromEntries(Object.entries(policy.cache).map(([view, d]) => [view, [d.value, d.confidence]]));
    expect(cache).toEqual({
      'norm.defs': ['materialized-table', 0.9],
      'norm.classes': ['inline-view', 0.8],
      'norm.paths': ['materialized-table', 0.8],
      'norm.unused': ['inline-view', 0.6],
      'out.functions': ['persisted-output', 0.9],
      'out.report': ['persisted-output', 1],
    });
    expect(cacheOf(policy)['norm.paths']?.rationale).toContain('2 places');
    expect(cacheOf(policy)['norm.defs']?.rationale).toContain('read by 3 views');
  });

  it('knows every cache policy from the graph and the lineage alone, before any view is planned', () => {
    const reads = Object.fromEntries(Object.entries(base.signals).map(([view, s]) => [view, s.reads]));
    const shaped = cachePoliciesFromShape({ views: base.views, graph: base.graph, reads });
    expect(shaped).toEqual(Object.fromEntries(Object.entries(compileExecutionPolicy(base).cache).map(([view, d]) => [view, d.value])));
    expect(shaped['norm.paths']).toBe('materialized-table');
    // A confidence floor above what inlining a view read once earns stores it, in both.
    const thresholds = { minConfidence: 0.85 };
    const strict = cachePoliciesFromShape({ views: base.views, graph: base.graph, reads, thresholds });
    expect(strict['norm.classes']).toBe('materialized-table');
    expect(strict).toEqual(Object.fromEntries(Object.entries(compileExecutionPolicy({ ...base, thresholds }).cache).map(([view, d]) => [view, d.value])));
  });

  it('stores a global view that a file-local view reads once, so an incremental build can measure its changes', () => {
    const locality = { 'norm.classes': { local: false }, 'out.report': { local: true } };
    const decision = cacheOf(compileExecutionPolicy({ ...base, locality }))['norm.classes'];
    expect(decision?.value).toBe('materialized-table');
    expect(decision?.rationale).toContain('file-local out.report');
    expect(decision?.evidence.map((e) => e.detail)).toContain('norm.classes is global; out.report file-local');
    // A file-local view, or a global one whose reader is global too, stays inline.
    expect(cacheOf(compileExecutionPolicy({ ...base, locality: { 'norm.classes': { local: true }, 'out.report': { local: true } } }))['norm.classes']?.value).toBe('inline-view');
    expect(cacheOf(compileExecutionPolicy({ ...base, locality: { 'norm.classes': { local: false }, 'out.report': { local: false } } }))['norm.classes']?.value).toBe('inline-view');
    // Given the same locality, the shape alone decides the same.
    const reads = Object.fromEntries(Object.entries(base.signals).map(([view, s]) => [view, s.reads]));
    expect(cachePoliciesFromShape({ views: base.views, graph: base.graph, reads, locality })['norm.classes']).toBe('materialized-table');
  });

  it('stores a file-local view that a global view groups, so an incremental build knows which groups changed', () => {
    const grouping = { local: false, grouped: { source: { relation: 'norm.classes' } } };
    const locality = { 'norm.classes': { local: true }, 'out.report': grouping };
    const decision = cacheOf(compileExecutionPolicy({ ...base, locality }))['norm.classes'];
    expect(decision?.value).toBe('materialized-table');
    expect(decision?.rationale).toContain('grouped by out.report');
    // Grouping another relation leaves it inline.
    const elsewhere = { 'norm.classes': { local: true }, 'out.report': { local: false, grouped: { source: { relation: 'norm.other' } } } };
    expect(cacheOf(compileExecutionPolicy({ ...base, locality: elsewhere }))['norm.classes']?.value).toBe('inline-view');
    const reads = Object.fromEntries(Object.entries(base.signals).map(([view, s]) => [view, s.reads]));
    expect(cachePoliciesFromShape({ views: base.views, graph: base.graph, reads, locality })['norm.classes']).toBe('materialized-table');
  });

  it('stores a view that a keyed global view looks up by key, directly or on the way to another relation', () => {
    const lookup = (foreign: string, via: string[] = []) => ({ local: false, keyed: { probes: [{ foreign, via: via.map((relation) => ({ relation })) }] } });
    for (const keyed of [lookup('norm.classes'), lookup('norm.other', ['norm.classes'])]) {
      const decision = cacheOf(compileExecutionPolicy({ ...base, locality: { 'norm.classes': { local: false }, 'out.report': keyed } }))['norm.classes'];
      expect(decision?.value).toBe('materialized-table');
      expect(decision?.rationale).toContain('out.report look(s) its rows up by key');
    }
    // Looking up another relation leaves it inline.
    expect(cacheOf(compileExecutionPolicy({ ...base, locality: { 'norm.classes': { local: false }, 'out.report': lookup('norm.other') } }))['norm.classes']?.value).toBe('inline-view');
  });

  it('never decides from names: renaming every view leaves every decision as it was', async () => {
    const renamed = await analyse((name) => `zz.${name.replace('.', '_')}`);
    const before = compileExecutionPolicy(base);
    const after = compileExecutionPolicy(renamed);
    for (const view of pipeline) {
      const other = `zz.${view.name.replace('.', '_')}`;
      expect([cacheOf(after)[other]?.value, cacheOf(after)[other]?.confidence]).toEqual([cacheOf(before)[view.name]?.value, cacheOf(before)[view.name]?.confidence]);
    }
  });

  it('gives every decision a confidence in [0, 1], a rationale and evidence', () => {
    const policy = compileExecutionPolicy({ ...base, tier: 'dev' });
    const decisions = [
      ...Object.values(policy.cache),
      ...Object.values(policy.scan).flatMap((s) => [s.columns, s.pushedPredicates, s.materializeSubset]),
      ...Object.values(policy.maintenance),
      policy.write,
      policy.diagnosticsTier,
    ];
    expect(decisions.length).toBe(6 + 3 * Object.keys(policy.scan).length + 4 + 2);
    for (const d of decisions) {
      expect(d.confidence).toBeGreaterThanOrEqual(0);
      expect(d.confidence).toBeLessThanOrEqual(1);
      expect(d.rationale.length).toBeGreaterThan(0);
      expect(d.evidence.length).toBeGreaterThan(0);
    }
    expect(policy.diagnosticsTier).toMatchObject({ value: 'dev', confidence: 1 });
    expect(compileExecutionPolicy(base).diagnosticsTier).toMatchObject({ value: 'prod', confidence: 0.8 });
  });

  it('falls back to materializing, and says why, when the reader of a view has no plan signals', () => {
    const signals = { ...base.signals };
    delete signals['out.report'];
    const policy = compileExecutionPolicy({ ...base, signals });
    expect(cacheOf(policy)['norm.classes']?.value).toBe('materialized-table');
    expect(cacheOf(policy)['norm.classes']?.confidence).toBe(0.5);
    expect(cacheOf(policy)['norm.classes']?.rationale).toMatch(/^falls back to "materialized-table": the case for "inline-view" is only 0\.4 sure/);
  });

  it('derives the scan policy of every relation the plans read, with the one size-tier definition vetoing subsets of small datasets', () => {
    const selectivity = { "(kind = 'class')": { value: 0.1, source: 'measured' as const }, "(kind = 'function')": { value: 0.1, source: 'measured' as const } };
    // Make two views read evidence.defs filtered alike.
    const classReads = [{ table: 'evidence.defs', columns: ['kind'], columnsComplete: true, sites: [["(kind = 'class')"]] }];
    const signals: Record<string, PlanSignals> = {
      ...base.signals,
      'norm.unused': { ...base.signals['norm.unused']!, inputs: ['evidence.defs'], reads: classReads },
      'norm.defs': { ...base.signals['norm.defs']!, reads: classReads },
    };
    const sharing = { ...base, signals };
    const small = compileExecutionPolicy({ ...sharing, thresholds: { scan: { selectivity } } });
    expect(Object.keys(small.scan)).toEqual(['evidence.defs', 'evidence.files', 'norm.classes', 'norm.defs', 'norm.paths', 'out.functions']);
    expect(small.scan['evidence.defs']?.candidateSubset?.readers).toEqual(['norm.defs', 'norm.unused']);
    expect(small.scan['evidence.defs']?.materializeSubset.value).toBe(false);
    expect(small.scan['evidence.defs']?.materializeSubset.rationale).toContain('small tier');
    const tiny = compileExecutionPolicy({ ...sharing, thresholds: { scan: { selectivity }, sizeTiers: { smallMaxRows: 10, mediumMaxRows: 100 } } });
    expect(tiny.scan['evidence.defs']?.materializeSubset).toMatchObject({ value: true, confidence: 0.85 });
  });

  it('collects the macros the plans call, records maintenance defaults and configured thresholds, and rebuilds', () => {
    const policy = compileExecutionPolicy({ ...base, thresholds: { maintenance: { walBytesCheckpoint: 1024 } } });
    expect(policy.requiredMacros).toEqual(['twice']);
    expect(policy.maintenance.walBytesCheckpoint).toMatchObject({ value: 1024, confidence: 1 });
    expect(policy.maintenance.deletedFractionRewrite).toMatchObject({ value: 0.25, confidence: 0.5 });
    expect(policy.write.value).toEqual({ mode: 'rebuild' });
    expect(policy.write.evidence[0]?.detail).toMatch(/^\d+ of 6 views are file-partitionable/);
  });

  it('rejects views, graph and signals that disagree, and thresholds out of bounds', () => {
    const missing = thrown(() => compileExecutionPolicy({ ...base, views: base.views.slice(1) }));
    expect(ExecutionPolicyError.is(missing, 'InvalidInput')).toBe(true);
    expect((missing as Error).message).toContain('task norm.defs is not among the views');
    const stray = thrown(() => compileExecutionPolicy({ ...base, signals: { ...base.signals, 'x.y': base.signals['norm.defs']! } }));
    expect(ExecutionPolicyError.is(stray, 'InvalidInput')).toBe(true);
    const unfingerprinted = thrown(() => compileExecutionPolicy({ ...base, manifestFingerprint: 'not a fingerprint' }));
    expect(ExecutionPolicyError.is(unfingerprinted, 'InvalidInput')).toBe(true);
    expect((unfingerprinted as Error).message).toContain('manifestFingerprint');
    const bounds = thrown(() => compileExecutionPolicy({ ...base, thresholds: { maxInlineFanOut: 0, minConfidence: 2 } }));
    expect(ExecutionPolicyError.is(bounds, 'InvalidThresholds')).toBe(true);
  });
});
