import type { FileId } from '@anatomy/contracts';
import { bytePosition } from '@anatomy/repo-scan';
import type { DecodedSource } from '@anatomy/repo-scan';
import type { Tree } from 'web-tree-sitter';
import type { WalkCursor } from './fast-cursor.js';
import type { PythonGrammar } from './python-grammar.js';
import { pythonIdentifier } from './python-identifier.js';
import type { DefKind, TsDefRow } from './ts-def-row.js';
import type { TsErrorRow } from './ts-error-row.js';

/** What one walk of a syntax tree yields. */
export interface CollectedEvidence {
  readonly defs: readonly TsDefRow[];
  readonly errors: readonly TsErrorRow[];
}

/** Where positions come from: the parsed text, its byte mapping and the file's line index. */
export interface WalkSource {
  readonly fileId: FileId;
  readonly text: string;
  readonly source: DecodedSource;
  readonly lines: Uint32Array;
}

/** A definition whose subtree the walk is inside; its row is completed when the walk leaves it. */
interface Scope {
  /** Cursor depth of the definition node. */
  readonly depth: number;
  readonly isFunction: boolean;
  /** Index of its row in `rows`, or -1 when it has no usable name. */
  row: number;
  qualname: string;
  /** Names declared `global` in this scope; they make nested definitions' qualnames unqualified. */
  globals: Set<string> | null;
}

/** A row under construction: UTF-16 positions, converted to bytes when finished. */
interface PendingDef {
  kind: DefKind;
  name: string;
  qualname: string;
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
}

const MAX_SNIPPET = 40;

/**
 * CPython's qualified-name rule (`compiler_set_qualname`): a definition nested
 * in a function gets `<parent>.<locals>.<name>`, nested in a class
 * `<parent>.<name>`, and a name declared `global` in the enclosing scope is
 * not qualified at all.
 */
function qualify(name: string, parent: Scope | undefined): string {
  if (parent === undefined || parent.globals?.has(name) === true) return name;
  return parent.isFunction ? `${parent.qualname}.<locals>.${name}` : `${parent.qualname}.${name}`;
}

/**
 * Walks a syntax tree once with a cursor (grammar.walk) and collects definitions and
 * syntax errors. The end of a definition is the end of the last token inside
 * it that is not a comment or line continuation (CPython ends a node at its
 * last real token, while tree-sitter's blocks swallow trailing comments),
 * tracked as the walk passes tokens, so no subtree is visited twice. When
 * the tree has no errors, subtrees that cannot hold a definition are skipped
 * whole (their extent is their last token's end).
 */
export function collectDefinitions(tree: Tree, grammar: PythonGrammar, input: WalkSource): CollectedEvidence {
  const { ids } = grammar;
  const { text, source, lines, fileId } = input;
  const containers = tree.rootNode.hasError ? null : grammar.containers;
  const pending: PendingDef[] = [];
  const errors: TsErrorRow[] = [];
  const scopes: Scope[] = [];
  const defs: (TsDefRow | null)[] = [];

  const position = (index: number): { bstart: number; line: number; col: number } => {
    const bstart = source.byteOffset(index);
    return { bstart, ...bytePosition(lines, bstart) };
  };

  const finish = (scope: Scope, lastEnd: number): void => {
    if (scope.row < 0) return;
    const p = pending[scope.row] as PendingDef;
    // Error recovery can leave a definition without a name; it is no usable definition.
    if (p.name === '') return;
    p.end = lastEnd;
    const { bstart, line, col } = position(p.start);
    defs[scope.row] = Object.freeze({
      file_id: fileId,
      def_kind: p.kind,
      name: p.name,
      qualname: p.qualname,
      bstart,
      bend: source.byteOffset(p.end),
      name_bstart: source.byteOffset(p.nameStart),
      name_bend: source.byteOffset(p.nameEnd),
      line,
      col,
    });
  };

  const addError = (start: number, end: number, message: string): void => {
    const { bstart, line, col } = position(start);
    errors.push(Object.freeze({ file_id: fileId, bstart, bend: source.byteOffset(end), line, col, message }));
  };

  const collectGlobals = (cursor: WalkCursor, scope: Scope | undefined): void => {
    if (scope === undefined || !cursor.gotoFirstChild()) return;
    do {
      if (cursor.nodeTypeId === ids.identifier) {
        scope.globals ??= new Set();
        scope.globals.add(pythonIdentifier(text, cursor.startIndex, cursor.endIndex));
      }
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  };

  const cursor = grammar.walk(tree);
  try {
    let depth = 0;
    let lastEnd = 0;
    let errorDepth = -1;
    for (;;) {
      while (scopes.length > 0 && (scopes[scopes.length - 1] as Scope).depth >= depth) finish(scopes.pop() as Scope, lastEnd);
      if (errorDepth >= depth) errorDepth = -1;
      const type = cursor.nodeTypeId;
      const owner = scopes[scopes.length - 1];
      let descend = true;

      if (owner !== undefined && owner.depth === depth - 1 && owner.row >= 0) {
        // A direct child of the definition being built: its name or its `async` keyword.
        const p = pending[owner.row] as PendingDef;
        if (type === ids.asyncKeyword) p.kind = 'async_function';
        else if (type === ids.identifier && cursor.currentFieldId === ids.nameField) {
          p.nameStart = cursor.startIndex;
          p.nameEnd = cursor.endIndex;
          p.name = pythonIdentifier(text, p.nameStart, p.nameEnd);
          p.qualname = qualify(p.name, scopes[scopes.length - 2]);
          owner.qualname = p.qualname;
        }
      }

      if (type === ids.functionDefinition || type === ids.classDefinition) {
        const isFunction = type === ids.functionDefinition;
        pending.push({ kind: isFunction ? 'function' : 'class', name: '', qualname: '', start: cursor.startIndex, end: 0, nameStart: 0, nameEnd: 0 });
        defs.push(null);
        scopes.push({ depth, isFunction, row: pending.length - 1, qualname: '', globals: null });
      } else if (type === ids.globalStatement) {
        collectGlobals(cursor, owner);
        descend = false;
      } else if (type === ids.error) {
        if (errorDepth < 0) {
          errorDepth = depth;
          const start = cursor.startIndex;
          const end = cursor.endIndex;
          const snippet = text.slice(start, Math.min(end, start + MAX_SNIPPET)).split(/[\r\n]/, 1)[0] ?? '';
          addError(start, end, snippet.trim() === '' ? 'syntax error' : `syntax error at ${JSON.stringify(snippet)}`);
        }
      } else if (containers !== null && !containers.has(type)) {
        descend = false;
      }
      if (cursor.nodeIsMissing) {
        addError(cursor.startIndex, cursor.endIndex, cursor.nodeIsNamed ? `missing ${cursor.nodeType}` : `missing "${cursor.nodeType}"`);
      }

      if (descend && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      if (type !== ids.comment && type !== ids.lineContinuation) {
        const end = cursor.endIndex;
        if (end > lastEnd) lastEnd = end;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          while (scopes.length > 0) finish(scopes.pop() as Scope, lastEnd);
          return Object.freeze({
            defs: Object.freeze(defs.filter((d): d is TsDefRow => d !== null)),
            errors: Object.freeze(errors),
          });
        }
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}
