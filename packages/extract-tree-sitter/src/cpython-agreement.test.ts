import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectEncoding, fileIdForPath, readSource, scanRepository } from '@anatomy/repo-scan';
import type { CellValue } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileTree, cpythonEvidence, everyNth, project, pythonFiles, removeFileTrees, rowsOf, stdlibDir } from './cpython-reference.test-support.js';
import type { CPythonEvidence, ReferenceRow } from './cpython-reference.test-support.js';
import { TreeSitterExtractor } from './tree-sitter-extractor.js';

/**
 * The syntax evidence (imports, calls, references, attributes, parameters,
 * decorators, docstrings) must agree with CPython's `ast` exactly, byte
 * spans included, except where the two deliberately differ:
 * - `except E as name` and match-pattern captures bind a name that CPython
 *   holds as a plain string (ExceptHandler.name, MatchAs.name …), not an
 *   ast.Name: the extractor reports them as stores (binder 'except' /
 *   'match'), and they are left out of the comparison;
 * - tree-sitter has no attribute nodes inside match patterns
 *   (`case Color.RED`), so CPython's ast.Attribute there are left out;
 * - a docstring with a `\N{name}` escape has no text (no Unicode name
 *   database in JavaScript);
 * - files tree-sitter cannot parse without errors (a few in the standard
 *   library) are not compared.
 */

const SYNTAX = `# -*- coding: utf-8 -*-
"""Module docstring with café, 日本語, 🐍."""
from __future__ import annotations
import os, sys as système
import os.path as 路径, xml.dom
from . import sibling
from ..pkg.sub import (α as alpha, β,
    γ)
from .mod import *
from collections import OrderedDict as OD

ÉTAT = {"clé": "valeur 😀"}
a = b = c = 1
x, (y, *z) = [1, (2, 3, 4)]
[p, q] = 1, 2
obj.attr = os.path.join("é", "😀")
obj.attr += 1
obj[ключ] = 2
del obj.attr, obj[0], ÉTAT
del (a), [b]
total: int = 0
declared: list[int]
count += len(ÉTAT)
print(f"{ÉTAT['clé']!r:>{width}} {x=} 🎉")
values = [n * 2 for n in range(10) if n % 2]
pairs = {k: v for k, (v, _) in enumerate([(1, 2)])}
gen = (i for i in range(3))
if (n := len(values)) > 3:
    pass
for i, 値 in enumerate(values):
    pass
with open(__file__) as fh, open(__file__) as (g):
    pass
try:
    pass
except (ValueError, TypeError) as 错误:
    raise RuntimeError("😀") from 错误
lam = lambda a, /, b=1, *args, c, d=2, **kw: a + b + c + d + len(args) + len(kw)
(os.path).join("x")
(print)("paren")
getattr(obj, "x")(1)(2)
f(*args, **kwargs, key=1)
f(x for x in range(3))
[*range(4)]
{*range(2), *ÉTAT.keys()}
type(obj).attr = 1


@functools.lru_cache(maxsize=None)
@staticmethod
@(lambda f: f)
def décoré(a, b: int = 1, /, c: "str" = "é", *args: int, d, e: float = 2.0, **kw: bytes) -> dict[str, int]:
    r'''Raw docstring with \\n kept, 😀.'''
    global ÉTAT
    nonlocal_value = 1
    def inner(*, only):
        nonlocal nonlocal_value
        nonlocal_value += only
        return inner
    return {**kw, "k": 1}


class Classe(Base, metaclass=Meta):
    "Docstring with \\t escape, \\x41, \\101, \\u00e9, \\U0001F600, \\q and \\
a joined line."
    attr: int = 0

    def méthode(self, *args, **kwargs):
        ("Parenthesised" ' concatenated ' """docstring""")
        return super().méthode(*args, **kwargs)

    async def asynchrone(self):
        """Async 🌀."""
        async with self.lock as verrou:
            async for élément in self.stream():
                await élément
        return [x async for x in self.stream()]


def named_escape():
    "A bullet: \\N{BULLET}."


def no_doc():
    b"bytes are not docstrings"


def f_doc():
    f"f-strings are not docstrings"


match ÉTAT:
    case {"clé": valeur, **reste}:
        pass
    case Point(x=0, y=ordonnée):
        pass
    case [premier, *autres]:
        pass
    case Color.RED as couleur:
        pass
    case str() | bytes():
        pass
    case _:
        pass
`;

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const LATIN1 = latin1(`# -*- coding: latin-1 -*-
import os as système
from données import élément as é
def fête(résumé="éèê", *, clé=None):
    """Fête 'à' la maison."""
    return système.path.join(résumé, é(clé))
`);

