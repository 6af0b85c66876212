import type { Node } from 'web-tree-sitter';
import type { PythonGrammar } from './python-grammar.js';
import { SyntaxKind } from './syntax-kind.js';

/** How a parameter may be passed, as `inspect.Parameter.kind` names it. */
export type ParamKind = 'positional_only' | 'positional_or_keyword' | 'var_positional' | 'keyword_only' | 'var_keyword';

/** One parameter of a `parameters` or `lambda_parameters` node, in UTF-16 positions of the text. */
export interface ParameterEntry {
  /** The name identifier. */
  readonly start: number;
  readonly end: number;
  kind: ParamKind;
  readonly hasDefault: boolean;
  readonly hasAnnotation: boolean;
}

/** Identifier nodes at or below `node`, in source order (Python 2 tuple parameters hold several). */
function identifiersIn(node: Node, grammar: PythonGrammar, out: Node[] = []): Node[] {
  if (grammar.kinds[node.typeId] === SyntaxKind.identifier) {
    if (!node.isMissing && node.endIndex > node.startIndex) out.push(node);
    return out;
  }
  for (const child of node.namedChildren) identifiersIn(child, grammar, out);
  return out;
}

/**
 * Reads the parameters of a function or lambda in order, with their kind:
 * names before a `/` are positional-only, names after `*` or `*args`
 * keyword-only, `*args` var-positional and `**kwargs` var-keyword. The node
 * API is used here (a parameter list is small) rather than the cursor the
 * walks use.
 *
 * @example
 * readParameters(cursor.currentNode, grammar); // [{ start: 6, end: 7, kind: 'positional_only', … }, …]
 */
export function readParameters(list: Node, grammar: PythonGrammar): ParameterEntry[] {
  const { kinds, fields } = grammar;
  const out: ParameterEntry[] = [];
  let next: ParamKind = 'positional_or_keyword';
  const add = (name: Node | null | undefined, kind: ParamKind, hasDefault: boolean, hasAnnotation: boolean): void => {
    if (name === null || name === undefined) return;
    for (const id of identifiersIn(name, grammar)) out.push({ start: id.startIndex, end: id.endIndex, kind, hasDefault, hasAnnotation });
  };
  /** `*args` or `**kwargs`, bare or annotated: its identifier and kind. */
  const splat = (node: Node, hasAnnotation: boolean): boolean => {
    const kind = kinds[node.typeId];
    if (kind === SyntaxKind.list_splat_pattern) {
      add(node.namedChildren[0], 'var_positional', false, hasAnnotation);
      next = 'keyword_only';
      return true;
    }
    if (kind === SyntaxKind.dictionary_splat_pattern) {
      add(node.namedChildren[0], 'var_keyword', false, hasAnnotation);
      return true;
    }
    return false;
  };
  for (const child of list.namedChildren) {
    switch (kinds[child.typeId]) {
      case SyntaxKind.identifier:
      case SyntaxKind.tuple_pattern:
        add(child, next, false, false);
        break;
      case SyntaxKind.default_parameter:
        add(child.childForFieldId(fields.name), next, true, false);
        break;
      case SyntaxKind.typed_default_parameter:
        add(child.childForFieldId(fields.name), next, true, true);
        break;
      case SyntaxKind.typed_parameter: {
        const inner = child.namedChildren[0];
        if (inner !== undefined && !splat(inner, true)) add(inner, next, false, true);
        break;
      }
      case SyntaxKind.keyword_separator:
        next = 'keyword_only';
        break;
      case SyntaxKind.positional_separator:
        for (const p of out) if (p.kind === 'positional_or_keyword') p.kind = 'positional_only';
        break;
      default:
        splat(child, false);
    }
  }
  return out;
}
