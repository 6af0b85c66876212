// Incremental build benchmark: a full build of a copy of this machine's CPython
// standard library (installed site-packages and __pycache__ left out), then one
// edited file and an incremental build of the same store, then a second edit of
// it and another incremental build (as in an editing session). Prints the wall
// times, their ratios to the full build and where each build spent its time.
//
//   npx nx run @anatomy/workspace-tools:bench-incremental
//   npx nx run @anatomy/workspace-tools:bench-incremental -- /some/python/dir --edit pkg/mod.py
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { unpack } from 'msgpackr';

/** The parts of `anatomy build --json` this benchmark prints. */
interface BuildSummary {
  readonly runId: string;
  readonly storePath: string;
  readonly files: number;
  readonly nodesByKind: Readonly<Record<string, number>>;
  readonly stages: readonly { readonly stage: string; readonly durationMs: number }[];
  readonly tasks: readonly { readonly name: string; readonly update?: string }[];
  readonly build: { readonly mode: string; readonly reason: string; readonly filesRead: number; readonly added: number; readonly changed: number; readonly deleted: number; readonly extracted: number; readonly evidenceRowsDeleted: number; readonly views: Readonly<Record<string, number>> };
}

// The real command line, in a process of its own, as a user runs it.
const anatomy = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'node_modules', '.bin', 'anatomy');

const args = process.argv.slice(2);
const editAt = args.indexOf('--edit');
// A mid-sized module that other modules import, so its edit reaches global views too.
const edited = editAt >= 0 ? (args[editAt + 1] ?? '') : 'json/decoder.py';
const source =
  args.find((a, i) => !a.startsWith('--') && i !== editAt + 1) ??
  execFileSync('python3', ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();

const work = mkdtempSync(join(tmpdir(), 'anatomy-bench-incr-'));
const root = join(work, basename(source));
const skipped = new Set(['site-packages', '__pycache__', '.anatomy']);
// Timestamps kept, as in a checkout edited long after it was written: the scan trusts the stat of files not modified just before it.
cpSync(source, root, { recursive: true, preserveTimestamps: true, filter: (path) => !skipped.has(basename(path)) });

const load = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');
const stages = (s: BuildSummary): string => s.stages.map((t) => `${t.stage} ${(t.durationMs / 1000).toFixed(1)} s`).join(', ');

/** How many of the incremental build's slowest views are listed. */
const SLOWEST_VIEWS = 15;

/**
 * The slowest views of a run, from its run-timings artifact, each with the
 * file-locality the stored plan gave it (from `meta.plan_cache`) and how the
 * build brought it up to date (`update` of the summary's tasks): a global
 * view is recomputed whole whenever one of its inputs changed.
 */
async function slowestViews(summary: BuildSummary): Promise<string[]> {
  const decoded = unpack(readFileSync(join(root, '.anatomy', 'runs', summary.runId, 'run-timings.msgpack'))) as { payload?: unknown };
  const timings = (decoded.payload ?? decoded) as { views: readonly { view: string; durationMs: number; rows: number | null }[] };
  const instance = await DuckDBInstance.create(summary.storePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  let locality: Record<string, { local: boolean }> = {};
  try {
    const rows = (await connection.runAndReadAll('SELECT analysis FROM meta.plan_cache')).getRowObjects();
    locality = (JSON.parse(String(rows[0]?.['analysis'] ?? '{}')) as { locality?: Record<string, { local: boolean }> }).locality ?? {};
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const updates = new Map(summary.tasks.map((t) => [t.name, t.update ?? 'inline']));
  return [...timings.views]
    .sort((a, b) => b.durationMs - a.durationMs || (a.view < b.view ? -1 : 1))
    .slice(0, SLOWEST_VIEWS)
    .map((v) => `${(v.durationMs / 1000).toFixed(2)} s  ${v.view} (${locality[v.view] === undefined ? 'inline or unplanned' : locality[v.view]?.local === true ? 'file-local' : 'global'}, ${updates.get(v.view) ?? '?'}, ${v.rows ?? '-'} rows)`);
}

async function timed(label: string): Promise<{ seconds: number; summary: BuildSummary }> {
  console.error(`» ${label} (load ${load()})`);
  const started = performance.now();
  const run = spawnSync(anatomy, ['build', root, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`anatomy build exited with ${String(run.status)}`);
  return { seconds, summary: JSON.parse(run.stdout) as BuildSummary };
}

try {
  console.log(`incremental build benchmark on a copy of ${source} (node ${process.version}, ${availableParallelism()} cores, load ${load()})`);
  const full = await timed('full build');
  appendFileSync(join(root, ...edited.split('/')), '\n\ndef _anatomy_bench_edit(value):\n    return decode_edit(value)\n');
  const incremental = await timed(`incremental build after editing ${edited}`);
  console.log(`files: ${full.summary.files}; nodes: ${Object.values(full.summary.nodesByKind).reduce((a, b) => a + b, 0)}`);
  console.log(`full build:        ${full.seconds.toFixed(1)} s  (${full.summary.build.mode}: ${full.summary.build.reason})`);
  console.log(`  ${stages(full.summary)}`);
  const b = incremental.summary.build;
  console.log(`incremental build: ${incremental.seconds.toFixed(1)} s  (${b.mode}: ${b.changed} changed, ${b.added} added, ${b.deleted} deleted, ${b.filesRead} read, ${b.extracted} extracted, ${b.evidenceRowsDeleted} evidence rows removed)`);
  console.log(`  ${stages(incremental.summary)}`);
  console.log(`  views: ${Object.entries(b.views).map(([kind, n]) => `${n} ${kind}`).join(', ')}; slowest:`);
  for (const line of await slowestViews(incremental.summary)) console.log(`    ${line}`);
  console.log(`ratio incremental / full: ${((incremental.seconds / full.seconds) * 100).toFixed(1)}%  (load at the end ${load()})`);
  // The next edit of an editing session: what the first incremental build stored for the next (limited SQL) is at hand.
  appendFileSync(join(root, ...edited.split('/')), '\n\ndef _anatomy_bench_edit_again(value):\n    return decode_edit(value) + 1\n');
  const again = await timed(`a second incremental build after editing ${edited} again`);
  const a = again.summary.build;
  console.log(`second edit:       ${again.seconds.toFixed(1)} s  (${a.mode}: ${a.changed} changed, views ${Object.entries(a.views).map(([kind, n]) => `${n} ${kind}`).join(', ')})`);
  console.log(`  ${stages(again.summary)}`);
  console.log(`ratio second edit / full: ${((again.seconds / full.seconds) * 100).toFixed(1)}%  (load at the end ${load()})`);
  if (b.mode !== 'incremental' || a.mode !== 'incremental') process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