const DATASETS = ['imports', 'calls', 'refs', 'attributes', 'params', 'decorators', 'docstrings'] as const;
type Dataset = (typeof DATASETS)[number];

/** The fields CPython can confirm, per dataset. */
const COMPARED: Readonly<Record<Dataset, readonly string[]>> = {
  imports: ['module', 'imported_name', 'bound_name', 'level', 'is_star', 'bstart', 'bend', 'stmt_bstart', 'stmt_bend', 'def_bstart'],
  calls: ['bstart', 'bend', 'callee_bstart', 'callee_bend', 'callee_dotted', 'positional_count', 'keyword_count', 'def_bstart'],
  refs: ['name', 'ctx', 'bstart', 'bend', 'def_bstart'],
  attributes: ['attr', 'ctx', 'bstart', 'bend', 'object_bstart', 'object_bend', 'dotted', 'def_bstart'],
  params: ['def_bstart', 'owner_kind', 'name', 'param_kind', 'position', 'bstart', 'has_default', 'has_annotation'],
  decorators: ['def_bstart', 'position', 'bstart', 'bend', 'dotted', 'is_call'],
  docstrings: ['def_bstart', 'bstart', 'bend', 'text'],
};

type Evidence = Record<Dataset | 'errors', Record<string, CellValue>[]>;

let extractor: TreeSitterExtractor;
beforeAll(async () => {
  extractor = await TreeSitterExtractor.init();
});
afterAll(() => {
  extractor.dispose();
  removeFileTrees();
});

function ours(bytes: Uint8Array, encoding: string): Evidence {
  const names = new Set([...DATASETS, 'errors'].map((d) => `evidence.ts_${d}`));
  const batches = extractor.extractDatasets(bytes, fileIdForPath('x.py'), encoding, names);
  return Object.fromEntries(batches.map((b) => [b.dataset.slice('evidence.ts_'.length), rowsOf(b)])) as Evidence;
}

/** Both sides of one dataset, reduced to what CPython can confirm. */
function sides(d: Dataset, mine: Evidence, theirs: Exclude<CPythonEvidence, { error: string }>): [Record<string, unknown>[], Record<string, unknown>[]] {
  let a: readonly Record<string, unknown>[] = mine[d];
  let b: readonly ReferenceRow[] = theirs[d];
  if (d === 'refs') a = a.filter((r) => r['binder'] !== 'except' && r['binder'] !== 'match');
  if (d === 'attributes') b = b.filter((r) => r['in_pattern'] !== true);
  if (d === 'docstrings') {
    const unknown = new Set(a.filter((r) => r['text'] === null).map((r) => r['bstart']));
    b = b.map((r) => (unknown.has(r['bstart'] as number) ? { ...r, text: null } : r));
  }
  return [project(a, COMPARED[d]), project(b, COMPARED[d])];
}

