import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { scanRepository } from '@anatomy/repo-scan';
import type { CellValue, ColumnBatch } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPythonExtractor } from './python-extractor.js';

/**
 * An independent reading of the same files: plain `ast.walk`, with byte
 * offsets computed in the text domain (decode the file, split its lines,
 * re-encode the text before each position) instead of the extractor's
 * line-start table over the raw bytes. The first few hundred spans of each
 * file are also checked against `ast.get_source_segment`.
 */
const INDEPENDENT_WALK = String.raw`
import ast, io, json, re, sys, tokenize
out = {}
for path in sys.argv[1:]:
    data = open(path, 'rb').read()
    enc = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    text = data.decode(enc)
    codec = 'utf-8' if enc == 'utf-8-sig' else enc
    pieces = re.split('(\r\n|\r|\n)', text)
    lines = [pieces[i] + (pieces[i + 1] if i + 1 < len(pieces) else '') for i in range(0, len(pieces), 2)]
    starts, chars, at, ch = [], [], 3 if enc == 'utf-8-sig' else 0, 0
    for line in lines:
        starts.append(at); chars.append(ch)
        at += len(line.encode(codec)); ch += len(line)
    def char_of(lineno, col):
        return chars[lineno - 1] + len(lines[lineno - 1].encode('utf-8')[:col].decode('utf-8'))
    def off(lineno, col):
        line = lines[lineno - 1]
        return starts[lineno - 1] + len(line[:char_of(lineno, col) - chars[lineno - 1]].encode(codec))
    checked = [0]
    def span(node):
        b, e = off(node.lineno, node.col_offset), off(node.end_lineno, node.end_col_offset)
        # get_source_segment splits the whole source on every call: check a few hundred spans per file.
        if checked[0] < 300:
            checked[0] += 1
            assert data[b:e].decode(codec) == ast.get_source_segment(text, node), (path, ast.dump(node)[:80])
        return [b, e]
    def alias_span(a):  # alias nodes have positions from 3.10
        return span(a) if hasattr(a, 'lineno') else [None, None]
    def dotted(e):
        parts = []
        while isinstance(e, ast.Attribute):
            parts.append(e.attr); e = e.value
        return '.'.join([e.id] + parts[::-1]) if isinstance(e, ast.Name) else None
    tree = ast.parse(data)
    defs, imports, calls = [], [], []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            kind = {'FunctionDef': 'function', 'AsyncFunctionDef': 'async_function', 'ClassDef': 'class'}[type(node).__name__]
            b, e = span(node)
            head = text[char_of(node.lineno, node.col_offset):]
            keyword = head.index('class' if kind == 'class' else 'def') + (5 if kind == 'class' else 3)
            name_char = head.index(node.name, keyword)
            nb = b + len(head[:name_char].encode(codec))
            defs.append([kind, node.name, b, e, nb, nb + len(node.name.encode(codec)), len(node.decorator_list)])
        elif isinstance(node, ast.Import):
            for a in node.names:
                imports.append(['import', a.name, None, a.asname, 0] + alias_span(a) + span(node))
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                imports.append(['from', node.module, a.name, a.asname, node.level] + alias_span(a) + span(node))
        elif isinstance(node, ast.Call):
            calls.append([dotted(node.func)] + span(node) + span(node.func))
    out[path] = {'defs': sorted(defs, key=repr), 'imports': sorted(imports, key=repr), 'calls': sorted(calls, key=repr)}
print(json.dumps(out))
`;

interface Independent {
  readonly defs: unknown[][];
  readonly imports: unknown[][];
  readonly calls: unknown[][];
}

function independentWalk(paths: readonly string[]): Record<string, Independent> {
  return JSON.parse(execFileSync('python3', ['-c', INDEPENDENT_WALK, ...paths], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })) as Record<
    string,
    Independent
  >;
}

