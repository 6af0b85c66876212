import { readFileSync } from 'node:fs';
import { detectEncoding, fileIdForPath } from '@anatomy/repo-scan';
import type { CellValue } from '@anatomy/schema-authority';
import { Parser } from 'web-tree-sitter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsNodeId } from './collect-nodes.js';
import { everyNth, pythonFiles, rowsOf, stdlibDir } from './cpython-reference.test-support.js';
import { loadPythonGrammar } from './python-grammar.js';
import { TreeSitterExtractor } from './tree-sitter-extractor.js';

let extractor: TreeSitterExtractor;
beforeAll(async () => {
  extractor = await TreeSitterExtractor.init();
});
afterAll(() => extractor.dispose());

function nodes(bytes: Uint8Array, encoding = 'utf-8'): Record<string, CellValue>[] {
  const [batch] = extractor.extractDatasets(bytes, fileIdForPath('n.py'), encoding, new Set(['evidence.ts_nodes']));
  return rowsOf(batch!);
}

describe('evidence.ts_nodes', () => {
  it('has one row per node of the tree, in preorder, each with its parent, field and byte span', async () => {
    const source = Buffer.from('def café(x):\n    return "😀" + x\n');
    const rows = nodes(source);
    const grammar = await loadPythonGrammar();
    const parser = new Parser();
    parser.setLanguage(grammar.language);
    const tree = parser.parse(source.toString('utf8'))!;
    expect(rows).toHaveLength(tree.rootNode.descendantCount);
    tree.delete();
    parser.delete();

    const byId = new Map(rows.map((r) => [r['node_id'], r]));
    expect(byId.size).toBe(rows.length);
    expect(rows[0]).toMatchObject({ kind: 'module', parent_id: null, depth: 0, bstart: 0, bend: source.length, field: null });
    for (const r of rows.slice(1)) {
      const parent = byId.get(r['parent_id'])!;
      expect(parent['depth']).toBe((r['depth'] as number) - 1);
      expect(r['bstart']).toBeGreaterThanOrEqual(parent['bstart'] as number);
      expect(r['bend']).toBeLessThanOrEqual(parent['bend'] as number);
      expect(r['node_id']).toBe(tsNodeId(r['file_id'] as string, r['bstart'] as number, r['bend'] as number, r['kind'] as string, r['ordinal'] as number));
    }
    const text = (r: Record<string, CellValue>): string => source.subarray(r['bstart'] as number, r['bend'] as number).toString('utf8');
    expect(rows.filter((r) => r['kind'] === 'identifier').map(text)).toEqual(['café', 'x', 'x']);
    expect(rows.find((r) => r['kind'] === 'string')).toMatchObject({ line: 2, col: 11, is_named: true, field: 'left' });
    expect(rows.find((r) => r['kind'] === '(')).toMatchObject({ is_named: false, bstart: 9, bend: 10 });
    expect(rows.find((r) => r['field'] === 'name')).toMatchObject({ kind: 'identifier', bstart: 4, bend: 9 });
  });

  it('tells nodes of one kind and span apart by ordinal, and flags ERROR and MISSING nodes', () => {
    // A bare `yield` is a named `yield` node holding a `yield` keyword with the same span.
    const rows = nodes(Buffer.from('def g():\n    yield\n'));
    expect(rows.filter((r) => r['kind'] === 'yield').map((r) => [r['is_named'], r['ordinal']])).toEqual([
      [true, 0],
      [false, 1],
    ]);
    const broken = nodes(Buffer.from('def f(:\n  pass\nx = = 1\n'));
    expect(broken.filter((r) => r['is_missing']).map((r) => [r['kind'], r['bstart'], r['bend']])).toEqual([[')', 6, 6]]);
    expect(broken.some((r) => r['is_error'] && r['kind'] === 'ERROR')).toBe(true);
  });

  it('gives every node of real files a unique id that the next extraction reproduces', async () => {
    const other = await TreeSitterExtractor.init();
    try {
      for (const path of everyNth(pythonFiles(stdlibDir()), 6)) {
        const bytes = readFileSync(path);
        const encoding = detectEncoding(bytes.subarray(0, 65536)).encoding;
        const rows = nodes(bytes, encoding);
        expect(new Set(rows.map((r) => r['node_id'])).size, path).toBe(rows.length);
        const [again] = other.extractDatasets(bytes, fileIdForPath('n.py'), encoding, new Set(['evidence.ts_nodes']));
        expect(again!.columns['node_id'], path).toEqual(rows.map((r) => r['node_id']));
      }
    } finally {
      other.dispose();
    }
  });
});
