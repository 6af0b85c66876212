import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stableId } from '@anatomy/contracts';
import { scanRepository } from '@anatomy/repo-scan';
import type { ScanResult } from '@anatomy/repo-scan';
import type { CellValue, ColumnBatch, ExtractionRequest } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractPythonError } from './extract-python-error.js';
import { createPythonExtractor, pythonExtractor } from './python-extractor.js';
import type { PythonExtractorOptions } from './python-extractor-options.js';
import { pythonEvidenceDatasets } from './python-extractor-descriptor.js';
import { SYMTABLE_SYMBOL_FLAGS } from './symtable-datasets.js';

const ALL = new Set(pythonEvidenceDatasets.map((ds) => ds.name));
const PYTHON_MINOR = Number(execFileSync('python3', ['-c', 'import sys; print(sys.version_info[1])'], { encoding: 'utf8' }).trim());
/** SyntaxError has end positions, and the parser is the PEG one that reports errors in characters, from 3.10. */
const ENDS = PYTHON_MINOR >= 10;

type Row = Record<string, CellValue>;

function rowsOf(batches: readonly ColumnBatch[], table: string): Row[] {
  const rows: Row[] = [];
  for (const batch of batches.filter((b) => b.dataset === `evidence.${table}`)) {
    for (let i = 0; i < batch.rowCount; i++) rows.push(Object.fromEntries(Object.entries(batch.columns).map(([k, v]) => [k, v[i] ?? null])));
  }
  return rows;
}

/** A temporary repository made from an inline file tree, scanned by repo-scan. */
async function repository(files: Record<string, string | Buffer>): Promise<{ dir: string; scan: ScanResult; id: (path: string) => string }> {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-py-'));
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  const scan = await scanRepository({ root: dir });
  return {
    dir,
    scan,
    id: (path) => {
      const file = scan.files.find((f) => f.path === path);
      if (file === undefined) throw new Error(`${path} was not scanned`);
      return file.file_id;
    },
  };
}

