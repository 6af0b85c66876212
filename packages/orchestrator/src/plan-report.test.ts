import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pythonEvidenceDatasets } from '@anatomy/extract-python';
import { PlanSignalsSchema } from '@anatomy/plan-signals';
import { treeSitterDatasets } from '@anatomy/extract-tree-sitter';
import { pythonCpgProgram } from '@anatomy/python-cpg';
import { repoScanDatasets } from '@anatomy/repo-scan';
import { cpgOutputDatasets, SchemaRegistry } from '@anatomy/schema-authority';
import { compileProgram, defineProgram, Normalize, Project } from '@anatomy/semantic-ir';
import type { SemanticProgram, SemanticProgramManifest } from '@anatomy/semantic-ir';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPlanReport, localityDecision, planInTransaction, planReport, PlanReportSchema, relationFileColumns } from './plan-report.js';

const stores: Store[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// SCIP takes no part, as in a default build: the views reading its occurrences are pruned.
const WITHOUT_SCIP = { unavailable: ['evidence.scip_occurrences'] };

function registryOfRun(): SchemaRegistry {
  const registry = new SchemaRegistry();
  registry.registerAll(repoScanDatasets);
  registry.registerAll(treeSitterDatasets);
  registry.registerAll(pythonEvidenceDatasets);
  registry.registerAll(cpgOutputDatasets);
  return registry;
}

/** A store holding every evidence table of the registry, with a few rows of files and definitions. */
async function evidenceStore(registry: SchemaRegistry, path = ':memory:'): Promise<Store> {
  const store = await openStore({ path });
  stores.push(store);
  const outputs = new Set(cpgOutputDatasets.map((ds) => ds.name));
  for (const ds of registry.list()) if (!outputs.has(ds.name)) await store.ensureDataset(ds);
  await store.run(`INSERT INTO evidence.files (file_id, path, size, sha256, encoding, line_count)
                   SELECT 'f' || i, 'pkg/m' || i || '.py', 100 + i, repeat('a', 64), 'utf-8', 10 FROM range(20) t(i)`);
  const defs = registry.get('evidence.ts_defs');
  const values = defs.columns.map((c) => {
    if (c.name === 'file_id') return "'f' || (i % 20)";
    if (c.type === 'utf8') return `'${c.name}' || i`;
    return 'i';
  });
  await store.run(`INSERT INTO evidence.ts_defs (${defs.columns.map((c) => `"${c.name}"`).join(', ')}) SELECT ${values.join(', ')} FROM range(200) t(i)`);
  return store;
}

/**
 * The stored relations a SELECT reads, found independently of plan-signals:
 * every BASE_TABLE node anywhere in DuckDB's JSON parse tree, less the names
 * of CTEs defined anywhere in it.
 */
async function tablesByParseTree(store: Store, sql: string): Promise<string[]> {
  const [row] = await store.query(`SELECT json_serialize_sql('${sql.replaceAll("'", "''")}') AS tree`);
  const tree = JSON.parse(String(row?.['tree'])) as unknown;
  const tables = new Set<string>();
  const ctes = new Set<string>();
  const stack: unknown[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...(node as unknown[]));
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const record = node as Record<string, unknown>;
    if (record['type'] === 'BASE_TABLE') {
      const schema = String(record['schema_name'] ?? '');
      tables.add(`${schema === '' ? 'main' : schema}.${String(record['table_name'])}`.toLowerCase());
    }
    if (Array.isArray((record['cte_map'] as { map?: unknown } | undefined)?.map)) {
      for (const entry of (record['cte_map'] as { map: { key: string }[] }).map) ctes.add(`main.${entry.key}`.toLowerCase());
    }
    stack.push(...Object.values(record));
  }
  return [...tables].filter((t) => !ctes.has(t)).sort();
}

