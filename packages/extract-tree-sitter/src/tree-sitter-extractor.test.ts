import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeSource, detectEncoding, fileIdForPath, lineIndex, readSource, scanRepository } from '@anatomy/repo-scan';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectDefinitions } from './collect-definitions.js';
import { createFileTree, cpythonEvidence, everyNth, pythonFiles, removeFileTrees, stdlibDir } from './cpython-reference.test-support.js';
import { treeSitterDescriptor } from './extractor-descriptor.js';
import { ExtractTreeSitterError } from './extract-tree-sitter-error.js';
import { loadPythonGrammar } from './python-grammar.js';
import { defsBatch, errorsBatch, treeSitterDatasets, tsDefsDataset, tsErrorsDataset } from './tree-sitter-datasets.js';
import { TreeSitterExtractor } from './tree-sitter-extractor.js';
import { TsDefRowSchema } from './ts-def-row.js';
import type { TsDefRow } from './ts-def-row.js';
import { TsErrorRowSchema } from './ts-error-row.js';

/** The fields CPython can confirm. */
interface ComparableDef {
  readonly def_kind: string;
  readonly name: string;
  readonly qualname: string | null;
  readonly bstart: number;
  readonly bend: number;
  readonly line: number;
  readonly col: number;
}

/** CPython's definitions of each file, or why it cannot parse it. */
function cpythonDefinitions(paths: readonly string[]): Record<string, { readonly defs: ComparableDef[] } | { readonly error: string }> {
  const evidence = cpythonEvidence(paths);
  return Object.fromEntries(Object.entries(evidence).map(([path, e]) => [path, 'error' in e ? e : { defs: e.defs as unknown as ComparableDef[] }]));
}

function comparable(rows: readonly TsDefRow[]): ComparableDef[] {
  return rows.map(({ def_kind, name, qualname, bstart, bend, line, col }) => ({ def_kind, name, qualname, bstart, bend, line, col }));
}

afterAll(removeFileTrees);

/** Non-ASCII text before and inside definitions: accents, CJK, emoji (astral, two UTF-16 units), NFKC-folded names. */
const MIXED = `# -*- coding: utf-8 -*-
"""Module docstring: café, 日本語, 🐍🎉."""
import functools
GREETING = "héllo 👋 世界"


def plain(a, b="ü"):
    return a + b


@functools.lru_cache(maxsize=None)
@decorator_with_args("🎈", key="ключ")
def decorated(x):
    """Docstring with emoji 😀 and 中文."""
    s = "😀😀😀"  # trailing comment 🐍
    return s * x
    # a comment after the last statement belongs to no statement


async def fetch(url: str = "https://例え.jp") -> bytes:
    async with session() as s:
        return await s.get(url)


class Outer:
    """Outer class 🏛️."""

    label = "naïve"

    class Inner:
        def method(self):
            def helper():
                return "深い"
            return helper()

        @staticmethod
        async def amethod():
            pass

    def __private(self): return "é"; 


def factory():
    class Local:
        def inside(self):
            return "λ"
    def closure():
        return lambda: "😀"
    return Local, closure


def declares_global():
    global escaped
    def escaped():
        return "🌍"
    class Also:
        global moved
        def moved(self):
            pass
        def stays(self):
            pass
    return escaped


def café(): return "☕"


class 数据:
    def 处理(self, 值):
        return 值


def ﬁx():
    pass


def continued():
    x = 1 + \\
        2
    return x \\

if GREETING:
    def conditional():
        return "✓"
else:
    class Alternative:
        pass

try:
    def in_try(): pass
except ImportError:
    def in_except(): pass
finally:
    def in_finally(): pass

for _ in range(1):
    with open(__file__) as fh:
        def in_with():
            pass

match GREETING:
    case "x":
        def in_case():
            pass
    case _:
        pass

while False:
    def in_while(): pass

def tabbed():
\tif True:
\t\treturn "tab"

def with_formfeed():
\f    return 1
`;

function latin1Fixture(): Buffer {
  const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
  return Buffer.concat([
    latin1('# -*- coding: latin-1 -*-\n'),
    latin1('NAME = "Andr\u00e9 \u00e0 l\u2019"\n'.replace('\u2019', "'")),
    latin1('def f\u00eate(r\u00e9sum\u00e9="\u00e9\u00e8\u00ea"):\n'),
    latin1('    return "\u00fc\u00f6\u00e4" + r\u00e9sum\u00e9\n\n'),
    latin1('class Caf\u00e9:\n    def cr\u00e8me(self): return "br\u00fbl\u00e9e"\n'),
  ]);
}