async function collect(
  scan: ScanResult,
  datasets: ReadonlySet<string> = ALL,
  options: PythonExtractorOptions = {},
  extra: Partial<ExtractionRequest> = {},
): Promise<ColumnBatch[]> {
  const batches: ColumnBatch[] = [];
  for await (const batch of createPythonExtractor(options).extract({ root: scan.root, files: scan.files, datasets, ...extra })) batches.push(batch);
  return batches;
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('pythonExtractor.capability', () => {
  it('finds python3 on PATH and records its version', async () => {
    const capability = await pythonExtractor.capability();
    expect(capability).toEqual({ extractor: 'python', available: true, tools: { python3: expect.stringMatching(/^3\.\d+\.\d+$/) } });
  });

  it('is unavailable, with the fix, when the interpreter does not exist', async () => {
    const extractor = createPythonExtractor({ python: '/nonexistent/bin/python3' });
    const capability = await extractor.capability();
    expect(capability.available).toBe(false);
    expect(capability.tools).toEqual({});
    expect(capability.reason).toMatch(/not found/);
    expect(capability.hint).toMatch(/install CPython 3\.8/);
    const run = extractor.extract({ root: tmpdir(), files: [], datasets: ALL });
    await expect(run[Symbol.asyncIterator]().next()).rejects.toSatisfy((e) => ExtractPythonError.is(e, 'PythonUnavailable'));
  });

  it('probes a usable interpreter once for its life, and an unusable one again until it is fixed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-probe-'));
    dirs.push(dir);
    const starts = join(dir, 'starts');
    const python = join(dir, 'python3');
    const extractor = createPythonExtractor({ python });
    expect((await extractor.capability()).available).toBe(false);
    // The interpreter appears: a wrapper around the real python3 that counts its starts.
    writeFileSync(python, `#!/bin/sh\necho start >> '${starts}'\nexec python3 "$@"\n`, { mode: 0o755 });
    expect((await extractor.capability()).available).toBe(true);
    expect((await extractor.capability()).available).toBe(true);
    const root = join(dir, 'repo');
    mkdirSync(root);
    writeFileSync(join(root, 'a.py'), 'x = 1\n');
    const files = [{ file_id: 'f', path: 'a.py', size: 6, sha256: '', encoding: 'utf-8' }];
    let rows = 0;
    for await (const batch of extractor.extract({ root, files, datasets: ALL, concurrency: 1 })) rows += batch.rowCount;
    expect(rows).toBeGreaterThan(0);
    // One probe and one worker: neither the second capability() nor extract() probed again.
    expect(readFileSync(starts, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it.runIf(existsSync('/root/.pyenv/versions/3.7.16/bin/python3'))('is unavailable for a python3 older than 3.8', async () => {
    const capability = await createPythonExtractor({ python: '/root/.pyenv/versions/3.7.16/bin/python3' }).capability();
    expect(capability).toMatchObject({ available: false, tools: { python3: '3.7.16' }, reason: expect.stringMatching(/needs >=3\.8/) });
  });

  it('spawns nothing and emits nothing when no python dataset is demanded', async () => {
    const batches: ColumnBatch[] = [];
    const extractor = createPythonExtractor({ python: '/nonexistent/bin/python3' });
    for await (const batch of extractor.extract({ root: tmpdir(), files: [], datasets: new Set(['evidence.ts_defs']) })) batches.push(batch);
    expect(batches).toEqual([]);
  });
});

describe('pythonExtractor.extract', () => {
  it('gives ids that stableId reproduces, so SQL and TypeScript can recompute them', async () => {
    const repo = await repository({ 'm.py': 'def f():\n    return g()\n' });
    dirs.push(repo.dir);
    const batches = await collect(repo.scan, new Set(['evidence.py_ast_nodes', 'evidence.py_defs']));
    const fileId = repo.id('m.py');
    const nodes = rowsOf(batches, 'py_ast_nodes');
    expect(nodes.map((n) => [n['kind'], n['preorder'], n['depth'], n['field'], n['field_index']])).toEqual([
      ['Module', 0, 0, null, null],
      ['FunctionDef', 1, 1, 'body', 0],
      ['arguments', 2, 2, 'args', null],
      ['Return', 3, 2, 'body', 0],
      ['Call', 4, 3, 'value', null],
      ['Name', 5, 4, 'func', null],
    ]);
    nodes.forEach((n) => expect(n['node_id']).toBe(stableId('py_ast', fileId, n['preorder'] as number)));
    expect(nodes[5]).toMatchObject({ name: 'g', ctx: 'load', parent_id: nodes[4]!['node_id'], bstart: 20, bend: 21 });
    expect(rowsOf(batches, 'py_defs')).toEqual([
      expect.objectContaining({ def_id: stableId('py_def', fileId, 1), node_id: nodes[1]!['node_id'], qualname: 'f', bstart: 0, bend: 23 }),
    ]);
  });

  it('identifies each symbol by its scope and name as stableId does, names beyond ASCII included', async () => {
    const repo = await repository({ 'u.py': 'größe = 1\ndef f(ü):\n    return größe, ü\n' });
    dirs.push(repo.dir);
    const batches = await collect(repo.scan, new Set(['evidence.py_scopes', 'evidence.py_symbols']));
    const fileId = repo.id('u.py');
    const symbols = rowsOf(batches, 'py_symbols');
    expect(symbols.map((r) => r['name']).sort()).toEqual(['f', 'größe', 'größe', 'ü']);
    for (const r of symbols) expect(r['symbol_id']).toBe(stableId('py_symbol', fileId, r['scope_id'] as string, r['name'] as string));
  });

  it('emits only the demanded datasets and skips the stages nobody asked for', async () => {
    // `return` outside a function parses, but does not compile: the compile
    // stage reports it only when a bytecode table is demanded.
    const repo = await repository({ 'top.py': 'x = 1\nreturn x\n' });
    dirs.push(repo.dir);
    const astOnly = await collect(repo.scan, new Set(['evidence.py_defs', 'evidence.py_parse_errors']));
    expect(new Set(astOnly.map((b) => b.dataset))).toEqual(new Set([]));
    const withBytecode = await collect(repo.scan, new Set(['evidence.py_code_objects', 'evidence.py_parse_errors']));
    expect(rowsOf(withBytecode, 'py_parse_errors')).toEqual([
      expect.objectContaining({ stage: 'compile', kind: 'syntax', message: "'return' outside function", line: 2, bstart: 6, ...(ENDS ? { bend: 14 } : {}) }),
    ]);
    expect(rowsOf(withBytecode, 'py_code_objects')).toEqual([]);
  });

  it('streams bounded batches that add up to the same rows, and reports progress per file', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`m${i}.py`] = Array.from({ length: 5 }, (_, j) => `def f${j}(a):\n    return g(a, ${i})\n`).join('');
    const repo = await repository(files);
    dirs.push(repo.dir);
    const progress: [number, number][] = [];
    const timed: [string, number][] = [];
    const small = await collect(repo.scan, new Set(['evidence.py_defs', 'evidence.py_calls']), { batchRows: 7 }, {
      concurrency: 3,
      onProgress: (done, total) => progress.push([done, total]),
      onFileTimed: (fileId, ms) => timed.push([fileId, ms]),
    });
    // Each file timed once, in its worker.
    expect(timed.map(([id]) => id).sort()).toEqual(repo.scan.files.map((f) => f.file_id).sort());
    expect(timed.every(([, ms]) => ms > 0)).toBe(true);
    expect(small.every((b) => b.rowCount <= 7 && b.rowCount > 0)).toBe(true);
    expect(rowsOf(small, 'py_defs')).toHaveLength(30);
    expect(rowsOf(small, 'py_calls')).toHaveLength(30);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6].map((n) => [n, 6]));
    const large = await collect(repo.scan, new Set(['evidence.py_defs', 'evidence.py_calls']));
    const key = (r: Row): string => `${String(r['def_id'] ?? r['call_id'])}`;
    expect(rowsOf(small, 'py_defs').map(key).sort()).toEqual(rowsOf(large, 'py_defs').map(key).sort());
    expect(large.filter((b) => b.dataset === 'evidence.py_defs')).toHaveLength(1);
  });

  it('gives every other table the same rows whether py_ast_nodes is demanded or not', async () => {
    // Without py_ast_nodes the walk works out ids and spans only for the nodes that give rows.
    const repo = await repository({
      'mixed.py': [
        '"""doc"""',
        'import os.path as p, sys',
        'from . import (a, b as c)',
        '@decorate(1)',
        'class K(Base, mod.Other, metaclass=M):',
        '    """k"""',
        '    def m(self, x=[i for i in range(3)]):',
        '        return f(lambda y: {k: v for k, v in y}, *x, **{"z": (g(j) for j in x)})',
        'async def h():',
        '    await call().chain(1)',
        'def outer():',
        '    class Inner(g(1)):',
        '        def meth(self): return [lambda: 0]',
        '    def sibling(): import json',
        'def top(): pass',
        '',
      ].join('\n'),
    });
    dirs.push(repo.dir);
    const tables = ['py_defs', 'py_imports', 'py_calls', 'py_docstrings', 'py_decorators', 'py_class_bases', 'py_scopes', 'py_symbols', 'py_star_exports'];
    const withNodes = await collect(repo.scan, new Set([...tables, 'py_ast_nodes'].map((t) => `evidence.${t}`)));
    expect(rowsOf(withNodes, 'py_ast_nodes').length).toBeGreaterThan(50);
    // All the other tables, then the few a build of the library reads (no calls nor docstrings: their nodes give no id).
    for (const subset of [tables, ['py_defs', 'py_imports', 'py_class_bases', 'py_scopes']]) {
      const without = await collect(repo.scan, new Set(subset.map((t) => `evidence.${t}`)));
      for (const table of subset) {
        expect(rowsOf(without, table).length, table).toBeGreaterThan(0);
        expect(rowsOf(without, table), table).toEqual(rowsOf(withNodes, table));
      }
    }
    // Each definition names its ast node and the definition it is nested in, across nesting and back out.
    const nodeIds = new Map(rowsOf(withNodes, 'py_ast_nodes').map((r) => [r['node_id'], r['kind']]));
    const defs = rowsOf(withNodes, 'py_defs');
    const qualnameOf = new Map(defs.map((r) => [r['def_id'], r['qualname']]));
    expect(defs.map((r) => [r['qualname'], nodeIds.get(r['node_id']), r['parent_def_id'] === null ? null : qualnameOf.get(r['parent_def_id'])])).toEqual([
      ['K', 'ClassDef', null],
      ['K.m', 'FunctionDef', 'K'],
      ['h', 'AsyncFunctionDef', null],
      ['outer', 'FunctionDef', null],
      ['outer.<locals>.Inner', 'ClassDef', 'outer'],
      ['outer.<locals>.Inner.meth', 'FunctionDef', 'outer.<locals>.Inner'],
      ['outer.<locals>.sibling', 'FunctionDef', 'outer'],
      ['top', 'FunctionDef', null],
    ]);
  });

  it('records docstrings and decorators with their text', async () => {
    const repo = await repository({
      'd.py': '"""Top."""\n@functools.wraps(f)\n@register\nclass C:\n    """First line.\n\n        Indented.\n    """\n    def m(self): pass\n',
    });
    dirs.push(repo.dir);
    const batches = await collect(repo.scan, new Set(['evidence.py_docstrings', 'evidence.py_decorators']));
    expect(rowsOf(batches, 'py_docstrings').map((r) => [r['owner_kind'], r['text'], r['cleaned'], r['line']])).toEqual([
      ['module', 'Top.', 'Top.', 1],
      ['class', 'First line.\n\n        Indented.\n    ', 'First line.\n\nIndented.', 5],
    ]);
    expect(rowsOf(batches, 'py_decorators').map((r) => [r['position'], r['name'], r['expression_text'], r['bstart'], r['bend']])).toEqual([
      [0, 'functools.wraps', 'functools.wraps(f)', 12, 30],
      [1, 'register', 'register', 32, 40],
    ]);
  });

  it('records the bases of each class in order, dotted when they are names or attribute chains, keywords left out', async () => {
    const repo = await repository({
      'b.py': 'class A: pass\nclass B(A, models.Base, make(), metaclass=M): pass\nclass C(B):\n    class D(C): pass\n',
    });
    dirs.push(repo.dir);
    const batches = await collect(repo.scan, new Set(['evidence.py_class_bases']));
    expect(batches.map((b) => b.dataset)).toEqual(['evidence.py_class_bases']);
    expect(rowsOf(batches, 'py_class_bases').map((r) => [r['class_bstart'], r['position'], r['dotted'], r['line'], r['bstart'], r['bend']])).toEqual([
      [14, 0, 'A', 2, 22, 23],
      [14, 1, 'models.Base', 2, 25, 36],
      [14, 2, null, 2, 38, 44],
      [65, 0, 'B', 3, 73, 74],
      [81, 0, 'C', 4, 89, 90],
    ]);
    const ids = rowsOf(batches, 'py_class_bases').map((r) => r['base_id']);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('bad input never stops extraction', () => {
  let repo: Awaited<ReturnType<typeof repository>>;
  let batches: ColumnBatch[];
  const errorsOf = (path: string): Row[] => rowsOf(batches, 'py_parse_errors').filter((r) => r['file_id'] === repo.id(path));

  beforeAll(async () => {
    repo = await repository({
      'good.py': 'def fine():\n    return 1\n',
      'syntax.py': 'def f(:\n    pass\n',
      'py2.py': 'print "hello"\nexec "x = 1"\n',
      'nul.py': Buffer.from('x = 1\n\0y = 2\n'),
      'undecodable.py': Buffer.from([...Buffer.from("x = '"), 0xff, ...Buffer.from("'\n")]),
      'bad_cookie.py': '# coding: no-such-codec\nx = 1\n',
      'deep_unary.py': `x = ${'-'.repeat(100_000)}1\n`,
      'deep_attr.py': `x${'.a'.repeat(200_000)}\n`,
      'tabs.py': 'if x:\n\tpass\n        pass\n',
      'unclosed.py': 'é = (\n',
      'symtable_error.py': 'def f(x):\n    global x\n',
      'empty.py': '',
      'warn.py': "x = '\\d'\n",
      'vanishes.py': 'x = 1\n',
      'changes.py': 'x = 1\n',
      // A 20 MB generated module.
      'huge.py': Array.from({ length: 1000 }, (_, i) => `value_${i} = ${i} * 2 + 1\n`)
        .join('')
        .repeat(1000),
    });
    dirs.push(repo.dir);
    // Files that vanish or change between the scan and the extraction.
    unlinkSync(join(repo.dir, 'vanishes.py'));
    appendFileSync(join(repo.dir, 'changes.py'), 'y = 2\n');
    batches = await collect(repo.scan);
  });

  it('still extracts the good file', () => {
    expect(rowsOf(batches, 'py_defs').filter((r) => r['file_id'] === repo.id('good.py')).map((r) => r['name'])).toEqual(['fine']);
    expect(errorsOf('good.py')).toEqual([]);
  });

  it.each([
    ['syntax.py', 'parse', 'syntax', 'invalid syntax'],
    ['py2.py', 'parse', 'syntax', expect.stringContaining("Missing parentheses in call to 'print'")],
    ['nul.py', 'parse', 'null-bytes', 'source code string cannot contain null bytes'],
    ['undecodable.py', 'parse', 'decode', expect.stringContaining("'utf-8' codec can't decode byte 0xff")],
    ['bad_cookie.py', 'parse', 'decode', expect.stringContaining('no-such-codec')],
    ['deep_unary.py', 'parse', 'memory', expect.stringContaining('out of memory')],
    ['tabs.py', 'parse', 'tab', 'inconsistent use of tabs and spaces in indentation'],
    ['vanishes.py', 'read', 'unreadable', expect.stringContaining('No such file')],
    ['changes.py', 'read', 'content-changed', expect.stringContaining('scan again')],
    ['huge.py', 'pool', 'too-large', expect.stringContaining('maxFileBytes')],
  ])('%s gives one %s error of kind %s and no other rows', (path, stage, kind, message) => {
    expect(errorsOf(path)).toEqual([expect.objectContaining({ stage, kind, message, severity: 'error', python_version: expect.stringMatching(/^3\./) })]);
    const others = batches.filter((b) => b.dataset !== 'evidence.py_parse_errors').flatMap((b) => b.columns['file_id'] ?? []);
    expect(others).not.toContain(repo.id(path));
  });

  it('gives a recursion error for nesting too deep for CPython', () => {
    const errors = errorsOf('deep_attr.py');
    expect(errors.map((r) => r['kind'])).toContain('recursion');
    // CPython 3.11+ stops while building the ast; 3.8 to 3.10 parse it and stop in symtable and the compiler.
    if (PYTHON_MINOR >= 11) expect(errors.map((r) => [r['stage'], r['kind']])).toEqual([['parse', 'recursion']]);
  });

  it('places parse errors at byte offsets of the file', () => {
    expect(errorsOf('syntax.py')[0]).toMatchObject({ line: 1, offset: 7, bstart: 6, ...(ENDS ? { bend: 7 } : {}), source_line: 'def f(:' });
    if (!ENDS) return;
    // Errors count characters: the ( is character 5 (1-based) but starts at byte 5 after the 2-byte é.
    expect(errorsOf('unclosed.py')[0]).toMatchObject({ kind: 'syntax', line: 1, offset: 5, bstart: 5, source_line: 'é = (' });
  });

  it('keeps the ast rows of a file whose symtable fails', () => {
    expect(rowsOf(batches, 'py_defs').filter((r) => r['file_id'] === repo.id('symtable_error.py')).map((r) => r['name'])).toEqual(['f']);
    expect(errorsOf('symtable_error.py').map((r) => [r['stage'], r['message'], r['bstart'], r['bend']])).toEqual([
      ['symtable', "name 'x' is parameter and global", 14, ENDS ? 22 : null],
      ['compile', "name 'x' is parameter and global", 14, ENDS ? 22 : null],
    ]);
    expect(rowsOf(batches, 'py_scopes').filter((r) => r['file_id'] === repo.id('symtable_error.py'))).toEqual([]);
  });

  it('reports warnings without losing evidence', () => {
    expect(errorsOf('warn.py')).toEqual([
      expect.objectContaining({ stage: 'parse', severity: 'warning', kind: expect.stringMatching(/-warning$/), line: 1, message: expect.stringContaining('invalid escape sequence') }),
    ]);
    expect(rowsOf(batches, 'py_ast_nodes').filter((r) => r['file_id'] === repo.id('warn.py')).length).toBeGreaterThan(1);
  });

  it('extracts an empty file as an empty module', () => {
    const id = repo.id('empty.py');
    expect(rowsOf(batches, 'py_ast_nodes').filter((r) => r['file_id'] === id).map((r) => [r['kind'], r['bstart']])).toEqual([['Module', null]]);
    expect(rowsOf(batches, 'py_scopes').filter((r) => r['file_id'] === id).map((r) => [r['scope_type'], r['qualname']])).toEqual([['module', '']]);
    expect(rowsOf(batches, 'py_code_objects').filter((r) => r['file_id'] === id).map((r) => r['name'])).toEqual(['<module>']);
    expect(errorsOf('empty.py')).toEqual([]);
  });
});

describe('a worker that crashes or hangs is replaced', () => {
  // With one worker, which holds two files at a time, the file after each bad one is queued behind it and
  // must go to the next worker.
  it.each([2, 1])('gives the file a worker-crash or timeout row and extracts every other file (%i workers)', async (concurrency) => {
    const files: Record<string, string> = { 'crash_me.py': 'x = 1\n', 'hang_me.py': 'y = 2\n' };
    for (let i = 0; i < 8; i++) files[`ok${i}.py`] = `def ok${i}():\n    pass\n`;
    const repo = await repository(files);
    dirs.push(repo.dir);
    const batches = await collect(
      repo.scan,
      new Set(['evidence.py_defs', 'evidence.py_parse_errors']),
      { fileTimeoutMs: 1500, testHooks: { exitOn: '/crash_me.py', hangOn: '/hang_me.py' } },
      { concurrency },
    );
    expect(rowsOf(batches, 'py_defs').map((r) => r['name']).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `ok${i}`));
    const errors = rowsOf(batches, 'py_parse_errors');
    expect(errors.map((r) => [r['file_id'], r['stage'], r['kind']]).sort()).toEqual(
      [
        [repo.id('crash_me.py'), 'pool', 'worker-crash'],
        [repo.id('hang_me.py'), 'pool', 'timeout'],
      ].sort(),
    );
    expect(errors.find((r) => r['kind'] === 'worker-crash')!['message']).toMatch(/exit status 70/);
    expect(errors.find((r) => r['kind'] === 'timeout')!['message']).toMatch(/more than 1500 ms/);
  });

  it('ends its workers when the consumer leaves the loop early', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 24; i++) files[`m${i}.py`] = `def f${i}(): pass\n`;
    const repo = await repository(files);
    dirs.push(repo.dir);
    let seen = 0;
    const datasets = new Set(['evidence.py_defs']);
    for await (const batch of createPythonExtractor({ batchRows: 1 }).extract({ root: repo.scan.root, files: repo.scan.files, datasets, concurrency: 2 })) {
      seen += batch.rowCount;
      // Let finished files pile up until the workers wait for room, then leave.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      break;
    }
    expect(seen).toBe(1);
  });

  it('stops with an Aborted error when the caller aborts', async () => {
    const repo = await repository({ 'hang_me.py': 'x = 1\n', 'b.py': 'y = 1\n' });
    dirs.push(repo.dir);
    const controller = new AbortController();
    const run = collect(repo.scan, ALL, { testHooks: { hangOn: '/hang_me.py' } }, { concurrency: 1, signal: controller.signal, onProgress: () => {} });
    setTimeout(() => controller.abort(new Error('user pressed ^C')), 200);
    await expect(run).rejects.toSatisfy((e) => ExtractPythonError.is(e, 'Aborted'));
  });
});