/** Rows of one dataset as objects, from every batch of it. */
function rowsOf(batches: readonly ColumnBatch[], dataset: string): Record<string, CellValue>[] {
  const rows: Record<string, CellValue>[] = [];
  for (const batch of batches.filter((b) => b.dataset === `evidence.${dataset}`)) {
    for (let i = 0; i < batch.rowCount; i++) rows.push(Object.fromEntries(Object.entries(batch.columns).map(([k, v]) => [k, v[i] ?? null])));
  }
  return rows;
}

const byRepr = (a: unknown, b: unknown): number => {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The extractor's rows of one file in the independent walk's shape. */
function extractorView(batches: readonly ColumnBatch[], fileId: string): Independent {
  const mine = (table: string): Record<string, CellValue>[] => rowsOf(batches, table).filter((r) => r['file_id'] === fileId);
  return {
    defs: mine('py_defs')
      .map((r) => [r['kind'], r['name'], r['bstart'], r['bend'], r['name_bstart'], r['name_bend'], r['decorator_count']])
      .sort(byRepr),
    imports: mine('py_imports')
      .map((r) => [r['kind'], r['module'], r['imported_name'], r['asname'], r['level'], r['bstart'], r['bend'], r['stmt_bstart'], r['stmt_bend']])
      .sort(byRepr),
    calls: mine('py_calls')
      .map((r) => [r['callee_text'], r['bstart'], r['bend'], r['callee_bstart'], r['callee_bend']])
      .sort(byRepr),
  };
}

async function extractAll(root: string, paths?: readonly string[]): Promise<{ batches: ColumnBatch[]; files: { path: string; file_id: string }[] }> {
  const scan = await scanRepository({ root, ...(paths === undefined ? {} : { include: [...paths] }) });
  const batches: ColumnBatch[] = [];
  const extractor = createPythonExtractor();
  const datasets = new Set(['evidence.py_defs', 'evidence.py_imports', 'evidence.py_calls', 'evidence.py_parse_errors']);
  for await (const batch of extractor.extract({ root: scan.root, files: scan.files, datasets })) batches.push(batch);
  return { batches, files: scan.files.map((f) => ({ path: f.path, file_id: f.file_id })) };
}

const FIXTURES: Record<string, Buffer> = {
  'ascii.py': Buffer.from(
    [
      '"""Module docstring."""',
      'import os, os.path as osp',
      'import a.b.c',
      'from . import sibling',
      'from ..pkg.mod import (first as f1,',
      '                       second)',
      'from m import *',
      '',
      '\f',
      '@decorator',
      '@pkg.deco(1, k=2)',
      'class Shape(Base, metaclass=Meta):',
      '    def area(self, *args, **kwargs):',
      '        def helper(x): return osp.join(x, *args)',
      '        return helper(self)(1)[0]',
      '',
      'async def main():',
      '    await fetch(url=1, **opts)',
      '    lam = lambda: print("hi")',
      '    items[0](x)',
      'def \\',
      '  continued(): pass',
    ].join('\n') + '\n',
  ),
  'accented.py': Buffer.from(
    ['# café', 'def café(naïve="é"):', '    return naïve.upper() + façade(naïve, "àé")', 'class Über: résumé = café("ü")', 'from été import (crème as brûlée)', ''].join('\n'),
  ),
  'cjk.py': Buffer.from(['def 函数(参数):', '    变量 = "中文" + 参数', '    return 打印(变量, 函数)', 'import 模块 as 别名', ''].join('\n')),
  'emoji.py': Buffer.from(['s = "🐍🐍"; t = f(s, "🎉")', 'def party(x="🎉🎉🎉"): return g("🐍", x)', 'import os  # 🐍', ''].join('\n')),
  'bom.py': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('"""Dôc."""\ndef é(): return ü("é")\nimport x as é2\n')]),
  'latin1.py': Buffer.from('# -*- coding: latin-1 -*-\ncafé = "déjà"\ndef façade(é="ü"): return café(é, "ß")\nfrom mod import né as été\n', 'latin1'),
  'crlf.py': Buffer.from('import a\r\ndef f():\r\n    return g("é")\r\nx = 1\rdef h(): return f()\r'),
};