function shiftJisFixture(): Buffer {
  // 'あいう' in Shift_JIS: 82 A0 82 A2 82 A4.
  const aiu = Buffer.from([0x82, 0xa0, 0x82, 0xa2, 0x82, 0xa4]);
  return Buffer.concat([
    Buffer.from('# coding: shift_jis\nTEXT = "'),
    aiu,
    Buffer.from('"\n\ndef f(x="'),
    aiu,
    Buffer.from('"):\n    return "'),
    aiu,
    Buffer.from('" + x\n\nclass K:\n    def g(self): return 1\n'),
  ]);
}

let extractor: TreeSitterExtractor;
beforeAll(async () => {
  extractor = await TreeSitterExtractor.init();
});
afterAll(() => extractor.dispose());

describe('TreeSitterExtractor against CPython', () => {
  it('finds the definitions CPython finds, with the same kinds, qualnames and byte spans', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const root = createFileTree({
      'mixed.py': MIXED,
      'crlf.py': MIXED.replace(/\n/g, '\r\n'),
      'cr.py': MIXED.replace(/\n/g, '\r'),
      'bom.py': Buffer.concat([bom, Buffer.from('def first(): return "é"\nclass 😀Free:\n    pass\n'.replace('😀', ''))]),
      'bom_mixed.py': Buffer.concat([bom, Buffer.from(MIXED.replace('# -*- coding: utf-8 -*-\n', ''))]),
      'latin1.py': latin1Fixture(),
      'cp1252.py': Buffer.concat([Buffer.from('# coding: cp1252\nEURO = "'), Buffer.from([0x80, 0x93]), Buffer.from('"\ndef price(x="'), Buffer.from([0x80]), Buffer.from('"):\n    return x\n')]),
      'sjis.py': shiftJisFixture(),
    });
    const scan = await scanRepository({ root });
    expect(scan.diagnostics).toEqual([]);
    expect(Object.fromEntries(scan.files.map((f) => [f.path, f.encoding]))).toMatchObject({
      'bom.py': 'utf-8-sig',
      'latin1.py': 'iso-8859-1',
      'cp1252.py': 'cp1252',
      'sjis.py': 'shift_jis',
    });
    const reference = cpythonDefinitions(scan.files.map((f) => join(root, f.path)));
    for (const file of scan.files) {
      const bytes = await readSource(scan.root, file);
      const evidence = extractor.extractFile(bytes, file.file_id, file.encoding);
      const expected = reference[join(root, file.path)]!;
      if ('error' in expected) throw new Error(`CPython cannot parse ${file.path}: ${expected.error}`);
      expect(expected.defs.every((d) => d.qualname !== null)).toBe(true);
      expect(evidence.errors, file.path).toEqual([]);
      expect(comparable(evidence.defs), file.path).toEqual(expected.defs);
      for (const row of evidence.defs) expect(TsDefRowSchema.parse(row)).toEqual(row);
    }

    const mixed = extractor.extractFile(readFileSync(join(root, 'mixed.py')), fileIdForPath('mixed.py'), 'utf-8').defs;
    expect(mixed.length).toBe(33);
    const byQualname = new Map(mixed.map((d) => [d.qualname, d]));
    expect([...byQualname.keys()]).toEqual(
      expect.arrayContaining([
        'Outer.Inner.method.<locals>.helper',
        'Outer.Inner.amethod',
        'Outer.__private',
        'factory.<locals>.Local.inside',
        'escaped',
        'moved',
        'declares_global.<locals>.Also.stays',
        '数据.处理',
        'fix',
      ]),
    );
    expect(byQualname.get('fetch')!.def_kind).toBe('async_function');
    expect(byQualname.get('Outer.Inner.amethod')!.def_kind).toBe('async_function');
    expect(byQualname.get('Outer')!.def_kind).toBe('class');
    // The name span points at the identifier's bytes (NFKC folds 'ﬁx' to 'fix', so compare the others).
    const source = readFileSync(join(root, 'mixed.py'));
    for (const d of mixed.filter((x) => x.name !== 'fix')) expect(source.subarray(d.name_bstart, d.name_bend).toString('utf8')).toBe(d.name);
    expect(source.subarray(byQualname.get('fix')!.name_bstart, byQualname.get('fix')!.name_bend).toString('utf8')).toBe('ﬁx');
    // The decorated definition starts at `def`, not at its first decorator.
    const decorated = byQualname.get('decorated')!;
    expect(source.subarray(decorated.bstart, decorated.bstart + 4).toString()).toBe('def ');
    expect(source.subarray(decorated.bend - 5, decorated.bend).toString()).toBe('s * x');
  });

  it('agrees with CPython on ~30 files of the installed standard library', () => {
    const stdlib = stdlibDir();
    const candidates = everyNth(pythonFiles(stdlib), 36);
    const reference = cpythonDefinitions(candidates);
    let compared = 0;
    let defs = 0;
    for (const path of candidates) {
      const expected = reference[path]!;
      if ('error' in expected) continue;
      const bytes = readFileSync(path);
      const evidence = extractor.extractFile(bytes, fileIdForPath(path.slice(stdlib.length + 1)), detectEncoding(bytes.subarray(0, 65536)).encoding);
      // CPython drops unreachable definitions from its code objects, leaving their qualname unknown.
      const ours = comparable(evidence.defs).map((d, i) => (expected.defs[i]?.qualname === null ? { ...d, qualname: null } : d));
      expect(ours, path).toEqual(expected.defs);
      compared++;
      defs += ours.length;
    }
    expect(compared).toBeGreaterThanOrEqual(30);
    expect(defs).toBeGreaterThan(300);
  });
});

