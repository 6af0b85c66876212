// Runs one extractor over every file of a directory, demanding all of its
// datasets (or, with --datasets=a,b, only those), and prints one JSON line of figures. Started by extract-stdlib.ts
// in a fresh process so that peak memory belongs to this extractor alone.
import { createPythonExtractor } from '@anatomy/extract-python';
import { createScipExtractor } from '@anatomy/extract-scip';
import { createTreeSitterExtractor } from '@anatomy/extract-tree-sitter';
import { scanRepository } from '@anatomy/repo-scan';
import type { Extractor } from '@anatomy/schema-authority';
// The sampler alone: the orchestrator's whole entry point would add about 90 MiB to what this process measures.
import { ProcessTreeMemory } from '@anatomy/orchestrator/process-tree-memory';

const [name, root, ...flags] = process.argv.slice(2);
if (name === undefined || root === undefined) {
  console.error('usage: extract-one <tree-sitter|python|scip> <dir> [--with-site-packages] [--datasets=evidence.ts_refs,…]');
  process.exit(64);
}
const factories: Record<string, () => Extractor> = {
  'tree-sitter': () => createTreeSitterExtractor(),
  python: () => createPythonExtractor(),
  scip: () => createScipExtractor({ mode: 'run' }),
};
const factory = factories[name];
if (factory === undefined) {
  console.error(`unknown extractor ${name}`);
  process.exit(64);
}
const extractor = factory();

/** The datasets to demand: all of the extractor's, or those --datasets names (each must be one of them). */
function demanded(of: Extractor): Set<string> {
  const all = of.descriptor.datasets.map((d) => d.name);
  const flag = flags.find((f) => f.startsWith('--datasets='));
  if (flag === undefined) return new Set(all);
  const named = flag.slice('--datasets='.length).split(',').filter((d) => d !== '');
  const unknown = named.filter((d) => !all.includes(d));
  if (named.length === 0 || unknown.length > 0) {
    console.error(`--datasets names ${unknown.length > 0 ? `datasets ${of.descriptor.name} does not write: ${unknown.join(', ')}` : 'nothing'}; it writes ${all.join(', ')}`);
    process.exit(64);
  }
  return new Set(named);
}
// Installed third-party packages are not part of the standard library.
const scan = await scanRepository({ root, ...(flags.includes('--with-site-packages') ? {} : { exclude: ['site-packages', '**/site-packages'] }) });
const rss = ProcessTreeMemory.start({ everyMs: 50 });
const started = performance.now();
const rows: Record<string, number> = {};
let lastShown = 0;
for await (const batch of extractor.extract({
  root: scan.root,
  files: scan.files,
  datasets: demanded(extractor),
  onProgress: (done, total) => {
    if (performance.now() - lastShown > 5000) {
      lastShown = performance.now();
      console.error(`  ${name}: ${done}/${total} files`);
    }
  },
})) {
  rows[batch.dataset] = (rows[batch.dataset] ?? 0) + batch.rowCount;
}
const seconds = (performance.now() - started) / 1000;
// Null where /proc cannot tell.
const peakRss = rss.stop()?.peakBytes ?? null;
const bytes = scan.files.reduce((sum, f) => sum + f.size, 0);
console.log(JSON.stringify({ extractor: name, version: extractor.descriptor.version, files: scan.files.length, bytes, seconds, peakRss, rows }));
