import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readSource, scanRepository } from '@anatomy/repo-scan';
import type { ScanResult } from '@anatomy/repo-scan';
import type { CellValue, ColumnBatch, ExtractionRequest } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTreeSitterExtractor, treeSitterExtractor } from './create-tree-sitter-extractor.js';
import { createFileTree, project, removeFileTrees, rowsOf } from './cpython-reference.test-support.js';
import { ExtractTreeSitterError } from './extract-tree-sitter-error.js';
import { defaultWorkerCount } from './extract-with-workers.js';
import { extractionWorkerScript } from './extraction-worker-script.js';
import { treeSitterDatasets } from './tree-sitter-datasets.js';
import { TreeSitterExtractor } from './tree-sitter-extractor.js';

const ALL = new Set(treeSitterDatasets.map((ds) => ds.name));

afterAll(removeFileTrees);

/** Runs an extraction to the end: its batches and every progress report. */
async function drain(
  request: Omit<ExtractionRequest, 'onProgress' | 'onFileTimed'>,
  extractor = treeSitterExtractor,
): Promise<{ batches: ColumnBatch[]; progress: [number, number][]; timed: [string, number][] }> {
  const progress: [number, number][] = [];
  const timed: [string, number][] = [];
  const batches: ColumnBatch[] = [];
  const watched = { ...request, onProgress: (done: number, total: number) => progress.push([done, total]), onFileTimed: (id: string, ms: number) => timed.push([id, ms]) };
  for await (const batch of extractor.extract(watched)) batches.push(batch);
  return { batches, progress, timed };
}

/** Every row of every batch, by dataset. */
function rowsByDataset(batches: readonly ColumnBatch[]): Map<string, Record<string, CellValue>[]> {
  const out = new Map<string, Record<string, CellValue>[]>();
  for (const b of batches) out.set(b.dataset, [...(out.get(b.dataset) ?? []), ...rowsOf(b)]);
  return out;
}

const MODULE = (i: number): string => `"""Module ${i}, café 😀."""
import os
from .sibling import thing as chose

@decorator(${i})
def function_${i}(a, /, b=1, *args, c, **kw):
    """Function ${i}."""
    total = os.path.join(a, chose.attr)
    for x in range(${i}):
        total += x
    return [y for y in args if y], (z := kw)


class Class${i}(Base):
    def method(self):
        del self.value
`;