describe('symtable evidence', () => {
  const SOURCE = [
    'counter = 0',
    '',
    'def outer(a, *args, b=1, **kw):',
    '    global counter',
    '    counter += 1',
    '    total = 0',
    '    def inner():',
    '        nonlocal total',
    '        total += a',
    '        return [x * total for x in args]',
    '    class K:',
    '        attr: int = 1',
    '        def method(self):',
    '            return total',
    '    import os.path as osp',
    '    return inner, K, osp',
    '',
    'lam = lambda y: y + counter',
    '',
  ].join('\n');

  let symbols: Map<string, string[]>;
  let scopes: Row[];
  beforeAll(async () => {
    const repo = await repository({ 'scopes.py': SOURCE });
    dirs.push(repo.dir);
    const batches = await collect(repo.scan, new Set(['evidence.py_scopes', 'evidence.py_symbols']));
    scopes = rowsOf(batches, 'py_scopes');
    const qualnameOf = new Map(scopes.map((s) => [s['scope_id'], s['qualname'] === '' ? '<module>' : s['qualname']]));
    symbols = new Map(
      rowsOf(batches, 'py_symbols').map((s) => [`${String(qualnameOf.get(s['scope_id']))} ${String(s['name'])}`, SYMTABLE_SYMBOL_FLAGS.filter((f) => s[f] === true)]),
    );
  });

  it('nests scopes with qualified names', () => {
    const parentOf = new Map(scopes.map((s) => [s['scope_id'], s['parent_scope_id']]));
    const byQualname = new Map(scopes.map((s) => [s['qualname'], s]));
    expect(scopes.map((s) => [s['scope_type'], s['name'], s['qualname'], s['line']])).toEqual(
      expect.arrayContaining([
        ['module', 'top', '', 0],
        ['function', 'outer', 'outer', 3],
        ['function', 'inner', 'outer.<locals>.inner', 7],
        ['class', 'K', 'outer.<locals>.K', 11],
        ['function', 'method', 'outer.<locals>.K.method', 13],
        ['function', 'lambda', '<lambda>', 18],
      ]),
    );
    expect(parentOf.get(byQualname.get('outer.<locals>.K.method')!['scope_id'])).toBe(byQualname.get('outer.<locals>.K')!['scope_id']);
    expect(byQualname.get('outer.<locals>.K')).toMatchObject({ is_nested: true, is_optimized: false });
    expect(byQualname.get('outer')).toMatchObject({ is_nested: false, is_optimized: true });
    const lambdaAt = SOURCE.indexOf('lambda y');
    expect(scopes.map((s) => [s['qualname'], s['bstart'], s['bend']])).toEqual(
      expect.arrayContaining([
        ['', 0, Buffer.byteLength(SOURCE)], // the module block is its whole file
        ['outer', SOURCE.indexOf('def outer'), SOURCE.indexOf('osp\n\n') + 3],
        ['outer.<locals>.K', SOURCE.indexOf('class K'), SOURCE.indexOf('return total') + 12],
        ['<lambda>', lambdaAt, SOURCE.length - 1],
      ]),
    );
  });

  it('gives scopes the same spans when the ast walk, demanded too, finds them', async () => {
    const repo = await repository({ 'scopes.py': SOURCE });
    dirs.push(repo.dir);
    const batches = await collect(repo.scan, new Set(['evidence.py_scopes', 'evidence.py_ast_nodes']));
    const walked = rowsOf(batches, 'py_scopes');
    expect(rowsOf(batches, 'py_ast_nodes').length).toBeGreaterThan(0);
    expect(walked.map((s) => [s['qualname'], s['bstart'], s['bend']])).toEqual(scopes.map((s) => [s['qualname'], s['bstart'], s['bend']]));
    expect(walked.filter((s) => s['bstart'] !== null).length).toBeGreaterThanOrEqual(4);
  });

  it('gives every scope its span from the walk a build makes (scopes under attributes, keywords and statements)', async () => {
    const source = [
      'import functools',
      'key = sorted([3, 1], key=lambda v: -v)',
      'name = (lambda: 0).__name__',
      '[print(x) for x in range(2)]',
      'def f(items):',
      '    return functools.reduce(lambda a, b: a + b, (i * 2 for i in items)).real',
      'class C:',
      '    attr = {k: v for k, v in {}.items()}.copy',
      '',
    ].join('\n');
    const repo = await repository({ 'nested.py': source });
    dirs.push(repo.dir);
    // Alone, py_scopes takes its spans from a walk of its own; with py_defs (as in a build) from the rows' walk.
    const spansOf = async (datasets: string[]): Promise<unknown[][]> =>
      rowsOf(await collect(repo.scan, new Set(datasets)), 'py_scopes').map((s) => [s['scope_type'], s['name'], s['line'], s['bstart'], s['bend']]);
    const alone = await spansOf(['evidence.py_scopes']);
    const walked = await spansOf(['evidence.py_scopes', 'evidence.py_defs', 'evidence.py_imports']);
    expect(walked).toEqual(alone);
    const at = (text: string, from = 0): number => Buffer.byteLength(source.slice(0, source.indexOf(text, from)));
    expect(walked).toEqual(
      expect.arrayContaining([
        ['function', 'lambda', 2, at('lambda v'), at(')\nname')],
        ['function', 'lambda', 3, at('lambda: 0'), at(').__name__')],
        ['function', 'listcomp', 4, at('[print'), at('\ndef f') ],
        ['function', 'lambda', 6, at('lambda a'), at(', (i * 2')],
        ['function', 'genexpr', 6, at('(i * 2'), at(').real')],
        ['function', 'dictcomp', 8, at('{k: v'), at('.copy')],
      ]),
    );
    expect(walked.filter((s) => s[3] === null)).toEqual([]);
  });

  it('records the flags of globals, nonlocals, closures, class scopes and imports', () => {
    expect(symbols.get('outer counter')).toEqual(expect.arrayContaining(['is_global', 'is_declared_global', 'is_assigned']));
    expect(symbols.get('outer a')).toEqual(['is_parameter', 'is_local']);
    expect(symbols.get('outer.<locals>.inner total')).toEqual(['is_nonlocal', 'is_free', 'is_assigned']);
    expect(symbols.get('outer.<locals>.inner a')).toEqual(['is_free', 'is_referenced']);
    expect(symbols.get('outer inner')).toEqual(['is_local', 'is_assigned', 'is_referenced', 'is_namespace']);
    expect(symbols.get('outer osp')).toEqual(['is_local', 'is_imported', 'is_referenced']);
    expect(symbols.get('outer.<locals>.K attr')).toEqual(['is_local', 'is_assigned', 'is_annotated']);
    expect(symbols.get('outer.<locals>.K.method total')).toEqual(['is_free', 'is_referenced']);
    expect(symbols.get('<lambda> counter')).toEqual(['is_global', 'is_referenced']);
  });

  it.runIf(PYTHON_MINOR === 11)('matches CPython 3.11 exactly, comprehension scope included', () => {
    expect(Object.fromEntries(symbols)).toEqual({
      '<module> counter': ['is_local', 'is_global', 'is_declared_global', 'is_assigned'],
      '<module> outer': ['is_local', 'is_global', 'is_assigned', 'is_namespace'],
      '<module> lam': ['is_local', 'is_global', 'is_assigned'],
      'outer a': ['is_parameter', 'is_local'],
      'outer b': ['is_parameter', 'is_local'],
      'outer args': ['is_parameter', 'is_local'],
      'outer kw': ['is_parameter', 'is_local'],
      'outer counter': ['is_global', 'is_declared_global', 'is_assigned'],
      'outer total': ['is_local', 'is_assigned'],
      'outer inner': ['is_local', 'is_assigned', 'is_referenced', 'is_namespace'],
      'outer K': ['is_local', 'is_assigned', 'is_referenced', 'is_namespace'],
      'outer osp': ['is_local', 'is_imported', 'is_referenced'],
      'outer.<locals>.inner total': ['is_nonlocal', 'is_free', 'is_assigned'],
      'outer.<locals>.inner a': ['is_free', 'is_referenced'],
      'outer.<locals>.inner args': ['is_free', 'is_referenced'],
      'outer.<locals>.inner.<locals>.<listcomp> .0': ['is_parameter', 'is_local'],
      'outer.<locals>.inner.<locals>.<listcomp> x': ['is_local', 'is_assigned', 'is_referenced'],
      'outer.<locals>.inner.<locals>.<listcomp> total': ['is_free', 'is_referenced'],
      'outer.<locals>.K attr': ['is_local', 'is_assigned', 'is_annotated'],
      'outer.<locals>.K int': ['is_global', 'is_referenced'],
      'outer.<locals>.K method': ['is_local', 'is_assigned', 'is_namespace'],
      'outer.<locals>.K total': ['is_free'],
      'outer.<locals>.K.method self': ['is_parameter', 'is_local'],
      'outer.<locals>.K.method total': ['is_free', 'is_referenced'],
      '<lambda> y': ['is_parameter', 'is_local', 'is_referenced'],
      '<lambda> counter': ['is_global', 'is_referenced'],
    });
  });
});