describe('TreeSitterExtractor on broken input', () => {
  it('reports syntax errors as rows and still finds the other definitions', () => {
    const source = Buffer.from('def good():\n    return "é"\n\ndef broken(:\n    pass\n\nclass After:\n    def m(self): pass\n\nx = = 1\n');
    const evidence = extractor.extractFile(source, fileIdForPath('broken.py'), 'utf-8');
    expect(evidence.defs.map((d) => d.qualname)).toEqual(['good', 'broken', 'After', 'After.m']);
    expect(evidence.errors.length).toBeGreaterThanOrEqual(2);
    for (const e of evidence.errors) expect(TsErrorRowSchema.parse(e)).toEqual(e);
    const missing = evidence.errors.find((e) => e.message === 'missing ")"')!;
    expect(missing).toMatchObject({ bstart: 40, bend: 40, line: 4, col: 11 });
    const assignment = evidence.errors.find((e) => e.line === 10)!;
    expect(assignment.message).toMatch(/^syntax error at /);
    expect(source.subarray(assignment.bstart, assignment.bend).toString()).toContain('=');
  });

  it('turns undecodable bytes and unknown encodings into one error row', () => {
    const bad = extractor.extractFile(Buffer.from([0x61, 0x0a, 0x62, 0xff, 0x0a]), fileIdForPath('bad.py'), 'utf-8');
    expect(bad.defs).toEqual([]);
    expect(bad.errors).toEqual([{ file_id: fileIdForPath('bad.py'), bstart: 3, bend: 3, line: 2, col: 1, message: 'the bytes are not valid utf-8 at byte 3' }]);
    const unknown = extractor.extractFile(Buffer.from('x = 1\n'), fileIdForPath('k.py'), 'klingon');
    expect(unknown.errors.map((e) => e.line)).toEqual([1]);
  });

  it('handles empty files, NUL bytes and a file without a final newline', () => {
    expect(extractor.extractFile(Buffer.alloc(0), fileIdForPath('e.py'), 'utf-8')).toMatchObject({ defs: [], errors: [] });
    const nul = extractor.extractFile(Buffer.from('def f():\n    return "\0"\n'), fileIdForPath('n.py'), 'utf-8');
    expect(nul.defs.map((d) => d.name)).toEqual(['f']);
    const last = extractor.extractFile(Buffer.from('def f():\n    return 1'), fileIdForPath('l.py'), 'utf-8');
    expect(last.defs[0]).toMatchObject({ bstart: 0, bend: 21 });
  });

  it('refuses a disposed extractor and an invalid file id', async () => {
    const own = await TreeSitterExtractor.init();
    own.dispose();
    expect(() => own.extractFile(Buffer.from(''), fileIdForPath('a.py'), 'utf-8')).toThrow(
      expect.objectContaining({ code: 'extract-tree-sitter/Disposed' }),
    );
    expect(ExtractTreeSitterError.codes).toContain('extract-tree-sitter/Disposed');
    expect(() => extractor.extractFile(Buffer.from(''), '', 'utf-8')).toThrow();
  });
});

