// Incremental build benchmark: a full build of a copy of this machine's CPython
// standard library (installed site-packages and __pycache__ left out), then one
// edited file and an incremental build of the same store. Prints both wall
// times, their ratio and where each build spent its time.
//
//   npx nx run @anatomy/workspace-tools:bench-incremental
//   npx nx run @anatomy/workspace-tools:bench-incremental -- /some/python/dir --edit pkg/mod.py
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildCpg, formatDuration, lineProgress } from '@anatomy/orchestrator';
import type { BuildSummary } from '@anatomy/orchestrator';

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
cpSync(source, root, { recursive: true, filter: (path) => !skipped.has(basename(path)) });

const load = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');
const stages = (s: BuildSummary): string => s.stages.map((t) => `${t.stage} ${formatDuration(t.durationMs)}`).join(', ');

async function timed(label: string): Promise<{ seconds: number; summary: BuildSummary }> {
  console.error(`» ${label} (load ${load()})`);
  const started = performance.now();
  const summary = await buildCpg({ root }, lineProgress(process.stderr, 10_000));
  return { seconds: (performance.now() - started) / 1000, summary };
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
  console.log(`incremental build: ${incremental.seconds.toFixed(1)} s  (${b.mode}: ${b.changed} changed, ${b.added} added, ${b.deleted} deleted, ${b.extracted} extracted, ${b.evidenceRowsDeleted} evidence rows removed)`);
  console.log(`  ${stages(incremental.summary)}`);
  console.log(`ratio incremental / full: ${((incremental.seconds / full.seconds) * 100).toFixed(1)}%  (load at the end ${load()})`);
  if (b.mode !== 'incremental') process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
