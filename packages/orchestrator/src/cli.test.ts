import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readRunBundle } from '@anatomy/artifact-registry';
import { stableId } from '@anatomy/contracts';
import { measureScanPayoff } from '@anatomy/scan-policy';
import { openStore } from '@anatomy/store';
import { runPlanBundlesArtifact, runPolicyArtifact, runScanPayoffsArtifact } from './run-artifacts.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from './exit-code.js';
import { runCliInProcess } from './run-cli-in-process.test-support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Writes an inline file tree into a fresh temporary directory. */
function fileTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'anatomy-cli-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const run = runCliInProcess;

describe('anatomy build', () => {
  it('builds the CPG and reports views whose inputs come from DuckDB lineage', async () => {
    const root = fileTree({
      'pkg/__init__.py': '',
      'pkg/café.py': '# ¡olé! 中文 🐍\nclass Ünï:\n    def método(self):\n        pass\n\nasync def run():\n    pass\n',
      'ignored/skip.py': 'def hidden(): pass\n',
      '.gitignore': 'ignored/\n',
    });
    const result = await run('build', root, '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(ExitCode.Ok);
    const summary = JSON.parse(result.stdout) as {
      files: number;
      extractors: { extractor: string; status: string; rows: Record<string, number> }[];
      nodesByKind: Record<string, number>;
      order: string[];
      tasks: { name: string; inputs: string[]; cachePolicy: string; materializedAs: string }[];
      storePath: string;
    };
    expect(summary.storePath).toBe(join(root, '.anatomy', 'anatomy.duckdb'));
    expect(summary).toMatchObject({ files: 2, nodesByKind: { FILE: 2, DEF: 3 } });
    // demand-driven: the program reads tree-sitter syntax and CPython's symbol tables, so both extractors run
    expect(summary.extractors.find((x) => x.extractor === 'tree-sitter')).toMatchObject({ status: 'ran', rows: { 'evidence.ts_defs': 3 } });
    expect(summary.extractors.find((x) => x.extractor === 'python')?.status).toBe('ran');
    expect(summary.order.indexOf('norm.defs')).toBeLessThan(summary.order.indexOf('cpg.nodes'));
    expect(summary.tasks.find((t) => t.name === 'cpg.nodes')?.inputs).toEqual(expect.arrayContaining(['evidence.files', 'norm.defs']));
    expect(summary.tasks.find((t) => t.name === 'norm.defs')?.inputs).toEqual(['evidence.ts_defs']);
    // the runtime follows the compiled policy: the output is persisted, the single-consumer view inlined
    expect(summary.tasks.find((t) => t.name === 'cpg.nodes')).toMatchObject({ cachePolicy: 'persisted-output', materializedAs: 'table' });
    // norm.defs is read by several views (nodes, properties, containment), so it is computed once into a table
    expect(summary.tasks.find((t) => t.name === 'norm.defs')).toMatchObject({ cachePolicy: 'materialized-table', materializedAs: 'table' });

    const query = await run('query', root, "SELECT name, bstart, line, col, file_id FROM cpg.nodes WHERE node_kind = 'DEF' ORDER BY bstart", '--format', 'json');
    expect(query.code).toBe(ExitCode.Ok);
    const prefix = Buffer.byteLength('# ¡olé! 中文 🐍\n');
    expect(JSON.parse(query.stdout)).toEqual([
      { name: 'Ünï', bstart: prefix, line: 2, col: 0, file_id: stableId('file', 'pkg/café.py') },
      { name: 'método', bstart: prefix + Buffer.byteLength('class Ünï:\n    '), line: 3, col: 4, file_id: stableId('file', 'pkg/café.py') },
      { name: 'run', bstart: prefix + Buffer.byteLength('class Ünï:\n    def método(self):\n        pass\n\n'), line: 6, col: 0, file_id: stableId('file', 'pkg/café.py') },
    ]);
  }, 180_000); // real builds of the whole program: more than a minute on a busy machine

  it('extracts every evidence table with --all-evidence', async () => {
    const root = fileTree({ 'a.py': 'import os\n\ndef f(x):\n    return os.path.join(x, "é")\n', 'bad.py': 'def broken(:\n' });
    const result = await run('build', root, '--all-evidence', '--json');
    expect(result.code).toBe(ExitCode.Ok);
    const summary = JSON.parse(result.stdout) as { extractors: { extractor: string; status: string; rows: Record<string, number> }[] };
    const python = summary.extractors.find((x) => x.extractor === 'python');
    expect(python?.status).toBe('ran');
    expect(python?.rows['evidence.py_defs']).toBe(1);
    expect(python?.rows['evidence.py_imports']).toBe(1);
    expect(python?.rows['evidence.py_parse_errors']).toBeGreaterThanOrEqual(1);
    // the line index is evidence too: one row per line of each file
    expect(summary.extractors.find((x) => x.extractor === 'line-index')?.rows['evidence.line_index']).toBe(5);
    const rows = await run('query', root, 'SELECT name, bstart FROM evidence.py_defs', '--format', 'json');
    expect(JSON.parse(rows.stdout)).toEqual([{ name: 'f', bstart: Buffer.byteLength('import os\n\n') }]);
  });

  it('caps DuckDB memory on a full build (400MB unless --memory-limit says otherwise), not on an incremental one', async () => {
    const root = fileTree({ 'a.py': 'def f():\n    return 1\n' });
    type Memory = { memory: { limit: string | null; raised: unknown[]; leaner: unknown[]; sortedRankings: boolean }; build: { mode: string } };
    const first = JSON.parse((await run('build', root, '--json')).stdout) as Memory;
    expect(first.build.mode).toBe('full');
    // A full build tells what its processes held while extracting (sampled from /proc).
    const held = { peakMiB: expect.any(Number), endMiB: expect.any(Number) };
    expect(first.memory).toEqual({ limit: '400MB', raised: [], leaner: [], sortedRankings: true, extractionHeld: held });
    const again = JSON.parse((await run('build', root, '--json')).stdout) as Memory;
    expect(again.build.mode).toBe('incremental');
    expect(again.memory).toEqual({ limit: null, raised: [], leaner: [], sortedRankings: false });
    const capped = JSON.parse((await run('build', root, '--full', '--memory-limit', '256MB', '--json')).stdout) as Memory;
    expect(capped.memory).toEqual({ limit: '256MB', raised: [], leaner: [], sortedRankings: true, extractionHeld: held });
    const bad = await run('build', root, '--memory-limit', 'plenty');
    expect(bad.code).not.toBe(ExitCode.Ok);
    expect(bad.stderr).toMatch(/memoryLimit.*must be a size such as '2GB'/);
  }, 180_000);

  it('writes a new store in DuckDB 1.4 format unless --storage-version names another; an incremental build keeps the format', async () => {
    const root = fileTree({ 'a.py': 'def f():\n    return 1\n' });
    const format = async (): Promise<string> => {
      const store = await openStore({ path: join(root, '.anatomy', 'anatomy.duckdb'), readOnly: true });
      try {
        const [row] = await store.query("SELECT map_extract_value(tags, 'storage_version') AS v FROM duckdb_databases() WHERE database_name = current_database()");
        return String(row?.['v']);
      } finally {
        await store.close();
      }
    };
    expect((await run('build', root)).code).toBe(ExitCode.Ok);
    expect(await format()).toBe('v1.4.0+');
    expect((await run('build', root, '--full', '--storage-version', 'v1.0.0')).code).toBe(ExitCode.Ok);
    expect(await format()).toBe('v1.0.0+');
    writeFileSync(join(root, 'a.py'), 'def f():\n    return 2\n');
    const again = await run('build', root, '--json');
    expect((JSON.parse(again.stdout) as { build: { mode: string } }).build.mode).toBe('incremental');
    expect(await format()).toBe('v1.0.0+');
    const bad = await run('build', root, '--storage-version', '1.4');
    expect(bad.code).not.toBe(ExitCode.Ok);
    expect(bad.stderr).toMatch(/storageVersion.*must be a DuckDB version such as 'v1.4.0'/);
  }, 180_000);

  it('writes to --store and prints a readable summary', async () => {
    const root = fileTree({ 'a.py': 'def f():\n    return 1\n' });
    const store = join(root, 'elsewhere', 'cpg.duckdb');
    const result = await run('build', root, '--store', store);
    expect(result.stderr).not.toContain('anatomy:');
    expect(result.code).toBe(ExitCode.Ok);
    expect(result.stdout).toContain(`CPG written to ${store}`);
    expect(result.stdout).toMatch(/cpg\.nodes ← [^\n]*evidence\.files[^\n]*norm\.defs/);
    expect(result.stderr).toMatch(/» scan[\s\S]*✓ execute/);
    const count = await run('query', store, 'SELECT count(*) AS n FROM cpg.nodes', '--format', 'csv');
    // FILE, MODULE, DEF f, SCOPE top and f, BINDING f, SYMBOL a and a.f
    expect(count.stdout).toBe('n\n8\n');
    // the run is recorded in the store and its bundle holds the plan bundles
    const runs = JSON.parse((await run('query', store, 'SELECT run_id, bundle, files FROM meta.runs', '--format', 'json')).stdout) as { run_id: string; bundle: string; files: number }[];
    expect(runs).toHaveLength(1);
    expect(runs[0]?.files).toBe(1);
    const bundle = await readRunBundle(runs[0]?.bundle ?? '');
    const plans = bundle.read(runPlanBundlesArtifact);
    expect(plans.map((p) => p.view)).toContain('cpg.nodes');
    expect(plans.every((p) => /^[0-9a-f]{64}$/.test(p.planFingerprint))).toBe(true);
    // scan payoffs are measured, not assumed: every evidence dataset read has rows scanned with and without its policy
    const payoffs = bundle.read(runScanPayoffsArtifact);
    const defs = payoffs.find((p) => p.dataset === 'evidence.ts_defs');
    expect(defs?.payoff?.rowsScannedWithout).toBeGreaterThanOrEqual(1);
    expect(defs?.payoff?.rowsScannedWith).toBeLessThanOrEqual(defs?.payoff?.rowsScannedWithout ?? 0);
    // every stored table is measured; views kept inline are never scanned, so they carry no payoff
    const cache = bundle.read(runPolicyArtifact).cache as Readonly<Record<string, { readonly value: string }>>;
    const inline = new Set(plans.filter((p) => cache[p.view]?.value === 'inline-view').map((p) => p.view));
    expect(inline.size).toBeGreaterThan(0);
    for (const p of payoffs) expect(p.payoff === undefined, p.dataset).toBe(inline.has(p.dataset));
    // measured two datasets at a time, each payoff is what measuring its dataset alone gives, in dataset order
    expect(payoffs.map((p) => p.dataset)).toEqual(payoffs.map((p) => p.dataset).sort());
    const opened = await openStore({ path: store });
    try {
      for (const p of payoffs) if (p.payoff !== undefined) expect(await measureScanPayoff(opened, p.dataset, p)).toEqual(p);
    } finally {
      await opened.close();
    }
  });

  it('exports the built CPG in every format', async () => {
    const root = fileTree({ 'm.py': 'class A:\n    def f(self):\n        return 1\n' });
    expect((await run('build', root)).code).toBe(ExitCode.Ok);
    for (const format of ['parquet', 'arrow', 'graphml', 'neo4j']) {
      const out = join(root, 'out', format === 'graphml' ? 'cpg.graphml' : format);
      const result = await run('export', root, '--format', format, '--out', out, '--json');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      const summary = JSON.parse(result.stdout) as { tables: { table: string; rows: number }[] };
      // FILE, MODULE, DEF A and f, PARAM self, SCOPE top, A and f, BINDING A, f and self, SYMBOL m, m.A and m.A.f
      expect(summary.tables.find((t) => t.table === 'nodes')?.rows).toBe(14);
    }
    const rows = await run('query', join(root, '.anatomy', 'anatomy.duckdb'), `SELECT count(*) AS n FROM read_parquet('${join(root, 'out', 'parquet', 'nodes', '**', '*.parquet')}', hive_partitioning = true)`, '--format', 'csv');
    expect(rows.stdout).toBe('n\n14\n');
    expect((await run('export', root, '--format', 'xml', '--out', join(root, 'x'))).code).toBe(ExitCode.Usage);
  });

  it('prints the plan as one JSON object, before and after a build', async () => {
    const root = fileTree({ 'm.py': 'def f():\n    return 1\n' });
    for (const phase of ['unbuilt', 'built']) {
      if (phase === 'built') expect((await run('build', root)).code).toBe(ExitCode.Ok);
      const result = await run('plan', root, '--json');
      expect(result.stderr).toBe('');
      expect(result.code).toBe(ExitCode.Ok);
      const plan = JSON.parse(result.stdout) as {
        manifestFingerprint: string;
        tasks: { name: string; inputs: string[]; inputsFrom: string; planFingerprint: string; cachePolicy: string }[];
        decisions: { confidence: number; rationale: string; evidence: unknown[] }[];
      };
      expect(plan.manifestFingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(plan.tasks.map((t) => t.name)).toEqual(expect.arrayContaining(['norm.defs', 'cpg.nodes', 'cpg.edges', 'cpg.props']));
      expect(plan.tasks.every((t) => t.inputsFrom === 'plan-lineage' && /^[0-9a-f]{64}$/.test(t.planFingerprint))).toBe(true);
      expect(plan.tasks.find((t) => t.name === 'cpg.nodes')?.inputs).toEqual(expect.arrayContaining(['evidence.files', 'norm.defs']));
      expect(plan.decisions.length).toBeGreaterThan(0);
      for (const d of plan.decisions) {
        expect(d.confidence).toBeGreaterThanOrEqual(0);
        expect(d.confidence).toBeLessThanOrEqual(1);
        expect(d.rationale.length).toBeGreaterThan(0);
        expect(d.evidence.length).toBeGreaterThan(0);
      }
    }
    const text = await run('plan', root);
    expect(text.stdout).toMatch(/critical path/i);
    // Three plans and a build of the whole program, each a process of its own.
  }, 180_000);

  it('reads anatomy.config.json and [tool.anatomy], flags first, and lists every problem', async () => {
    const root = fileTree({
      'a.py': 'def f():\n    return 1\n',
      'vendor/b.py': 'def g():\n    return 2\n',
      'anatomy.config.json': JSON.stringify({ exclude: ['vendor'], maintenance: 'off' }),
    });
    const built = await run('build', root, '--json');
    expect(built.code).toBe(ExitCode.Ok);
    const summary = JSON.parse(built.stdout) as { files: number; maintenance: unknown[]; stages: { stage: string }[] };
    expect(summary.files).toBe(1);
    expect(summary.stages.map((s) => s.stage)).not.toContain('maintain');
    // a flag beats the file
    const flagged = JSON.parse((await run('build', root, '--json', '--maintenance', 'dry-run')).stdout) as { stages: { stage: string }[] };
    expect(flagged.stages.map((s) => s.stage)).toContain('maintain');

    const bad = fileTree({ 'a.py': '', 'pyproject.toml': '[tool.anatomy]\ninclude = [""]\nwait = "soon"\n' });
    const refused = await run('build', bad);
    expect(refused.code).toBe(ExitCode.BadInput);
    expect(refused.stderr).toMatch(/pyproject\.toml: tool\.anatomy\.include\.0: [^\n]+\n[\s\S]*pyproject\.toml: tool\.anatomy\.wait: /);
    // Two whole builds, each a process of its own.
  }, 180_000);

  it('runs doctor and says everything needed is here', async () => {
    const result = await run('doctor', '--json');
    expect(result.code).toBe(ExitCode.Ok);
    const report = JSON.parse(result.stdout) as { ok: boolean; checks: { name: string; status: string }[] };
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    const broken = await run('doctor', '--python', '/nonexistent/python3', '--json');
    const python = (JSON.parse(broken.stdout) as { checks: { name: string; status: string; fix?: string }[] }).checks.find((c) => /python/i.test(c.name));
    expect(python?.status).toBe('fail');
    expect(python?.fix).toBeTruthy();
    expect(broken.code).toBe(ExitCode.Failed);
  });

  it('gives scip-python the heap --scip-memory names, and says how to raise it when scip-python runs out', async () => {
    const root = fileTree({ 'a.py': 'def f():\n    return 1\n' });
    const result = await run('build', root, '--scip', '--scip-memory', '16MB', '--json');
    expect(result.code).not.toBe(ExitCode.Ok);
    expect(result.stderr).toMatch(/heap out of memory/);
    expect(result.stderr).toMatch(/hint: scip-python ran out of memory: give it more heap \(anatomy build --scip-memory 8GB/);
    expect((await run('build', root, '--scip', '--scip-memory', 'lots')).stderr).toMatch(/scipMemory: .*must be a size/);
  }, 120_000);

  it('maps bad input to exit codes with a hint', async () => {
    const missing = await run('build', join(tmpdir(), 'anatomy-no-such-dir'));
    expect(missing.code).toBe(ExitCode.BadInput);
    expect(missing.stderr).toMatch(/hint: /);
    const empty = await run('build', fileTree({ 'README.md': '# no python here\n' }));
    expect(empty.code).toBe(ExitCode.BadInput);
    expect(empty.stderr).toContain('orchestrator/NoPythonFiles');
    const notBuilt = await run('query', fileTree({ 'a.py': '' }), 'SELECT 1');
    expect(notBuilt.code).toBe(ExitCode.BadInput);
    expect(notBuilt.stderr).toMatch(/anatomy build/);
    expect((await run('build')).code).toBe(ExitCode.Usage);
    expect((await run('query', '.', 'SELECT 1', '--format', 'xml')).code).toBe(ExitCode.Usage);
    expect((await run('--help')).code).toBe(ExitCode.Ok);
  });
});