describe('bytecode evidence', () => {
  const SOURCE = [
    'def walk(items, limit):',
    '    total = 0',
    '    for item in items:',
    '        if item > limit:',
    '            break',
    '        elif item < 0:',
    '            continue',
    '        total += item',
    '    while total > 100:',
    '        total //= 2',
    '    return total',
    '',
  ].join('\n');
  let batches: ColumnBatch[];
  let walkId: CellValue;
  beforeAll(async () => {
    const repo = await repository({ 'cfg.py': SOURCE });
    dirs.push(repo.dir);
    batches = await collect(repo.scan, new Set(['evidence.py_code_objects', 'evidence.py_instructions', 'evidence.py_line_table', 'evidence.py_cfg_edges']));
    walkId = rowsOf(batches, 'py_code_objects').find((c) => c['name'] === 'walk')!['code_id'] ?? null;
  });

  it('lists code objects, nested ones under their parent', () => {
    const codes = rowsOf(batches, 'py_code_objects');
    expect(codes.map((c) => [c['name'], c['line'], c['argcount']])).toEqual([
      ['<module>', 1, 0],
      ['walk', 1, 2],
    ]);
    expect(codes[1]!['parent_code_id']).toBe(codes[0]!['code_id']);
    const instructions = rowsOf(batches, 'py_instructions').filter((i) => i['code_id'] === walkId);
    expect(codes[1]!['instruction_count']).toBe(instructions.length);
    const offsets = new Set(instructions.map((i) => i['offset']));
    for (const jump of instructions.filter((i) => i['jump_target'] !== null)) expect(offsets.has(jump['jump_target'])).toBe(true);
    expect(instructions.find((i) => i['opname'] === 'RETURN_VALUE')).toMatchObject({ line: 11 });
  });

  it('builds edges whose ends are block leaders, with a back edge for each loop', () => {
    const edges = rowsOf(batches, 'py_cfg_edges').filter((e) => e['code_id'] === walkId);
    const lineOf = new Map(rowsOf(batches, 'py_instructions').filter((i) => i['code_id'] === walkId).map((i) => [i['offset'], i['line']]));
    const backEdges = edges.filter((e) => e['edge_kind'] === 'jump' && (e['dst_offset'] as number) <= (e['src_offset'] as number));
    const loopsEntered = backEdges.map((e) => lineOf.get(e['dst_offset']) as number);
    // The for loop is re-entered at its header (line 3), the while loop at its test or body (9 or 10, by version).
    expect(loopsEntered.some((line) => line === 3)).toBe(true);
    expect(loopsEntered.some((line) => line === 9 || line === 10)).toBe(true);
    const leaders = new Set(edges.flatMap((e) => [e['src_offset'], e['dst_offset']]));
    expect(leaders.has(0)).toBe(true);
  });

  it.runIf(PYTHON_MINOR === 11)('gives exactly the CFG of CPython 3.11 (checked against dis by hand)', () => {
    const edges = rowsOf(batches, 'py_cfg_edges').filter((e) => e['code_id'] === walkId);
    expect(edges.map((e) => [e['src_offset'], e['dst_offset'], e['edge_kind']])).toEqual([
      [0, 10, 'fallthrough'], // RESUME … GET_ITER
      [10, 56, 'jump'], // FOR_ITER exhausted: to the while loop
      [10, 12, 'fallthrough'],
      [12, 30, 'jump'], // if item > limit is false: to the elif
      [12, 26, 'fallthrough'],
      [26, 56, 'jump'], // break
      [30, 44, 'jump'], // elif item < 0 is false: to total += item
      [30, 42, 'fallthrough'],
      [42, 10, 'jump'], // continue
      [44, 10, 'jump'], // end of the for body
      [56, 90, 'jump'], // while test false: to return
      [56, 68, 'fallthrough'],
      [68, 68, 'jump'], // while body loops on itself
      [68, 90, 'fallthrough'],
    ]);
  });

  it('covers every instruction with the line table', () => {
    const instructions = rowsOf(batches, 'py_instructions').filter((i) => i['code_id'] === walkId);
    const ranges = rowsOf(batches, 'py_line_table').filter((r) => r['code_id'] === walkId);
    for (const ins of instructions) {
      const range = ranges.find((r) => (r['start_offset'] as number) <= (ins['offset'] as number) && (ins['offset'] as number) < (r['end_offset'] as number));
      expect(range?.['line']).toBe(ins['line']);
    }
  });
});

