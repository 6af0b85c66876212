// Build benchmark: on one set of files, in one invocation (so both see the
// same machine load), measures
//   (a) the parse floor — single-threaded, nothing written: tree-sitter parse
//       of every file in this Node process, then CPython's ast.parse and
//       symtable of every file in one python3 process;
//   (b) a full `anatomy build` of the same files, as a child process running
//       the built CLI, with default sources (and scip-python with --scip);
//   (c) the peak RSS of the build's whole process tree, sampled from /proc;
// and prints times, MB/s, the ratio build/floor and the slowest stages,
// extractors and writes (from the build's --json summary and its run bundle).
// With --scip it also runs scip-python alone on the same tree and reports
// the build's total over scip-python's.
//
//   npx nx run @anatomy/workspace-tools:bench-build                    # CPython standard library
//   npx nx run @anatomy/workspace-tools:bench-build -- --limit 200     # a quick subset
//   npx nx run @anatomy/workspace-tools:bench-build -- --dir ~/src/x   # another tree
//   npx nx run @anatomy/workspace-tools:bench-build -- --scip          # with scip-python (slow)
//   npx nx run @anatomy/workspace-tools:bench-build -- --scip --exclude signal.py  # scip-python 0.6.6 cannot index that file
//   npx nx run @anatomy/workspace-tools:bench-build -- --scip --scip-heap-mb 8192   # scip-python's heap, in the build and alone
//   npx nx run @anatomy/workspace-tools:bench-build -- --scip --scip-alone-as-built  # alone with the build's young generation too
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { INDEXER_SEMI_SPACE_MB, runScipPython } from '@anatomy/extract-scip';
// The sampler alone: the orchestrator's whole entry point would add about 90 MiB to what this process measures.
import { ProcessTreeMemory } from '@anatomy/orchestrator/process-tree-memory';
import { scanRepository } from '@anatomy/repo-scan';
import type { FileRecord } from '@anatomy/repo-scan';
import { unpack } from 'msgpackr';
import { Language, Parser } from 'web-tree-sitter';

const USAGE = 'usage: build-stdlib [--dir DIR] [--limit N] [--exclude GLOB]... [--scip [--scip-heap-mb N] [--scip-alone-as-built]] [--keep]';

interface Args {
  readonly dir: string;
  readonly limit: number | undefined;
  /** Paths left out of the copy, as the scan's exclude globs (a file scip-python cannot index, say). */
  readonly exclude: readonly string[];
  readonly scip: boolean;
  /** scip-python's JavaScript heap in MiB, the same in the build (--scip-memory) and alone; Node's default when absent. */
  readonly scipHeapMb: number | undefined;
  /**
   * Runs scip-python alone with the young generation the build gives it (INDEXER_SEMI_SPACE_MB) instead of
   * Node's default, as a user runs `scip-python index`: the ratio then counts Anatomy's own work only.
   */
  readonly scipAloneAsBuilt: boolean;
  readonly keep: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  let dir: string | undefined;
  let limit: number | undefined;
  const exclude: string[] = [];
  let scip = false;
  let scipHeapMb: number | undefined;
  let keep = false;
  let scipAloneAsBuilt = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--scip') scip = true;
    else if (arg === '--scip-alone-as-built') scipAloneAsBuilt = true;
    else if (arg === '--keep') keep = true;
    else if (arg === '--dir') dir = argv[++i];
    else if (arg === '--exclude') {
      const glob = argv[++i];
      if (glob === undefined || glob === '') fail(`--exclude takes a glob of paths to leave out\n${USAGE}`);
      exclude.push(glob);
    }
    else if (arg === '--scip-heap-mb') {
      scipHeapMb = Number(argv[++i]);
      if (!Number.isInteger(scipHeapMb) || scipHeapMb <= 0) fail(`--scip-heap-mb takes a positive whole number of MiB\n${USAGE}`);
    } else if (arg === '--limit') {
      limit = Number(argv[++i]);
      if (!Number.isInteger(limit) || limit <= 0) fail(`--limit takes a positive whole number of files\n${USAGE}`);
    } else fail(`unknown argument ${arg ?? ''}\n${USAGE}`);
  }
  if (dir === undefined) dir = execFileSync('python3', ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
  return { dir: resolve(dir), limit, exclude, scip, scipHeapMb, scipAloneAsBuilt, keep };
}

/** A run that cannot give its figures, for a reason already told (the build's own error); reported without a stack trace. */
class BenchFailure extends Error {}

function fail(message: string): never {
  console.error(message);
  process.exit(64);
}

const here = dirname(fileURLToPath(import.meta.url));
// compiled to tools/dist/bench/
const workspace = resolve(here, '..', '..', '..');
const cli = join(workspace, 'packages', 'orchestrator', 'bin', 'anatomy.js');
const require = createRequire(import.meta.url);

