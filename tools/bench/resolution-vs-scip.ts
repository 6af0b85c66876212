// Resolution benchmark: builds the CPG of a directory with SCIP evidence (scip-python runs for real, ~30 KB/s, so keep
// the directory small) into a temporary store, and prints how far the local RESOLVES_TO edges agree with SCIP's
// definitions: precision over the local edges SCIP can judge, recall over the references SCIP resolves in the repository.
//
//   npx nx run @anatomy/workspace-tools:bench-resolution -- e2e/fixtures/shop
//   npx nx run @anatomy/workspace-tools:bench-resolution -- /tmp/json-copy --json
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureResolutionAgreement, openCpg } from '@anatomy/cpg-query';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
if (dir === undefined) {
  console.error('usage: resolution-vs-scip <directory of Python sources> [--json]');
  process.exit(64);
}
// Nx runs the program in tools/: a relative directory is taken from the workspace root, where the command is typed.
const workspace = fileURLToPath(new URL('../../..', import.meta.url));
const root = resolve(workspace, dir);
// The built CLI, as a user runs it (the nx target builds it first): nothing in the workspace imports the orchestrator.
const cli = join(workspace, 'packages', 'orchestrator', 'bin', 'anatomy.js');
interface BuildSummary {
  readonly files: number;
  readonly extractors: readonly { readonly extractor: string; readonly status: string; readonly reason?: string }[];
}
const work = mkdtempSync(join(tmpdir(), 'anatomy-resolution-bench-'));
try {
  const storePath = join(work, 'anatomy.duckdb');
  const started = process.hrtime.bigint();
  const output = execFileSync(process.execPath, [cli, 'build', root, '--store', storePath, '--scip', '--maintenance', 'off', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  const build = JSON.parse(output) as BuildSummary;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
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