describe('python evidence agrees with an independent ast walk', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'anatomy-py-agree-'));
    for (const [name, bytes] of Object.entries(FIXTURES)) writeFileSync(join(dir, name), bytes);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on fixtures in every encoding: definitions, imports and calls with exact byte spans', async () => {
    const { batches, files } = await extractAll(dir);
    expect(files.map((f) => f.path).sort()).toEqual(Object.keys(FIXTURES).sort());
    expect(rowsOf(batches, 'py_parse_errors')).toEqual([]);
    const expected = independentWalk(files.map((f) => join(dir, f.path)));
    for (const file of files) {
      expect({ path: file.path, ...extractorView(batches, file.file_id) }).toEqual({ path: file.path, ...expected[join(dir, file.path)] });
    }
    // Spot checks that the fixtures exercise what they claim to.
    const latin = files.find((f) => f.path === 'latin1.py')!;
    const facade = rowsOf(batches, 'py_defs').find((r) => r['file_id'] === latin.file_id && r['name'] === 'façade')!;
    const latinBytes = FIXTURES['latin1.py']!;
    expect(latinBytes.subarray(Number(facade['name_bstart']), Number(facade['name_bend'])).toString('latin1')).toBe('façade');
    expect(facade['col']).toBe(0);
    const cafeCall = rowsOf(batches, 'py_calls').find((r) => r['file_id'] === latin.file_id)!;
    expect(cafeCall['col']).not.toBe(Number(cafeCall['bstart']) - latinBytes.indexOf('def façade')); // UTF-8 columns differ from latin-1 bytes
    expect(latinBytes.subarray(Number(cafeCall['bstart']), Number(cafeCall['bend'])).toString('latin1')).toBe('café(é, "ß")');
    const bom = files.find((f) => f.path === 'bom.py')!;
    const e = rowsOf(batches, 'py_defs').find((r) => r['file_id'] === bom.file_id)!;
    expect([e['line'], e['col'], e['bstart']]).toEqual([2, 0, 3 + Buffer.byteLength('"""Dôc."""\n')]);
    const crlf = files.find((f) => f.path === 'crlf.py')!;
    expect(rowsOf(batches, 'py_defs').filter((r) => r['file_id'] === crlf.file_id).map((r) => [r['name'], r['line']])).toEqual([
      ['f', 2],
      ['h', 5],
    ]);
  });

  it('on a deterministic sample of the standard library of this machine', async () => {
    const stdlib = execFileSync('python3', ['-c', "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
    const all: string[] = [];
    const walk = (d: string): void => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, entry.name);
        if (entry.isDirectory() && !['site-packages', '__pycache__', 'test', 'tests', 'idle_test'].includes(entry.name)) walk(path);
        else if (entry.isFile() && entry.name.endsWith('.py') && statSync(path).size < 400_000) all.push(relative(stdlib, path).split('\\').join('/'));
      }
    };
    walk(stdlib);
    all.sort();
    const step = Math.max(1, Math.floor(all.length / 20));
    const sample = all.filter((_, i) => i % step === 0).slice(0, 20);
    expect(sample.length).toBeGreaterThanOrEqual(Math.min(20, all.length));
    const { batches, files } = await extractAll(stdlib, sample);
    expect(files.map((f) => f.path).sort()).toEqual([...sample].sort());
    const expected = independentWalk(files.map((f) => join(stdlib, f.path)));
    let definitions = 0;
    for (const file of files) {
      const view = extractorView(batches, file.file_id);
      definitions += view.defs.length;
      expect({ path: file.path, ...view }).toEqual({ path: file.path, ...expected[join(stdlib, file.path)] });
    }
    expect(definitions).toBeGreaterThan(20);
  });
});