describe('collectDefinitions', () => {
  it('skips subtrees that cannot hold definitions without changing a single row', async () => {
    const grammar = await loadPythonGrammar();
    expect(grammar.containers).not.toBeNull();
    const stdlib = stdlibDir();
    const { Parser } = await import('web-tree-sitter');
    const parser = new Parser();
    parser.setLanguage(grammar.language);
    try {
      for (const path of everyNth(pythonFiles(stdlib), 25)) {
        const bytes = readFileSync(path);
        const decoded = decodeSource(bytes, detectEncoding(bytes.subarray(0, 65536)).encoding);
        if (!decoded.ok) continue;
        const tree = parser.parse(decoded.source.text)!;
        try {
          const input = { fileId: fileIdForPath('x.py'), text: decoded.source.text, source: decoded.source, lines: lineIndex(bytes) };
          const pruned = collectDefinitions(tree, grammar, input);
          const full = collectDefinitions(tree, { ...grammar, containers: null }, input);
          expect(pruned, path).toEqual(full);
        } finally {
          tree.delete();
        }
      }
    } finally {
      parser.delete();
    }
  });
});

describe('tree-sitter datasets', () => {
  it('declares evidence.ts_defs with exactly these columns, in this order', () => {
    expect(tsDefsDataset).toMatchObject({ name: 'evidence.ts_defs', producer: 'tree-sitter', spanUnit: 'utf8-bytes' });
    expect(tsDefsDataset.columns.map((c) => [c.name, c.type, c.role ?? null])).toEqual([
      ['file_id', 'utf8', 'file-identity'],
      ['def_kind', 'utf8', 'kind'],
      ['name', 'utf8', 'name'],
      ['qualname', 'utf8', 'attribute'],
      ['bstart', 'int64', 'span-start'],
      ['bend', 'int64', 'span-end'],
      ['name_bstart', 'int64', 'attribute'],
      ['name_bend', 'int64', 'attribute'],
      ['line', 'int32', 'line'],
      ['col', 'int32', 'column'],
    ]);
    expect(tsErrorsDataset.columns.map((c) => c.name)).toEqual(['file_id', 'bstart', 'bend', 'line', 'col', 'message']);
  });

  it('builds batches from real rows', () => {
    const evidence = extractor.extractFile(Buffer.from('class A:\n    def f(self): pass\ndef g(:\n  pass\n'), fileIdForPath('a.py'), 'utf-8');
    const defs = defsBatch(evidence.defs);
    expect(defs).toMatchObject({ dataset: 'evidence.ts_defs', rowCount: 3 });
    expect(defs.columns['qualname']).toEqual(['A', 'A.f', 'g']);
    expect(defs.columns['bstart']).toEqual([0, 13, 31]);
    const errors = errorsBatch(evidence.errors);
    expect(errors.rowCount).toBe(evidence.errors.length);
    expect(errors.rowCount).toBeGreaterThan(0);
  });

  it('describes itself with the versions of the grammar and runtime actually installed', () => {
    const require = createRequire(import.meta.url);
    const grammarVersion = (JSON.parse(readFileSync(require.resolve('tree-sitter-python/package.json'), 'utf8')) as { version: string }).version;
    const runtimeDir = dirname(require.resolve('web-tree-sitter/web-tree-sitter.wasm'));
    const runtimeVersion = (JSON.parse(readFileSync(join(runtimeDir, 'package.json'), 'utf8')) as { version: string }).version;
    expect(treeSitterDescriptor.name).toBe('tree-sitter');
    expect(treeSitterDescriptor.version).toContain(`tree-sitter-python@${grammarVersion}`);
    expect(treeSitterDescriptor.version).toContain(`web-tree-sitter@${runtimeVersion}`);
    expect(treeSitterDescriptor.datasets).toEqual(treeSitterDatasets);
    expect(treeSitterDescriptor.datasets.slice(0, 2)).toEqual([tsDefsDataset, tsErrorsDataset]);
    expect(treeSitterDescriptor.needs).toEqual({});
  });
});
