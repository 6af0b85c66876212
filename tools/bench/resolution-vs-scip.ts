// Resolution benchmark: builds the CPG of a directory with SCIP evidence (scip-python runs for real, ~30 KB/s, so keep
// the directory small) into a temporary store, and prints how far the local RESOLVES_TO edges agree with SCIP's
// definitions: precision over the local edges SCIP can judge, recall over the references SCIP resolves in the repository.
//
// It drives the built CLI (nothing may depend on the orchestrator), so build it first:
//   npx nx run @anatomy/orchestrator:build
//   npx nx run @anatomy/workspace-tools:bench-resolution -- e2e/fixtures/shop
//   npx nx run @anatomy/workspace-tools:bench-resolution -- /tmp/json-copy --json
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureResolutionAgreement, openCpg } from '@anatomy/cpg-query';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
if (dir === undefined) {
  console.error('usage: resolution-vs-scip <directory of Python sources> [--json]');
  process.exit(64);
}
// Nx runs the program in tools/: a relative directory is taken from the workspace root, where the command is typed.
const workspace = fileURLToPath(new URL('../../..', import.meta.url));
const root = resolve(workspace, dir);
const work = mkdtempSync(join(tmpdir(), 'anatomy-resolution-bench-'));
try {
  const storePath = join(work, 'anatomy.duckdb');
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [join(workspace, 'packages/orchestrator/bin/anatomy.js'), 'build', root, '--scip', '--store', storePath, '--maintenance', 'off', '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`anatomy build failed with exit code ${String(run.status)} (build the CLI first: npx nx run @anatomy/orchestrator:build)`);
  const build = JSON.parse(run.stdout) as { files: number; extractors: { extractor: string; status: string; reason?: string }[] };
  const scip = build.extractors.find((e) => e.extractor === 'scip');
  if (scip?.status !== 'ran') throw new Error(`scip-python did not run (${scip?.status ?? 'absent'}${scip?.reason === undefined ? '' : `: ${scip.reason}`})`);
  const cpg = await openCpg(storePath, { readOnly: true });
  try {
    const m = await measureResolutionAgreement(cpg);
    const percent = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
    if (args.includes('--json')) console.log(JSON.stringify({ root, files: build.files, buildSeconds: seconds, ...m }));
    else {
      console.log(`resolution vs SCIP on ${root} (${build.files} files, build with scip-python ${seconds.toFixed(1)} s)`);
      console.log(`local RESOLVES_TO edges: ${m.localEdges}, of which SCIP resolves the reference: ${m.comparableEdges}, agreeing: ${m.agreeingEdges}`);
      console.log(`references SCIP resolves in the repository: ${m.scipResolvedRefs}, with an agreeing local edge: ${m.agreeingRefs}`);
      console.log(`precision ${percent(m.precision)}  recall ${percent(m.recall)}`);
    }
  } finally {
    await cpg.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
