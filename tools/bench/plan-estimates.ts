// Plan benchmark: builds the CPG of a directory into a temporary store, then plans it again with
// `anatomy plan --json` and prints how long planning took and how far each stored view's estimated
// rows are from the rows the build wrote (views kept inline have no table to count).
//
// It drives the built CLI (nothing may depend on the orchestrator), so build it first:
//   npx nx run @anatomy/orchestrator:build
//   npx nx run @anatomy/workspace-tools:bench-plan -- /tmp/email-copy
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
if (dir === undefined) {
  console.error('usage: plan-estimates <directory of Python sources> [--json]');
  process.exit(64);
}
const workspace = fileURLToPath(new URL('../../..', import.meta.url));
const root = resolve(workspace, dir);
const cli = join(workspace, 'packages/orchestrator/bin/anatomy.js');

function timed(cliArgs: string[]): { seconds: number; stdout: string } {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, ...cliArgs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`anatomy ${cliArgs[0] ?? ''} failed with exit code ${String(run.status)} (build the CLI first: npx nx run @anatomy/orchestrator:build)`);
  return { seconds, stdout: run.stdout };
}

const work = mkdtempSync(join(tmpdir(), 'anatomy-plan-bench-'));
try {
  const storePath = join(work, 'anatomy.duckdb');
  const build = timed(['build', root, '--store', storePath, '--maintenance', 'off', '--json']);
  const stages = (JSON.parse(build.stdout) as { stages: { stage: string; durationMs: number }[] }).stages;
  const planViews = stages.find((s) => s.stage === 'plan views')?.durationMs ?? null;
  const plan = timed(['plan', root, '--store', storePath, '--json']);
  const tasks = (JSON.parse(plan.stdout) as { tasks: { name: string; cachePolicy: string; estimatedRows: number | null }[] }).tasks.filter(
    (t) => t.cachePolicy !== 'inline-view',
  );
  const instance = await DuckDBInstance.create(storePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const views: { view: string; estimated: number | null; actual: number; factor: number }[] = [];
  try {
    for (const task of tasks) {
      const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM ${task.name.split('.').map((p) => `"${p}"`).join('.')}`);
      const actual = Number(reader.getRowObjectsJS()[0]?.['n'] ?? 0);
      // How many times too high or too low, at least 1: rows of 0 count as 1 on both sides.
      const ratio = Math.max(task.estimatedRows ?? 0, 1) / Math.max(actual, 1);
      views.push({ view: task.name, estimated: task.estimatedRows, actual, factor: Math.max(ratio, 1 / ratio) });
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  const factors = views.map((v) => v.factor).sort((a, b) => a - b);
  const median = factors.length === 0 ? null : (factors[Math.floor((factors.length - 1) / 2)]! + factors[Math.floor(factors.length / 2)]!) / 2;
  const within10 = factors.filter((f) => f <= 10).length;
  const summary = {
    root,
    buildSeconds: build.seconds,
    planViewsSeconds: planViews === null ? null : planViews / 1000,
    planCommandSeconds: plan.seconds,
    storedViews: views.length,
    medianFactor: median,
    maxFactor: factors.at(-1) ?? null,
    within10,
  };
  if (args.includes('--json')) console.log(JSON.stringify({ ...summary, views }));
  else {
    for (const v of views) console.log(`${v.view.padEnd(32)} estimated ${String(v.estimated ?? '?').padStart(14)}  actual ${String(v.actual).padStart(10)}  off ×${v.factor.toPrecision(3)}`);
    console.log(`build ${build.seconds.toFixed(1)} s (plan views ${summary.planViewsSeconds?.toFixed(1) ?? '?'} s); anatomy plan ${plan.seconds.toFixed(1)} s`);
    console.log(`estimates of ${views.length} stored views: median off ×${median?.toPrecision(3) ?? '?'}, worst ×${summary.maxFactor?.toPrecision(3) ?? '?'}, ${within10} within ×10`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