/**
 * Copies the chosen files into a fresh directory so that the build (which
 * writes its store and run bundle under the root) and the floor read exactly
 * the same files, and the original tree is left untouched.
 */
function copyTree(root: string, files: readonly FileRecord[]): string {
  const copy = mkdtempSync(join(tmpdir(), 'anatomy-bench-build-'));
  const tree = join(copy, 'tree');
  for (const f of files) {
    mkdirSync(dirname(join(tree, f.path)), { recursive: true });
    copyFileSync(join(root, f.path), join(tree, f.path));
  }
  return tree;
}

/** tree-sitter-python parse of every file, one after another on this thread. */
async function treeSitterFloor(root: string, files: readonly FileRecord[]): Promise<number> {
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm')));
  const started = performance.now();
  for (const f of files) {
    const bytes = readFileSync(join(root, f.path));
    let text: string;
    try {
      text = new TextDecoder(f.encoding, { fatal: false }).decode(bytes);
    } catch {
      text = new TextDecoder('utf-8').decode(bytes);
    }
    parser.parse(text)?.delete();
  }
  const ms = performance.now() - started;
  parser.delete();
  return ms;
}

/** CPython's ast.parse then symtable of every file, in one python3; prints its own elapsed seconds. */
const PYTHON_FLOOR = String.raw`
import ast, json, symtable, sys, time
root, files = json.load(sys.stdin)
started = time.perf_counter()
for path, encoding in files:
    with open(root + '/' + path, 'rb') as f:
        data = f.read()
    try:
        ast.parse(data, path)
    except (SyntaxError, ValueError):
        pass
    try:
        symtable.symtable(data.decode(encoding, 'replace'), path, 'exec')
    except (SyntaxError, ValueError, LookupError):
        pass
print(time.perf_counter() - started)
`;