describe('treeSitterExtractor.extract', () => {
  let root: string;
  let scan: ScanResult;
  beforeAll(async () => {
    root = createFileTree(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`pkg/sub${i % 3}/module_${i}.py`, MODULE(i)])));
    scan = await scanRepository({ root });
  });

  it('runs real worker threads on the TypeScript sources under vitest', () => {
    const script = extractionWorkerScript();
    expect(script.fromSource).toBe(true);
    expect(script.url.pathname.endsWith('/src/extraction-worker.ts')).toBe(true);
    expect(script.exists()).toBe(true);
  });

  it('streams every dataset in bounded batches, equal to the in-process extraction of each file', async () => {
    const small = createTreeSitterExtractor({ batchRows: 7, chunkBytes: 600, chunkFiles: 2 });
    const { batches, progress, timed } = await drain({ root: scan.root, files: scan.files, datasets: ALL, concurrency: 2 }, small);
    for (const b of batches) expect(b.rowCount).toBeLessThanOrEqual(7);
    // Each file timed once by the worker that extracted it.
    expect(timed.map(([id]) => id).sort()).toEqual(scan.files.map((f) => f.file_id).sort());
    expect(timed.every(([, ms]) => ms > 0)).toBe(true);
    expect(progress[0]).toEqual([0, 12]);
    expect(progress.at(-1)).toEqual([12, 12]);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0]);

    const extractor = await TreeSitterExtractor.init();
    const expected = new Map<string, Record<string, CellValue>[]>();
    try {
      for (const file of scan.files) {
        for (const b of extractor.extractDatasets(await readSource(scan.root, file), file.file_id, file.encoding, ALL)) {
          expected.set(b.dataset, [...(expected.get(b.dataset) ?? []), ...rowsOf(b)]);
        }
      }
    } finally {
      extractor.dispose();
    }
    const actual = rowsByDataset(batches);
    for (const ds of treeSitterDatasets) {
      const keys = ds.columns.map((c) => c.name);
      expect(project(actual.get(ds.name) ?? [], keys), ds.name).toEqual(project(expected.get(ds.name) ?? [], keys));
    }
    expect(actual.get('evidence.ts_defs')).toHaveLength(36);
    expect(actual.get('evidence.ts_errors') ?? []).toEqual([]);
  });

  it('emits only the demanded datasets, and nothing at all when none of its datasets is demanded', async () => {
    const calls = await drain({ root: scan.root, files: scan.files, datasets: new Set(['evidence.ts_calls', 'evidence.py_calls']) });
    expect(new Set(calls.batches.map((b) => b.dataset))).toEqual(new Set(['evidence.ts_calls']));
    expect(calls.batches.reduce((n, b) => n + b.rowCount, 0)).toBe(12 * 3);
    const none = await drain({ root: scan.root, files: scan.files, datasets: new Set(['evidence.py_calls']) });
    expect(none.batches).toEqual([]);
    expect(none.progress.at(-1)).toEqual([12, 12]);
  });

  it('gives the same rows with one worker as with two', async () => {
    const datasets = new Set(['evidence.ts_refs', 'evidence.ts_imports']);
    const one = rowsByDataset((await drain({ root: scan.root, files: scan.files, datasets, concurrency: 1 })).batches);
    const two = rowsByDataset((await drain({ root: scan.root, files: scan.files, datasets, concurrency: 2 }, createTreeSitterExtractor({ chunkFiles: 1 }))).batches);
    for (const name of datasets) {
      const keys = Object.keys(one.get(name)![0]!);
      expect(project(two.get(name)!, keys), name).toEqual(project(one.get(name)!, keys));
    }
  });

  it('stops on abort and when the consumer leaves early', async () => {
    const controller = new AbortController();
    const extractor = createTreeSitterExtractor({ batchRows: 5, chunkFiles: 1 });
    const iteration = (async () => {
      for await (const batch of extractor.extract({ root: scan.root, files: scan.files, datasets: ALL, signal: controller.signal })) {
        expect(batch.rowCount).toBeGreaterThan(0);
        controller.abort(new Error('enough'));
      }
    })();
    await expect(iteration).rejects.toThrow('enough');

    let seen = 0;
    for await (const batch of extractor.extract({ root: scan.root, files: scan.files, datasets: ALL })) {
      seen += batch.rowCount;
      break;
    }
    expect(seen).toBeGreaterThan(0);
    await expect(drain({ root: scan.root, files: scan.files, datasets: ALL, signal: AbortSignal.abort() })).rejects.toThrow();
  });

  it('describes itself, reports its capability and checks its options', async () => {
    expect(treeSitterExtractor.descriptor.name).toBe('tree-sitter');
    expect(treeSitterExtractor.descriptor.datasets.map((d) => d.name)).toEqual([...ALL]);
    await expect(treeSitterExtractor.capability()).resolves.toMatchObject({ extractor: 'tree-sitter', available: true, tools: { 'tree-sitter-python': expect.any(String) } });
    expect(() => createTreeSitterExtractor({ batchRows: 0, chunkBytes: -1 })).toThrow(
      expect.objectContaining({ code: 'extract-tree-sitter/InvalidOptions', message: expect.stringMatching(/batchRows[\s\S]*chunkBytes/) }),
    );
    expect(ExtractTreeSitterError.codes).toContain('extract-tree-sitter/WorkerFailed');
    expect([defaultWorkerCount(1), defaultWorkerCount(2), defaultWorkerCount(8)]).toEqual([1, 2, 7]);
  });
});