describe('star-import exports', () => {
  const files = {
    'listed.py': '__all__ = ["b", "a"]\n__all__ += ("c",)\n\ndef a():\n    pass\n\ndef b():\n    pass\n\ndef hidden():\n    pass\n',
    'public.py': 'import os\nfrom .x import y as _y\n\nVALUE = 1\n_PRIVATE = 2\n\ndef visible():\n    return len(VALUE)\n\nclass Shown:\n    inner = 3\n',
    'computed.py': '__all__ = [name for name in ("p", "q")]\np = q = 1\n_r = 2\n',
  };
  let exports: Row[];
  let repo: Awaited<ReturnType<typeof repository>>;
  beforeAll(async () => {
    repo = await repository(files);
    dirs.push(repo.dir);
    exports = rowsOf(await collect(repo.scan, new Set(['evidence.py_star_exports'])), 'py_star_exports');
  });
  const of = (path: string): [unknown, unknown][] => exports.filter((r) => r['file_id'] === repo.id(path)).map((r) => [r['name'], r['source']]);

  it('takes the names of a literal __all__, in order, extended by +=', () => {
    expect(of('listed.py')).toEqual([
      ['b', '__all__'],
      ['a', '__all__'],
      ['c', '__all__'],
    ]);
  });

  it('takes the public names the module block binds when there is no __all__, or none Python can read statically', () => {
    // Builtins the module only uses (len) and names bound inside classes or functions are not bound by the module.
    expect(of('public.py')).toEqual([
      ['Shown', 'public'],
      ['VALUE', 'public'],
      ['os', 'public'],
      ['visible', 'public'],
    ]);
    expect(of('computed.py')).toEqual([
      ['p', 'public'],
      ['q', 'public'],
    ]);
  });

  it('identifies each export by its file and name', () => {
    const row = exports.find((r) => r['file_id'] === repo.id('listed.py') && r['name'] === 'a')!;
    expect(row['export_id']).toBe(stableId('py_export', repo.id('listed.py'), 'a'));
  });
});