function pythonFloor(root: string, files: readonly FileRecord[]): number {
  const out = execFileSync('python3', ['-c', PYTHON_FLOOR], {
    input: JSON.stringify([root, files.map((f) => [f.path, f.encoding])]),
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return Number(out.trim()) * 1000;
}

interface ChildRun {
  readonly ms: number;
  /** Bytes; null where /proc cannot tell. */
  readonly peakRss: number | null;
  readonly stdout: string;
  readonly code: number | null;
}

/** Runs a child process, sampling the RSS of its whole tree until it exits. */
function runMeasured(command: string, args: readonly string[], cwd: string): Promise<ChildRun> {
  return new Promise((done, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.pid === undefined) {
      reject(new Error(`cannot start ${command}`));
      return;
    }
    const rss = ProcessTreeMemory.start({ root: child.pid, everyMs: 50 });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    // Reaped by now: the last sample finds no process, the peak stays.
    child.on('exit', (code) => done({ ms: performance.now() - started, peakRss: rss.stop()?.peakBytes ?? null, stdout, code }));
  });
}

interface BuildJson {
  readonly files: number;
  readonly stages: readonly { stage: string; durationMs: number }[];
  readonly extractors: readonly { extractor: string; status: string; durationMs: number; rows: Record<string, number> }[];
  readonly nodesByKind: Record<string, number>;
  readonly runId: string;
  readonly memory?: {
    readonly limit: string | null;
    readonly raised: readonly { view: string; reason: string }[];
    readonly leaner?: readonly { view: string; reason: string }[];
  };
}

interface WriteOutcomeRow {
  readonly target: string;
  readonly operation: string;
  readonly rowsInserted: number;
  readonly durationMs: number;
}

/**
 * The slowest writes of the run, from the bundle's write-outcomes artifact
 * (a msgpack envelope whose payload lists the outcomes), summed per target.
 * Read with msgpackr directly: the benchmark stays a client of the CLI and
 * imports nothing from the orchestrator.
 */
function slowestWrites(tree: string, runId: string): { target: string; operation: string; rows: number; ms: number; writes: number }[] {
  const envelope = unpack(readFileSync(join(tree, '.anatomy', 'runs', runId, 'write-outcomes.msgpack'))) as { name?: unknown; payload?: unknown };
  if (envelope.name !== 'write-outcomes' || !Array.isArray(envelope.payload)) throw new Error(`run ${runId} has no write-outcomes artifact the benchmark can read`);
  const outcomes = envelope.payload as readonly WriteOutcomeRow[];
  const byTarget = new Map<string, { target: string; operation: string; rows: number; ms: number; writes: number }>();
  for (const o of outcomes) {
    const key = `${o.operation} ${o.target}`;
    const row = byTarget.get(key) ?? { target: o.target, operation: o.operation, rows: 0, ms: 0, writes: 0 };
    row.rows += o.rowsInserted;
    row.ms += o.durationMs;
    row.writes += 1;
    byTarget.set(key, row);
  }
  return [...byTarget.values()].sort((a, b) => b.ms - a.ms);
}

/**
 * The slowest views of the run, from the bundle's run-timings artifact: each
 * view's whole time, its staged or range-by-range statements included (its
 * write outcome times the final statement only).
 */
function slowestViews(tree: string, runId: string): { view: string; ms: number; rows: number | null }[] {
  const envelope = unpack(readFileSync(join(tree, '.anatomy', 'runs', runId, 'run-timings.msgpack'))) as { name?: unknown; payload?: { views?: unknown } };
  if (envelope.name !== 'run-timings' || !Array.isArray(envelope.payload?.views)) throw new Error(`run ${runId} has no run-timings artifact the benchmark can read`);
  const views = envelope.payload.views as readonly { view: string; durationMs: number; rows: number | null }[];
  return views.map((v) => ({ view: v.view, ms: v.durationMs, rows: v.rows })).sort((a, b) => b.ms - a.ms);
}

/**
 * The output tables' fingerprints of the run, from the bundle's output-fingerprints artifact:
 * the same files must give the same ones in every build, whatever the timings.
 */
function outputFingerprints(tree: string, runId: string): [string, string][] {
  const envelope = unpack(readFileSync(join(tree, '.anatomy', 'runs', runId, 'output-fingerprints.msgpack'))) as { name?: unknown; payload?: unknown };
  const payload = envelope.payload;
  if (envelope.name !== 'output-fingerprints' || typeof payload !== 'object' || payload === null) throw new Error(`run ${runId} has no output-fingerprints artifact the benchmark can read`);
  return Object.entries(payload as Record<string, unknown>)
    .map(([table, fingerprint]): [string, string] => [table, String(fingerprint)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const s = (ms: number): string => (ms / 1000).toFixed(1);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const mib = (bytes: number | null): string => (bytes === null ? 'unknown' : (bytes / 2 ** 20).toFixed(0));

function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const line of [header, ...rows]) console.log('  ' + line.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '));
}

const args = parseArgs(process.argv.slice(2));
const scanned = await scanRepository({ root: args.dir, exclude: ['site-packages', '**/site-packages', '.anatomy', '**/.anatomy', ...args.exclude] });
const chosen = args.limit === undefined ? scanned.files : scanned.files.slice(0, args.limit);
if (chosen.length === 0) fail(`no Python files under ${args.dir}`);
const tree = copyTree(scanned.root, chosen);
const bytes = chosen.reduce((sum, f) => sum + f.size, 0);
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

console.log(
  `build benchmark: ${chosen.length} files, ${mb(bytes)} MB from ${args.dir}${args.limit === undefined ? '' : ` (first ${args.limit})`}` +
    (args.exclude.length === 0 ? '' : ` without ${args.exclude.join(', ')}`),
);
console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, load average ${load()} at start`);

try {
  console.error('» parse floor: tree-sitter');
  const tsMs = await treeSitterFloor(tree, chosen);
  console.error('» parse floor: ast.parse + symtable');
  const pyMs = pythonFloor(tree, chosen);
  const floorMs = tsMs + pyMs;

  console.error('» anatomy build');
  const buildArgs = [cli, 'build', tree, '--json', ...(args.scip ? ['--scip'] : []), ...(args.scip && args.scipHeapMb !== undefined ? ['--scip-memory', `${args.scipHeapMb}MiB`] : [])];
  const build = await runMeasured(process.execPath, buildArgs, tree);
  if (build.code !== 0) {
    // The build has said why on stderr; the figures measured so far still stand.
    console.log(`  floor (sum, single-threaded): ${s(tsMs + pyMs)} s; anatomy build${args.scip ? ' --scip' : ''} failed with exit code ${build.code} after ${s(build.ms)} s`);
    throw new BenchFailure(
      `anatomy build${args.scip ? ' --scip' : ''} failed (exit code ${build.code}); its error is above.` +
        (args.scip
          ? ' When scip-python is what failed, no SCIP ratio can be measured on this tree as it is: scip-python 0.6.6 stops on the standard library\'s signal.py ' +
            '(leave it out with --exclude signal.py) and outgrows Node\'s default heap on the rest (--scip-heap-mb 8192), or measure part of it with --limit N.'
          : ''),
    );
  }
  const summary = JSON.parse(build.stdout) as BuildJson;
  if (summary.files !== chosen.length) throw new Error(`the build read ${summary.files} files, the floor ${chosen.length}: the file sets differ`);

  let scipAlone: ChildRun | undefined;
  let scipAloneFlags: readonly string[] = [];
  if (args.scip) {
    console.error('» scip-python alone');
    const started = performance.now();
    const rss = ProcessTreeMemory.start({ everyMs: 50 });
    const run = await runScipPython({
      root: tree,
      outputPath: join(dirname(tree), 'alone', 'index.scip'),
      projectVersion: '.',
      ...(args.scipHeapMb === undefined ? {} : { nodeHeapMb: args.scipHeapMb }),
      ...(args.scipAloneAsBuilt ? { nodeSemiSpaceMb: INDEXER_SEMI_SPACE_MB } : {}),
    });
    scipAlone = { ms: performance.now() - started, peakRss: rss.stop()?.peakBytes ?? null, stdout: '', code: 0 };
    scipAloneFlags = run.nodeFlags;
  }

  console.log(`load average ${load()} at the end\n`);
  const rate = (ms: number): string => (bytes / 1e6 / (ms / 1000)).toFixed(2);
  table(
    ['measure', 'seconds', 'MB/s', 'peak RSS MiB'],
    [
      ['floor: tree-sitter parse', s(tsMs), rate(tsMs), ''],
      ['floor: ast.parse + symtable', s(pyMs), rate(pyMs), ''],
      ['floor (sum, single-threaded)', s(floorMs), rate(floorMs), ''],
      [`anatomy build${args.scip ? ' --scip' : ''} (wall, whole CLI)`, s(build.ms), rate(build.ms), mib(build.peakRss)],
      ...(scipAlone === undefined ? [] : [['scip-python alone', s(scipAlone.ms), rate(scipAlone.ms), mib(scipAlone.peakRss)]]),
    ],
  );
  console.log(`\n  ratio build / floor: ${(build.ms / floorMs).toFixed(2)}  (target ≤ 1.50)`);
  console.log(`  peak RSS of the build's process tree: ${mib(build.peakRss)} MiB  (target ≤ 1024)`);
  if (summary.memory !== undefined) {
    const list = (notes: readonly { view: string }[] | undefined): string => (notes === undefined || notes.length === 0 ? 'none' : notes.map((r) => r.view).join(', '));
    console.log(
      `  DuckDB memory cap of the build: ${summary.memory.limit ?? 'DuckDB default'}; views written again with a separate sort: ${list(summary.memory.leaner)}; ` +
        `built again without the cap: ${list(summary.memory.raised)}`,
    );
  }
  if (scipAlone !== undefined) {
    console.log(`  ratio build --scip / scip-python alone: ${(build.ms / scipAlone.ms).toFixed(2)}  (target ≤ 1.10)`);
    console.log(
      `  scip-python alone ran with Node flags: ${scipAloneFlags.join(' ') || 'none'}; the build gives it --max-semi-space-size=${INDEXER_SEMI_SPACE_MB} as well` +
        (args.scipAloneAsBuilt ? ' (so did the run alone: --scip-alone-as-built)' : ' (pass --scip-alone-as-built to run it alone that way too)'),
    );
    // A build extracts only the evidence its program reads: when that is no scip_* table, --scip runs nothing.
    const scip = summary.extractors.find((e) => e.extractor === 'scip');
    if (scip?.status !== 'ran') console.log(`  note: the build did not run scip-python (${scip?.status ?? 'absent'}): the ratio compares a build without SCIP work`);
  }

  console.log('\nstages of the build (its own timings), slowest first:');
  table(
    ['stage', 'seconds', 'share'],
    [...summary.stages].sort((a, b) => b.durationMs - a.durationMs).map((st) => [st.stage, s(st.durationMs), `${((100 * st.durationMs) / build.ms).toFixed(0)}%`]),
  );
  console.log('\nextractors (they run side by side during `extract`):');
  table(
    ['extractor', 'status', 'seconds', 'rows'],
    summary.extractors.map((e) => [e.extractor, e.status, s(e.durationMs), String(Object.values(e.rows).reduce((a, b) => a + b, 0))]),
  );
  console.log('\nslowest views (run bundle run timings, every statement of the view):');
  table(
    ['view', 'rows', 'seconds'],
    slowestViews(tree, summary.runId)
      .slice(0, 8)
      .map((v) => [v.view, v.rows === null ? '' : String(v.rows), s(v.ms)]),
  );
  console.log('\nslowest writes (run bundle write outcomes, summed per target):');
  table(
    ['target', 'operation', 'writes', 'rows', 'seconds'],
    slowestWrites(tree, summary.runId)
      .slice(0, 12)
      .map((w) => [w.target, w.operation, String(w.writes), String(w.rows), s(w.ms)]),
  );
  console.log(`\nnodes: ${Object.entries(summary.nodesByKind).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`output fingerprints: ${outputFingerprints(tree, summary.runId).map(([table, f]) => `${table} ${f.slice(0, 16)}…`).join(', ')}`);
} catch (error) {
  if (!(error instanceof BenchFailure)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  if (args.keep) console.log(`\ntree kept at ${tree}`);
  else rmSync(dirname(tree), { recursive: true, force: true });
}
