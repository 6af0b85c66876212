import { stableId } from '@anatomy/contracts';
import type { FileId } from '@anatomy/contracts';
import type { Tree } from 'web-tree-sitter';
import type { PythonGrammar } from './python-grammar.js';
import type { RowBuffer } from './row-buffer.js';
import type { SourcePositions } from './source-positions.js';
import type { TsNodeRow } from './tree-sitter-datasets.js';

/** Namespace of node ids: `stableId(TS_NODE_ID_NAMESPACE, file_id, bstart, bend, kind, ordinal)`. */
export const TS_NODE_ID_NAMESPACE = 'ts-node';

/**
 * The stable id of a syntax node: the same file, span, kind and ordinal give
 * the same id in every build, and SQL recomputes it with
 * `stableIdSql('ts-node', ['file_id', 'bstart', 'bend', 'kind', 'ordinal'])`.
 *
 * @example
 * tsNodeId(fileId, 0, 12, 'call', 0); // 'ts-node:…'
 */
export function tsNodeId(fileId: string, bstart: number, bend: number, kind: string, ordinal: number): string {
  return stableId(TS_NODE_ID_NAMESPACE, fileId, bstart, bend, kind, ordinal);
}

/**
 * Writes one row per node of the tree, named or not, in preorder. A node's
 * `ordinal` counts the nodes of the same kind and span before it, which
 * makes (file, span, kind, ordinal) unique: two non-empty nodes with the
 * same span are nested, so the earlier ones are the chain of ancestors just
 * above with that span; empty nodes (MISSING tokens) are counted by offset.
 *
 * @example
 * collectNodes(tree, grammar, { fileId, positions }, new RowBuffer(tsNodesDataset));
 */
export function collectNodes(tree: Tree, grammar: PythonGrammar, input: { readonly fileId: FileId; readonly positions: SourcePositions }, sink: RowBuffer<TsNodeRow>): void {
  const { fileId, positions: at } = input;
  const { typeNames, fieldNames, named } = grammar;
  const errorId = grammar.ids.error;
  const ids: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const kinds: string[] = [];
  const empty = new Map<string, number>();
  const cursor = grammar.walk(tree);
  try {
    let depth = 0;
    for (;;) {
      const typeId = cursor.nodeTypeId;
      const kind = typeNames[typeId] ?? cursor.nodeType;
      const bstart = at.byte(cursor.startIndex);
      const bend = at.byte(cursor.endIndex);
      let ordinal = 0;
      if (bend === bstart) {
        const key = `${bstart}\u0000${kind}`;
        ordinal = empty.get(key) ?? 0;
        empty.set(key, ordinal + 1);
      } else {
        for (let d = depth - 1; d >= 0 && starts[d] === bstart && ends[d] === bend; d--) if (kinds[d] === kind) ordinal++;
      }
      const id = tsNodeId(fileId, bstart, bend, kind, ordinal);
      sink.append({
        node_id: id,
        parent_id: depth === 0 ? null : (ids[depth - 1] as string),
        file_id: fileId,
        kind,
        field: fieldNames[cursor.currentFieldId] ?? null,
        ordinal,
        depth,
        bstart,
        bend,
        line: at.line(bstart),
        col: at.col(bstart),
        is_named: named[typeId] === 1,
        is_error: typeId === errorId,
        // Only an empty node can be MISSING; asking the cursor crosses into WebAssembly.
        is_missing: bend === bstart && cursor.nodeIsMissing,
      });
      ids[depth] = id;
      starts[depth] = bstart;
      ends[depth] = bend;
      kinds[depth] = kind;
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}
