import { readFileSync } from 'node:fs';
import { detectEncoding, fileIdForPath } from '@anatomy/repo-scan';
import type { CellValue } from '@anatomy/schema-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyNth, pythonFiles, rowsOf, stdlibDir } from './cpython-reference.test-support.js';
import { TreeSitterExtractor } from './tree-sitter-extractor.js';

const SYNTAX_DATASETS = ['params', 'refs', 'attributes', 'imports', 'calls', 'decorators', 'docstrings'].map((d) => `evidence.ts_${d}`);

let extractor: TreeSitterExtractor;
beforeAll(async () => {
  extractor = await TreeSitterExtractor.init();
});
afterAll(() => extractor.dispose());

function evidence(source: string, datasets: readonly string[] = SYNTAX_DATASETS): Record<string, Record<string, CellValue>[]> {
  const batches = extractor.extractDatasets(Buffer.from(source), fileIdForPath('t.py'), 'utf-8', new Set(datasets));
  return Object.fromEntries(batches.map((b) => [b.dataset.slice('evidence.ts_'.length), rowsOf(b)]));
}

const refsOf = (source: string): string[] => evidence(source, ['evidence.ts_refs'])['refs']!.map((r) => `${r['name']}:${r['ctx']}${r['binder'] === null ? '' : `:${r['binder']}`}`);

describe('references', () => {
  it('leaves out names that are not references', () => {
    const source = [
      'import a.b as c',
      'from m import x as y',
      'def f(p, *q, k=d, **r) -> R:',
      '    global g',
      '    def inner():',
      '        nonlocal p',
      '    return h(key=v).attr',
      'class K(Base, metaclass=M):',
      '    pass',
      'match s:',
      '    case P(field=cap):',
      '        pass',
      '',
    ].join('\n');
    expect(refsOf(source).sort()).toEqual(['Base:load', 'M:load', 'P:load', 'R:load', 'cap:store:match', 'd:load', 'h:load', 's:load', 'v:load']);
  });

  it('declares PEP 695 type parameters and loads their uses', () => {
    const source = 'def f[T: int, *Ts, **P](x: T) -> list[T]: pass\nclass C[U](Base[U]): pass\ntype Alias[V] = dict[str, V]\n';
    expect(refsOf(source).sort()).toEqual(
      ['Alias:store:type_alias', 'Base:load', 'T:load', 'T:load', 'U:load', 'V:load', 'dict:load', 'int:load', 'list:load', 'str:load'].sort(),
    );
  });

  it('reads a Python 3 `print >> f` and a bare `print` as loads of print', () => {
    expect(refsOf('print >> sys.stderr, "x"\nprint\n')).toEqual(['print:load', 'sys:load', 'print:load']);
  });

  it("reads f'{x:=10}' as formatting x, not as an assignment", () => {
    expect(refsOf("f'{x:=10}'\n(y := 1)\n")).toEqual(['x:load', 'y:store:walrus']);
  });

  it('repairs `type(x).attr = value`, which tree-sitter reads as a type alias', () => {
    const source = 'def g():\n    type(obj).attr[0] = value\n';
    const found = evidence(source);
    expect(found['refs']!.map((r) => `${r['name']}:${r['ctx']}`)).toEqual(['type:load', 'obj:load', 'value:load']);
    expect(found['calls']).toEqual([expect.objectContaining({ bstart: 13, bend: 22, callee_dotted: 'type', arg_count: 1, def_bstart: 0 })]);
    expect(found['attributes']).toEqual([expect.objectContaining({ attr: 'attr', ctx: 'load', bstart: 13, object_bstart: 13, object_bend: 22 })]);
  });

  it('gives every row the innermost enclosing definition, decorators belonging outside', () => {
    const source = 'x = 1\n@deco(y)\ndef f(a=b):\n    class K:\n        z = w\n';
    const byName = new Map(evidence(source, ['evidence.ts_refs'])['refs']!.map((r) => [r['name'], r['def_bstart']]));
    expect(Object.fromEntries(byName)).toEqual({ x: null, deco: null, y: null, b: 15, z: 31, w: 31 });
  });
});

describe('rows on broken input', () => {
  it('still reports what can be read around syntax errors', () => {
    const found = evidence('import os\ndef f(:\n    return os.path.join(a)\nx = = 1\nclass K:\n    """Doc."""\n');
    expect(found['imports']!.map((r) => r['bound_name'])).toEqual(['os']);
    expect(found['calls']!.map((r) => r['callee_dotted'])).toContain('os.path.join');
    expect(found['docstrings']!.map((r) => r['text'])).toContain('Doc.');
  });

  it('reports nothing, and throws nothing, for an empty file', () => {
    const found = evidence('');
    for (const rows of Object.values(found)) expect(rows).toEqual([]);
  });
});

describe('demand-driven walks', () => {
  it('yield exactly the rows of a full walk when only one dataset is demanded (subtrees are skipped)', () => {
    for (const path of everyNth(pythonFiles(stdlibDir()), 12)) {
      const bytes = readFileSync(path);
      const encoding = detectEncoding(bytes.subarray(0, 65536)).encoding;
      const all = extractor.extractDatasets(bytes, fileIdForPath('x.py'), encoding, new Set(SYNTAX_DATASETS));
      for (const batch of all) {
        const [alone] = extractor.extractDatasets(bytes, fileIdForPath('x.py'), encoding, new Set([batch.dataset]));
        expect(alone, `${path} ${batch.dataset}`).toEqual(batch);
      }
    }
  });

  it('emits only the demanded datasets', () => {
    const batches = extractor.extractDatasets(Buffer.from('import os\nos.getcwd()\n'), fileIdForPath('t.py'), 'utf-8', new Set(['evidence.ts_calls', 'evidence.other']));
    expect(batches.map((b) => [b.dataset, b.rowCount])).toEqual([['evidence.ts_calls', 1]]);
  });
});