describe('treeSitterExtractor.extract on bad input', () => {
  it('turns every problem file into diagnostics while the evidence of the other files lands', async () => {
    const deep = 5000;
    const rows = 400_000;
    const big = [
      'import struct',
      'TABLE = [',
      ...Array.from({ length: rows }, (_, i) => `    (${i}, "entry-${i}-ééé-${'x'.repeat(12)}", 0x${i.toString(16)}),`),
      ']',
      'def lookup(key):',
      '    return TABLE[key]',
      '',
    ].join('\n');
    const root = createFileTree({
      'good.py': 'import json\ndef ok():\n    return json.dumps({})\n',
      'syntax_error.py': 'def broken(:\n    pass\n\ndef after():\n    return 1\n',
      'python2.py': 'print "hello"\nexec "x = 1"\ntry:\n    pass\nexcept Exception, e:\n    print e\nx = `1`\ndef f():\n    return ur"x"\n',
      'nul_bytes.py': Buffer.from('def f():\n    return "\0"\n\0\0\0\ndef g(): pass\n'),
      'generated.py': big,
      'deep_parens.py': `x = ${'('.repeat(deep)}1${')'.repeat(deep)}\ny = ${'['.repeat(deep)}${']'.repeat(deep)}\ndef after_deep(): pass\n`,
      'unclosed.py': `x = ${'('.repeat(deep)}\ndef after_unclosed(): pass\n`,
      'empty.py': '',
      'bad_utf8.py': Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x22, 0xff, 0xfe, 0x22, 0x0a]),
      'changed.py': 'def before(): pass\n',
      'vanished.py': 'def gone(): pass\n',
    });
    const scan = await scanRepository({ root });
    expect(scan.files.find((f) => f.path === 'generated.py')!.size).toBeGreaterThan(20_000_000);
    writeFileSync(join(root, 'changed.py'), 'def after_edit(): pass\n');
    unlinkSync(join(root, 'vanished.py'));

    const datasets = new Set(['evidence.ts_defs', 'evidence.ts_errors', 'evidence.ts_imports', 'evidence.ts_calls', 'evidence.ts_refs']);
    const { batches, progress } = await drain({ root: scan.root, files: scan.files, datasets, concurrency: 2 });
    expect(progress.at(-1)).toEqual([scan.files.length, scan.files.length]);
    for (const b of batches) expect(b.rowCount).toBeLessThanOrEqual(50_000);
    const found = rowsByDataset(batches);
    const pathOf = new Map<string, string>(scan.files.map((f) => [f.file_id, f.path]));
    const defs = (found.get('evidence.ts_defs') ?? []).map((r) => `${pathOf.get(r['file_id'] as string)}:${r['name']}`);
    expect(defs).toEqual(
      expect.arrayContaining(['good.py:ok', 'syntax_error.py:after', 'python2.py:f', 'nul_bytes.py:g', 'generated.py:lookup', 'deep_parens.py:after_deep']),
    );
    const errors = new Map<string, string[]>();
    for (const r of found.get('evidence.ts_errors') ?? []) {
      const path = pathOf.get(r['file_id'] as string)!;
      errors.set(path, [...(errors.get(path) ?? []), r['message'] as string]);
    }
    expect(errors.get('changed.py')).toEqual([expect.stringContaining('changed since it was scanned')]);
    expect(errors.get('vanished.py')).toEqual([expect.stringContaining('cannot read vanished.py')]);
    expect(errors.get('bad_utf8.py')).toEqual(['the bytes are not valid utf-8 at byte 5']);
    expect(errors.get('syntax_error.py')?.length).toBeGreaterThan(0);
    expect(errors.get('unclosed.py')?.length).toBeGreaterThan(0);
    for (const clean of ['good.py', 'generated.py', 'deep_parens.py', 'empty.py']) expect(errors.get(clean), clean).toBeUndefined();

    const refs = found.get('evidence.ts_refs') ?? [];
    const generated: string = scan.files.find((f) => f.path === 'generated.py')!.file_id;
    const lookup = refs.find((r) => r['file_id'] === generated && r['name'] === 'TABLE' && r['ctx'] === 'load')!;
    expect(lookup).toMatchObject({ line: rows + 5 });
    const source = readFileSync(join(root, 'generated.py'));
    expect(source.subarray(lookup['bstart'] as number, lookup['bend'] as number).toString()).toBe('TABLE');
    const deepFile: string = scan.files.find((f) => f.path === 'deep_parens.py')!.file_id;
    expect(refs.filter((r) => r['file_id'] === deepFile).map((r) => `${r['name']}:${r['ctx']}`)).toEqual(['x:store', 'y:store']);
    expect((found.get('evidence.ts_imports') ?? []).map((r) => r['bound_name']).sort()).toEqual(['json', 'struct']);
  }, 300_000);
});

