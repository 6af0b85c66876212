import { readFileSync } from 'node:fs';
import { Parser } from 'web-tree-sitter';
import type { Tree } from 'web-tree-sitter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyNth, pythonFiles, stdlibDir } from './cpython-reference.test-support.js';
import { fastCursorFactory } from './fast-cursor.js';
import type { WalkCursor } from './fast-cursor.js';
import { loadPythonGrammar } from './python-grammar.js';
import type { PythonGrammar } from './python-grammar.js';

let grammar: PythonGrammar;
let parser: Parser;
beforeAll(async () => {
  grammar = await loadPythonGrammar();
  parser = new Parser();
  parser.setLanguage(grammar.language);
});
afterAll(() => parser.delete());

/**
 * What a walk reads at every node, depth first. With `probeEvery`, every
 * that many nodes it also reads the node object (type, span, parent) and,
 * before each move, a node object again: calls that use the module's
 * transfer buffer between the cursor's own.
 */
function walkOf(cursor: WalkCursor, probeEvery = 0): string[] {
  const seen: string[] = [];
  let depth = 0;
  let visited = 0;
  const probe = (): void => {
    if (probeEvery === 0) return;
    const node = cursor.currentNode;
    if (++visited % probeEvery === 0) seen.push(`node ${node.type} ${node.startIndex}-${node.endIndex} ${node.childCount} ${node.parent?.type ?? '-'}`);
  };
  try {
    for (;;) {
      seen.push(`${depth} ${cursor.nodeTypeId} ${cursor.nodeType} ${cursor.currentFieldId} ${cursor.startIndex}-${cursor.endIndex} ${cursor.nodeIsNamed} ${cursor.nodeIsMissing}`);
      probe();
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      for (;;) {
        probe();
        if (cursor.gotoNextSibling()) break;
        probe();
        if (!cursor.gotoParent()) return seen;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

function parsed(source: string): Tree {
  const tree = parser.parse(source);
  if (tree === null) throw new Error('no tree');
  return tree;
}

describe('the cursor the walks move', () => {
  it('is the fast one here, and reads what web-tree-sitter’s own cursor reads over real files, syntax errors and non-ASCII text included', () => {
    const sources = [
      ...everyNth(pythonFiles(stdlibDir()), 40).map((path) => readFileSync(path, 'utf8')),
      'def café(x, *, y=1):\n    return "😀" + x if (\n',
      'class A(B, metaclass=M):\n  @d\n  def f(self): return [z for z in self.g() if z]\n',
    ];
    expect(sources.length).toBeGreaterThan(40);
    for (const source of sources) {
      const tree = parsed(source);
      try {
        const fast = grammar.walk(tree);
        expect(fast).not.toBe(null);
        expect(fast.constructor.name).toBe('FastCursor');
        expect(walkOf(fast)).toEqual(walkOf(tree.walk()));
      } finally {
        tree.delete();
      }
    }
  });

  it('keeps its place when node objects are read between its moves', () => {
    const source = readFileSync(everyNth(pythonFiles(stdlibDir()), 7)[3] as string, 'utf8');
    const tree = parsed(source);
    try {
      const fast = walkOf(grammar.walk(tree), 3);
      expect(fast.filter((line) => line.startsWith('node ')).length).toBeGreaterThan(10);
      expect(fast).toEqual(walkOf(tree.walk(), 3));
    } finally {
      tree.delete();
    }
  });

  it('falls back to web-tree-sitter’s cursor when the module was not started with the given object', () => {
    const walk = fastCursorFactory({}, parser);
    const tree = parsed('x = 1\n');
    try {
      const cursor = walk(tree);
      expect(cursor.constructor.name).toBe('TreeCursor');
      expect(walkOf(cursor)).toEqual(walkOf(tree.walk()));
    } finally {
      tree.delete();
    }
  });
});
