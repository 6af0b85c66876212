// Extraction benchmark: runs each extractor over the CPython standard library
// of this machine (or a directory given as the first argument; installed
// site-packages are left out unless --with-site-packages) and prints files/s,
// MB/s and the peak RSS of the process tree for each.
//
//   npx nx run @anatomy/workspace-tools:bench-extract                 # tree-sitter and python
//   npx nx run @anatomy/workspace-tools:bench-extract -- --with-scip  # scip-python too (slow: ~30 KB/s)
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Figures {
  extractor: string;
  version: string;
  files: number;
  bytes: number;
  seconds: number;
  peakRss: number | null;
  rows: Record<string, number>;
}

const args = process.argv.slice(2);
const withScip = args.includes('--with-scip');
const siteFlag = args.includes('--with-site-packages') ? ['--with-site-packages'] : [];
const root = args.find((a) => !a.startsWith('--')) ?? execFileSync('python3', ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
const here = dirname(fileURLToPath(import.meta.url));
const extractors = ['tree-sitter', 'python', ...(withScip ? ['scip'] : [])];

console.log(`extraction benchmark on ${root} (node ${process.version}, ${(await import('node:os')).availableParallelism()} cores)`);
const results: Figures[] = [];
for (const name of extractors) {
  console.error(`» ${name}`);
  const run = spawnSync(process.execPath, [join(here, 'extract-one.js'), name, root, ...siteFlag], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    console.error(`${name} failed with exit code ${run.status}`);
    process.exitCode = 1;
    continue;
  }
  results.push(JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Figures);
}

const mb = (n: number): string => (n / 1e6).toFixed(1);
const header = ['extractor', 'files', 'MB', 'seconds', 'files/s', 'MB/s', 'rows', 'peak RSS MB'];
const lines = results.map((r) => [
  `${r.extractor} ${r.version}`,
  String(r.files),
  mb(r.bytes),
  r.seconds.toFixed(1),
  (r.files / r.seconds).toFixed(0),
  (r.bytes / 1e6 / r.seconds).toFixed(2),
  String(Object.values(r.rows).reduce((a, b) => a + b, 0)),
  r.peakRss === null ? 'unknown' : mb(r.peakRss),
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
for (const line of [header, ...lines]) console.log(line.map((c, i) => c.padStart(widths[i] ?? 0)).join('  '));
for (const r of results) {
  console.log(`\n${r.extractor} rows by dataset:`);
  for (const [ds, n] of Object.entries(r.rows).sort()) console.log(`  ${ds.padEnd(28)} ${n}`);
}