describe('the compiled package', () => {
  it('starts its workers from the compiled worker module', () => {
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const scratch = join(packageDir, 'tmp');
    mkdirSync(scratch, { recursive: true });
    const outDir = mkdtempSync(join(scratch, 'compiled-'));
    try {
      // --noCheck: the emit alone matters here, whatever the state of the dependencies' builds.
      execFileSync(process.execPath, [join(packageDir, '../../node_modules/typescript/bin/tsc'), '-p', join(packageDir, 'tsconfig.build.json'), '--outDir', outDir, '--noCheck', '--declaration', 'false', '--declarationMap', 'false', '--sourceMap', 'false'], { stdio: 'pipe' });
      const repo = createFileTree({ 'a.py': 'import os\ndef f():\n    return os.getcwd()\n', 'b/c.py': 'class K:\n    """Doc."""\n' });
      const runner = join(outDir, 'runner.mjs');
      writeFileSync(
        runner,
        [
          "import { scanRepository } from '@anatomy/repo-scan';",
          `const { treeSitterExtractor } = await import(${JSON.stringify(pathToFileURL(join(outDir, 'index.js')).href)});`,
          `const scan = await scanRepository({ root: ${JSON.stringify(repo)} });`,
          'const counts = {};',
          'for await (const b of treeSitterExtractor.extract({ root: scan.root, files: scan.files, datasets: new Set(treeSitterExtractor.descriptor.datasets.map((d) => d.name)), concurrency: 2 })) counts[b.dataset] = (counts[b.dataset] ?? 0) + b.rowCount;',
          'console.log(JSON.stringify({ counts, capability: await treeSitterExtractor.capability() }));',
        ].join('\n'),
      );
      // The workspace dependencies run from their sources, as under vitest; this package runs compiled.
      const hooks = new URL('./typescript-source-hooks.mjs', import.meta.url).href;
      const register = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(hooks)});`)}`;
      const out = JSON.parse(execFileSync(process.execPath, ['--import', register, runner], { cwd: packageDir }).toString()) as {
        counts: Record<string, number>;
        capability: { available: boolean };
      };
      expect(out.capability.available).toBe(true);
      expect(out.counts).toMatchObject({ 'evidence.ts_defs': 2, 'evidence.ts_imports': 1, 'evidence.ts_calls': 1, 'evidence.ts_docstrings': 1 });
    } finally {
      rmSync(outDir, { recursive: true, force: true });
      if (readdirSync(scratch).length === 0) rmdirSync(scratch);
    }
  }, 180_000);
});

describe('treeSitterExtractor.extract when a worker dies', () => {
  it('retries the chunk file by file and reports the file that kills a worker on its own', async () => {
    // About a million references: more rows than a 64 MiB worker heap holds.
    const bomb = `${Array.from({ length: 60_000 }, (_, i) => `v${i} = ${Array.from({ length: 16 }, (_, k) => `n${k}`).join(' + ')}`).join('\n')}\n`;
    const root = createFileTree({ 'a_fine.py': 'import os\nos.getcwd()\n', 'b_bomb.py': bomb, 'c_fine.py': 'def f():\n    return g()\n' });
    const scan = await scanRepository({ root });
    const extractor = createTreeSitterExtractor({ workerHeapMb: 64, chunkBytes: 64 << 20 });
    const { batches, progress } = await drain({ root: scan.root, files: scan.files, datasets: new Set(['evidence.ts_refs', 'evidence.ts_errors']), concurrency: 1 }, extractor);
    expect(progress.at(-1)).toEqual([3, 3]);
    const found = rowsByDataset(batches);
    const pathOf = new Map<string, string>(scan.files.map((f) => [f.file_id, f.path]));
    expect((found.get('evidence.ts_errors') ?? []).map((r) => [pathOf.get(r['file_id'] as string), r['message']])).toEqual([
      ['b_bomb.py', expect.stringMatching(/^the tree-sitter worker stopped while extracting this file: .*memory/)],
    ]);
    const names = (found.get('evidence.ts_refs') ?? []).map((r) => `${pathOf.get(r['file_id'] as string)}:${r['name']}`);
    expect(names.sort()).toEqual(['a_fine.py:os', 'c_fine.py:g']);
  }, 300_000);
});