/** The python-cpg program with cpg.nodes made of definitions only (no FILE rows): its SQL, and so its plan, change; norm.defs does not. */
const defsOnlyProgram: SemanticProgram = defineProgram({
  name: 'python-cpg',
  views: [
    Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' }),
    Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.defs', kind: 'DEF' }] }),
  ],
});

describe('planReport on the python-cpg program', () => {
  it('reports every view with the inputs DuckDB parses from its SQL, its plan, cost and cache policy', async () => {
    const registry = registryOfRun();
    const manifest = compileProgram(pythonCpgProgram, registry, WITHOUT_SCIP);
    const store = await evidenceStore(registry);
    const report = await planReport({ manifest, store, registry });
    expect(PlanReportSchema.parse(report)).toEqual(report);
    expect(report.manifestFingerprint).toBe(manifest.fingerprint);
    expect(report.tasks.map((t) => t.name).sort()).toEqual(manifest.views.map((v) => v.name).sort());
    for (const task of report.tasks) {
      expect(task.inputs).toEqual(await tablesByParseTree(store, task.sql));
      expect(task.inputsFrom).toBe('plan-lineage');
      expect(task.sql).toBe(manifest.views.find((v) => v.name === task.name)?.sql);
      expect(task.cost).toBeGreaterThanOrEqual(0);
    }
    const byName = Object.fromEntries(report.tasks.map((t) => [t.name, t]));
    // Known expectations for the program as written today.
    expect(byName['norm.defs']?.inputs).toEqual(['evidence.ts_defs']);
    expect(byName['cpg.nodes']?.inputs).toEqual(expect.arrayContaining(['evidence.files', 'norm.defs']));
    expect(byName['cpg.nodes']?.cachePolicy).toBe('persisted-output');
    // Both are file-local: cpg.props by its file_id, cpg.nodes with its SYMBOL rows (of no file) recomputed whole.
    const locality = Object.fromEntries(report.decisions.filter((d) => d.decision === 'file-locality').map((d) => [d.subject, d.value]));
    expect(locality['cpg.props']).toEqual({ local: true, column: 'file_id' });
    expect(locality['cpg.nodes']).toEqual({ local: true, column: 'file_id', nullFile: { inputs: ['derived.qualified_symbols'] } });
    // Import resolution is global but keyed: its rows of a file are those of the file's imports, looked up in the modules.
    const rationale = Object.fromEntries(report.decisions.filter((d) => d.decision === 'file-locality').map((d) => [d.subject, d.rationale]));
    expect(locality['rel.import_module']).toMatchObject({ local: false, keyed: { column: 'file_id', anchors: ['norm.imports'] } });
    expect(rationale['rel.import_module']).toContain('recomputed by file all the same');
    // Ranking each load's candidates (windows partitioned by the load) keeps a view keyed: its windows never mix files.
    expect(locality['rel.load_star']).toMatchObject({ local: false, keyed: { column: 'file_id', anchors: ['derived.loads', 'derived.stars'] } });
    expect(rationale['rel.load_star']).toContain('recomputed by file all the same');
    // norm.defs is read by several views (containers, containment, nodes, properties): computed once into a table.
    const readers = report.tasks.filter((t) => t.inputs.includes('norm.defs')).map((t) => t.name);
    expect(readers.length).toBeGreaterThan(1);
    expect(readers).toEqual(expect.arrayContaining(['cpg.nodes', 'cpg.props']));
    expect(byName['norm.defs']?.cachePolicy).toBe('materialized-table');
    expect(byName['norm.defs']?.estimatedRows).toBe(200);
    expect(byName['norm.defs']?.cost).toBeGreaterThan(0);
    // Every view comes after the views it reads, and the critical path is a chain of them, from a view
    // reading only evidence, whose cost is the sum of its views' costs.
    const position = new Map(report.tasks.map((t, i) => [t.name, i]));
    for (const task of report.tasks) for (const input of task.inputs) if (position.has(input)) expect(position.get(input)).toBeLessThan(position.get(task.name) ?? -1);
    const path = report.criticalPath.tasks;
    expect(path.length).toBeGreaterThan(0);
    expect(byName[path[0] ?? '']?.inputs.every((input) => !position.has(input))).toBe(true);
    for (let i = 1; i < path.length; i++) expect(byName[path[i] ?? '']?.inputs).toContain(path[i - 1]);
    expect(report.criticalPath.cost).toBeCloseTo(path.reduce((sum, name) => sum + (byName[name]?.cost ?? 0), 0));
    expect(byName[path[path.length - 1] ?? '']?.cachePolicy).toBe('persisted-output');
  });

  it('plans a reader of a stored view against that view as a stored relation, never expanding the views behind it', async () => {
    const registry = registryOfRun();
    const manifest = compileProgram(pythonCpgProgram, registry, WITHOUT_SCIP);
    const store = await evidenceStore(registry);
    await store.run('BEGIN TRANSACTION');
    try {
      const planned = await planInTransaction({ manifest, store, registry });
      const tasks = new Map(planned.report.tasks.map((t) => [t.name, t]));
      const stored = planned.report.tasks.filter((t) => t.cachePolicy !== 'inline-view').map((t) => t.name);
      // Every view the shape of the graph stores stands in for itself. A global view is stored for a file-local
      // reader too, and a view for the global view grouping it or looking it up by key, which only planning
      // tells: their readers were planned with them inline.
      const forLocalReader = new Set(
        planned.report.decisions
          .filter((d) => d.decision === 'cache-policy' && d.value === 'materialized-table' && (d.rationale.includes('file-local') || d.rationale.includes('grouped by') || d.rationale.includes('up by key')))
          .map((d) => d.subject),
      );
      expect(forLocalReader.size).toBeGreaterThan(0);
      expect(forLocalReader).toContain('merged.symbol_names');
      // A stored view that no view reads (an output) is not created at all: no later plan needs it.
      const read = new Set(planned.report.tasks.flatMap((t) => t.inputs));
      expect([...planned.standIns].sort()).toEqual(stored.filter((name) => !forLocalReader.has(name) && read.has(name)).sort());
      expect(stored.filter((name) => !read.has(name))).toEqual(expect.arrayContaining(['cpg.edges', 'cpg.nodes', 'cpg.props']));
      expect(await store.query("SELECT view_name FROM duckdb_views() WHERE schema_name = 'cpg'")).toEqual([]);
      // What a view's plan may scan: the evidence it reads, and what the views it reads without a stand-in scan.
      const reachable = (name: string): Set<string> => {
        const out = new Set<string>();
        for (const input of tasks.get(name)?.inputs ?? []) {
          const task = tasks.get(input);
          if (task === undefined) out.add(input);
          else if (!planned.standIns.has(input)) for (const t of reachable(input)) out.add(t);
        }
        return out;
      };
      let readersOfStored = 0;
      for (const [name, signals] of Object.entries(planned.signals)) {
        const allowed = reachable(name);
        for (const scan of signals.scans) expect(allowed, `${name} scans ${scan.table}`).toContain(scan.table);
        if (tasks.get(name)?.inputs.some((input) => stored.includes(input)) === true) readersOfStored += 1;
      }
      expect(readersOfStored).toBeGreaterThan(5);
      // The stand-in of norm.defs carries its estimate (200 rows) into its readers' plans: a RANGE of 200 rows,
      // where an expanded norm.defs would show a scan of evidence.ts_defs instead.
      const operators = (node: unknown): { name: string; rows: string | undefined }[] => {
        if (Array.isArray(node)) return node.flatMap(operators);
        if (typeof node !== 'object' || node === null) return [];
        const record = node as { name?: unknown; extra_info?: Record<string, unknown>; children?: unknown };
        const rows = record.extra_info?.['Estimated Cardinality'];
        return [{ name: String(record.name), rows: typeof rows === 'string' ? rows : undefined }, ...operators(record.children ?? [])];
      };
      const nodes = operators(planned.bundles.find((b) => b.view === 'cpg.nodes')?.physicalPlan);
      expect(nodes).toContainEqual({ name: 'RANGE', rows: '200' });
    } finally {
      await store.run('ROLLBACK');
    }
  });

  it('plans the views of a generation on two connections, with the same result as on one', async () => {
    const registry = registryOfRun();
    const manifest = compileProgram(pythonCpgProgram, registry, WITHOUT_SCIP);
    const dir = mkdtempSync(join(tmpdir(), 'plan-report-'));
    dirs.push(dir);
    // The real store, watched: which of its connections each EXPLAIN went through.
    const explained = { store: 0, lane: 0 };
    const watched = (store: Store, counter: 'store' | 'lane'): Store =>
      new Proxy(store, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (key === 'query') {
            return (sql: string, params?: unknown) => {
              if (sql.startsWith('EXPLAIN')) explained[counter] += 1;
              return (value as Store['query']).call(target, sql, params as never);
            };
          }
          if (key === 'withLane') return <T>(fn: (lane: Store | null) => Promise<T>) => target.withLane((lane) => fn(lane === null ? null : watched(lane, 'lane')));
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    // Outside a transaction the store lends a lane; inside one, one connection plans every view.
    const spread = await planInTransaction({ manifest, store: watched(await evidenceStore(registry, join(dir, 'spread.duckdb')), 'store'), registry });
    expect(explained.lane).toBeGreaterThan(0);
    expect(explained.store).toBeGreaterThan(0);
    expect(explained.store + explained.lane).toBe(manifest.views.length);
    const alone = await evidenceStore(registry, join(dir, 'alone.duckdb'));
    await alone.run('BEGIN TRANSACTION');
    let one;
    try {
      one = await planInTransaction({ manifest, store: alone, registry });
    } finally {
      await alone.run('ROLLBACK');
    }
    expect(spread.report).toEqual(one.report);
    expect(spread.bundles).toEqual(one.bundles);
    expect(spread.signals).toEqual(one.signals);
    expect(spread.locality).toEqual(one.locality);
    expect([...spread.standIns].sort()).toEqual([...one.standIns].sort());
    expect(spread.policy.fingerprint).toBe(one.policy.fingerprint);
  }, 180_000);

  it('backs every decision with a confidence in [0, 1], a rationale and evidence', async () => {
    const registry = registryOfRun();
    const report = await planReport({ manifest: compileProgram(pythonCpgProgram, registry, WITHOUT_SCIP), store: await evidenceStore(registry), registry });
    expect(report.decisions.length).toBeGreaterThan(report.tasks.length * 2);
    for (const decision of report.decisions) {
      expect(decision.confidence).toBeGreaterThanOrEqual(0);
      expect(decision.confidence).toBeLessThanOrEqual(1);
      expect(decision.rationale.trim()).not.toBe('');
      expect(decision.evidence.length).toBeGreaterThan(0);
      for (const e of decision.evidence) expect(e.detail.trim()).not.toBe('');
    }
    const kinds = new Set(report.decisions.map((d) => d.decision));
    for (const kind of ['cost', 'cache-policy', 'ms-per-row', 'scan-columns', 'scan-pushed-predicates', 'scan-materialize-subset', 'write-policy', 'diagnostics-tier']) {
      expect(kinds).toContain(kind);
    }
    const scanned = report.decisions.filter((d) => d.decision === 'scan-columns').map((d) => d.subject);
    expect(scanned).toEqual(expect.arrayContaining(['evidence.files', 'evidence.ts_defs', 'norm.defs']));
  });

  it('leaves nothing behind in the store, and replaces for the plan a table an earlier build left', async () => {
    const registry = registryOfRun();
    const manifest = compileProgram(pythonCpgProgram, registry, WITHOUT_SCIP);
    const store = await evidenceStore(registry);
    // An earlier build's output, with other columns than this manifest's cpg.nodes.
    await store.run('CREATE SCHEMA cpg; CREATE TABLE cpg.nodes (stale INTEGER)');
    const report = await planReport({ manifest, store, registry });
    expect(report.tasks).toHaveLength(manifest.views.length);
    const views = await store.query("SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal AND schema_name IN ('norm', 'cpg')");
    expect(views).toEqual([]);
    expect(await store.query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'cpg' AND table_name = 'nodes'")).toEqual([
      { column_name: 'stale' },
    ]);
    expect((await store.query('SELECT count(*) AS n FROM evidence.ts_defs'))[0]?.['n']).toBe(200n);
  });

  it('gives the same plan fingerprints in separate stores, and another one to a view whose SQL means something else', async () => {
    const registry = registryOfRun();
    const manifest = compileProgram(pythonCpgProgram, registry, WITHOUT_SCIP);
    const dir = mkdtempSync(join(tmpdir(), 'plan-report-'));
    dirs.push(dir);
    const fingerprints = (r: { tasks: readonly { name: string; planFingerprint: string }[] }): Record<string, string> =>
      Object.fromEntries(r.tasks.map((t) => [t.name, t.planFingerprint]));
    const inMemory = await planReport({ manifest, store: await evidenceStore(registry), registry });
    const onDisk = await planReport({ manifest, store: await evidenceStore(registry, join(dir, 'anatomy.duckdb')), registry });
    expect(fingerprints(onDisk)).toEqual(fingerprints(inMemory));

    const modified: SemanticProgramManifest = compileProgram(defsOnlyProgram, registry);
    expect(modified.views.find((v) => v.name === 'norm.defs')?.sql).toBe(manifest.views.find((v) => v.name === 'norm.defs')?.sql);
    const changed = await planReport({ manifest: modified, store: await evidenceStore(registry), registry });
    expect(fingerprints(changed)['norm.defs']).toBe(fingerprints(inMemory)['norm.defs']);
    expect(fingerprints(changed)['cpg.nodes']).not.toBe(fingerprints(inMemory)['cpg.nodes']);
    const nodes = changed.tasks.find((t) => t.name === 'cpg.nodes');
    expect(nodes?.sql).not.toBe(manifest.views.find((v) => v.name === 'cpg.nodes')?.sql);
    expect(nodes?.inputs).toEqual(await tablesByParseTree(stores[0]!, nodes?.sql ?? ''));
    // Three plans of the whole program.
  }, 180_000);

  it('prints a table of the views in schedule order with the critical path', async () => {
    const registry = registryOfRun();
    const report = await planReport({ manifest: compileProgram(pythonCpgProgram, registry, WITHOUT_SCIP), store: await evidenceStore(registry), registry });
    const text = formatPlanReport(report);
    const lines = text.split('\n');
    expect(lines[0]).toContain(`plan of manifest ${report.manifestFingerprint.slice(0, 12)}`);
    expect(lines[1]).toMatch(/#\s+cp\s+view\s+kind\s+cache\s+est\. rows\s+cost ms\s+plan\s+inputs/);
    const rows = lines.slice(2, 2 + report.tasks.length);
    expect(rows.map((line) => line.trim().split(/\s+/)[0])).toEqual(report.tasks.map((_, i) => String(i + 1)));
    expect(rows.find((line) => line.includes(' norm.defs '))).toMatch(/\s+norm\.defs\s+normalize\s+materialized-table\s+200\s.*evidence\.ts_defs$/);
    expect(rows.find((line) => line.includes(' cpg.nodes '))).toMatch(/\s+cpg\.nodes\s+project\s+persisted-output\s+.*evidence\.files, .*norm\.defs, /);
    expect(lines[2 + report.tasks.length]).toBe(`critical path (${lines[2 + report.tasks.length]?.match(/\((.+ ms)\)/)?.[1] ?? ''}): ${report.criticalPath.tasks.join(' → ')}`);
    for (const name of report.criticalPath.tasks) expect(rows.find((line) => line.includes(` ${name} `))).toMatch(new RegExp(`\\*\\s+${name.replace('.', '\\.')}\\s`));
    expect(text).toContain(`decisions (${report.decisions.length}, least sure first):`);
  });
});

describe('localityDecision', () => {
  it('says how an incremental build brings each kind of view up to date', () => {
    const global = { view: 'rel.v', local: false, column: null, reason: 'it reads rel.w, which carries no file identity' };
    const keyed = { column: 'file_id', source: { relation: 'norm.refs', column: 'file_id', nonNull: true }, anchors: ['norm.refs'], probes: [], reason: 'file_id carries the file of norm.refs' };
    const grouped = { column: 'name', source: { relation: 'merged.names', column: 'name' }, reason: 'it groups merged.names by name' };
    const rationale = (locality: Parameters<typeof localityDecision>[0]): string => localityDecision(locality).rationale;
    expect(rationale({ view: 'rel.v', local: true, column: 'file_id', reason: 'file_id passes through' })).toBe('file-local: file_id passes through');
    expect(rationale({ ...global, keyed })).toBe(`global: ${global.reason}; recomputed by file all the same, given the keys that changed: ${keyed.reason}`);
    expect(rationale({ ...global, grouped })).toContain('; recomputed group by group all the same');
    expect(rationale({ ...global, unkeyed: 'it calls max over windows not partitioned by a column naming the file of a row of norm.refs' })).toBe(
      `global: ${global.reason}; recomputed whole when an input changed, not by key: it calls max over windows not partitioned by a column naming the file of a row of norm.refs`,
    );
    expect(rationale(global)).toBe(`global: ${global.reason}`);
    expect(localityDecision({ ...global, keyed }).value).toMatchObject({ keyed: { column: 'file_id', anchors: ['norm.refs'], probes: [] } });
  });
});

describe('relationFileColumns', () => {
  it("names each registered dataset's file identity, each file-local view's file column and the column a global view carries its rows' file in", () => {
    const registry = new SchemaRegistry();
    registry.registerAll(repoScanDatasets);
    registry.registerAll(treeSitterDatasets);
    // A global view whose rows keep the file of the call they resolve: its file column passes evidence.ts_calls.file_id through.
    const carrying = PlanSignalsSchema.parse({
      view: 'rel.carrying',
      planFingerprint: 'a'.repeat(64),
      estimatedRows: 10,
      estimatedWork: 10,
      operators: 1,
      scans: [],
      joins: { count: 1, types: ['INNER'] },
      setOperations: 0,
      aggregates: 0,
      windows: 0,
      sorts: 0,
      inputs: ['evidence.ts_calls'],
      reads: [],
      requiredMacros: [],
      filePartitioning: { partitionable: true, column: 'call_file', sources: ['evidence.ts_calls.file_id'], reason: 'passed through' },
    });
    const columns = relationFileColumns(
      registry,
      {
        'rel.local': { view: 'rel.local', local: true, column: 'owner_file', reason: 'passes file_id through' },
        'rel.global': { view: 'rel.global', local: false, column: null, reason: 'a cross-file join' },
        'rel.carrying': { view: 'rel.carrying', local: false, column: null, reason: 'a cross-file join' },
      },
      { 'rel.carrying': carrying },
    );
    expect(columns.get('evidence.ts_defs')).toBe('file_id');
    expect(columns.get('evidence.files')).toBe('file_id');
    expect(columns.get('rel.local')).toBe('owner_file');
    expect(columns.get('rel.carrying')).toBe('call_file');
    expect(columns.has('rel.global')).toBe(false);
  });
});