describe('syntax evidence against CPython', () => {
  it('agrees on a fixture of every construct, in UTF-8 (LF, CRLF, CR, BOM) and Latin-1', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const root = createFileTree({
      'syntax.py': SYNTAX,
      'crlf.py': SYNTAX.replace(/\n/g, '\r\n'),
      'cr.py': SYNTAX.replace(/\n/g, '\r'),
      'bom.py': Buffer.concat([bom, Buffer.from(SYNTAX.replace('# -*- coding: utf-8 -*-\n', ''))]),
      'latin1.py': LATIN1,
    });
    const scan = await scanRepository({ root });
    const reference = cpythonEvidence(scan.files.map((f) => join(root, f.path)));
    for (const file of scan.files) {
      const expected = reference[join(root, file.path)]!;
      if ('error' in expected) throw new Error(`CPython cannot parse ${file.path}: ${expected.error}`);
      const mine = ours(await readSource(scan.root, file), file.encoding);
      expect(mine.errors, file.path).toEqual([]);
      for (const d of DATASETS) {
        const [a, b] = sides(d, mine, expected);
        expect(a, `${file.path} ${d}`).toEqual(b);
      }
    }

    // The fixture does reach the constructs the comparison is about.
    const mine = ours(readFileSync(join(root, 'syntax.py')), 'utf-8');
    const text = readFileSync(join(root, 'syntax.py'));
    const at = (r: Record<string, CellValue>, s = 'bstart', e = 'bend'): string => text.subarray(r[s] as number, r[e] as number).toString('utf8');
    expect(mine.imports.map((r) => [r['bound_name'], r['module'], r['imported_name'], r['level']])).toEqual(
      expect.arrayContaining([
        ['annotations', '__future__', 'annotations', 0],
        ['système', 'sys', null, 0],
        ['路径', 'os.path', null, 0],
        ['xml', 'xml.dom', null, 0],
        ['sibling', null, 'sibling', 1],
        ['alpha', 'pkg.sub', 'α', 2],
        ['*', 'mod', '*', 1],
      ]),
    );
    expect(mine.imports.filter((r) => r['is_star']).map((r) => at(r))).toEqual(['*']);
    expect(mine.imports.filter((r) => r['bound_name'] === '路径').map((r) => at(r))).toEqual(['os.path as 路径']);
    const binders = new Set(mine.refs.map((r) => `${r['ctx']}:${r['binder']}`));
    for (const b of ['store:assignment', 'store:annotated_assignment', 'store:augmented_assignment', 'store:for', 'store:comprehension', 'store:with', 'store:except', 'store:walrus', 'store:match', 'del:null', 'load:null']) {
      expect(binders, b).toContain(b);
    }
    expect(mine.refs.filter((r) => r['binder'] === 'match').map((r) => r['name']).sort()).toEqual(['autres', 'couleur', 'ordonnée', 'premier', 'reste', 'valeur']);
    expect(mine.refs.filter((r) => r['binder'] === 'except').map((r) => r['name'])).toEqual(['错误']);
    const calls = new Map(mine.calls.map((r) => [at(r), r]));
    expect(calls.get('os.path.join("é", "😀")')).toMatchObject({ callee_dotted: 'os.path.join', callee_text: 'os.path.join', arg_count: 2 });
    expect(calls.get('type(obj)')).toMatchObject({ callee_dotted: 'type', arg_count: 1 });
    expect(calls.get('range(4)')).toMatchObject({ callee_dotted: 'range' });
    expect(calls.get('f(*args, **kwargs, key=1)')).toMatchObject({ arg_count: 3, positional_count: 1, keyword_count: 2 });
    const docs = new Map(mine.docstrings.map((r) => [r['def_bstart'], r['text']]));
    expect(docs.get(null)).toBe('Module docstring with café, 日本語, 🐍.');
    expect([...docs.values()]).toEqual(
      expect.arrayContaining([
        'Raw docstring with \\n kept, 😀.',
        'Docstring with \t escape, A, A, é, 😀, \\q and a joined line.',
        'Parenthesised concatenated docstring',
        null,
      ]),
    );
    expect(mine.docstrings).toHaveLength(6);
    const decorators = mine.decorators.map((r) => [r['position'], r['text'], r['dotted'], r['is_call']]);
    expect(decorators).toEqual([
      [0, 'functools.lru_cache(maxsize=None)', 'functools.lru_cache', true],
      [1, 'staticmethod', 'staticmethod', false],
      [2, 'lambda f: f', null, false],
    ]);
  });

  it('agrees on ~40 files of the installed standard library', async () => {
    const candidates = everyNth(pythonFiles(stdlibDir()), 40);
    const reference = cpythonEvidence(candidates);
    const totals: Record<string, number> = {};
    let compared = 0;
    for (const path of candidates) {
      const expected = reference[path]!;
      if ('error' in expected) continue;
      const bytes = readFileSync(path);
      const mine = ours(bytes, detectEncoding(bytes.subarray(0, 65536)).encoding);
      if (mine.errors.length > 0) continue;
      for (const d of DATASETS) {
        const [a, b] = sides(d, mine, expected);
        expect(a, `${path} ${d}`).toEqual(b);
        totals[d] = (totals[d] ?? 0) + b.length;
      }
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(35);
    expect(totals).toMatchObject({
      refs: expect.any(Number),
      calls: expect.any(Number),
      imports: expect.any(Number),
    });
    expect(totals['refs']).toBeGreaterThan(5000);
    expect(totals['calls']).toBeGreaterThan(1000);
    expect(totals['imports']).toBeGreaterThan(100);
    expect(totals['params']).toBeGreaterThan(500);
  });
});
