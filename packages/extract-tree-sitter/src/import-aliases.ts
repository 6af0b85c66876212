import type { Node } from 'web-tree-sitter';
import type { PythonGrammar } from './python-grammar.js';
import { pythonIdentifier } from './python-identifier.js';
import { SyntaxKind } from './syntax-kind.js';

/** One alias of an import statement, in UTF-16 positions of the text. */
export interface ImportAlias {
  readonly module: string | null;
  readonly importedName: string | null;
  readonly boundName: string;
  readonly level: number;
  readonly isStar: boolean;
  readonly start: number;
  readonly end: number;
}

/** `a . b` reads as `a.b`: the identifiers joined, each NFKC-normalised; null when error recovery left none. */
function dotted(node: Node, grammar: PythonGrammar, text: string): { name: string; first: string } | null {
  const parts: string[] = [];
  for (const child of node.namedChildren) {
    if (grammar.kinds[child.typeId] === SyntaxKind.identifier && !child.isMissing && child.endIndex > child.startIndex) {
      parts.push(pythonIdentifier(text, child.startIndex, child.endIndex));
    }
  }
  return parts.length === 0 ? null : { name: parts.join('.'), first: parts[0] as string };
}

/**
 * The aliases an import statement binds, as CPython's `ast.alias` lists
 * them: `import a.b as c` binds `c` to module `a.b`; `import a.b` binds `a`;
 * `from ..m import x as y` binds `y` to `x` of module `m` at level 2; a star
 * binds `*`. `from __future__ import …` is a from-import of `__future__`.
 * Aliases that error recovery left without a name are skipped.
 *
 * @example
 * readImportAliases(cursor.currentNode, grammar, text);
 */
export function readImportAliases(statement: Node, grammar: PythonGrammar, text: string): ImportAlias[] {
  const { kinds, fields } = grammar;
  const kind = kinds[statement.typeId];
  const out: ImportAlias[] = [];
  if (kind === SyntaxKind.import_statement) {
    for (const name of statement.childrenForFieldId(fields.name)) {
      const aliased = kinds[name.typeId] === SyntaxKind.aliased_import;
      const target = aliased ? name.childForFieldId(fields.name) : name;
      const module = target === null ? null : dotted(target, grammar, text);
      if (module === null) continue;
      const alias = aliased ? name.childForFieldId(fields.alias) : null;
      const bound = alias === null || alias.isMissing ? module.first : pythonIdentifier(text, alias.startIndex, alias.endIndex);
      out.push({ module: module.name, importedName: null, boundName: bound, level: 0, isStar: false, start: name.startIndex, end: name.endIndex });
    }
    return out;
  }

  let module: string | null = '__future__';
  let level = 0;
  if (kind === SyntaxKind.import_from_statement) {
    const source = statement.childForFieldId(fields.module_name);
    if (source === null) return out;
    if (kinds[source.typeId] === SyntaxKind.relative_import) {
      module = null;
      for (const part of source.namedChildren) {
        const partKind = kinds[part.typeId];
        if (partKind === SyntaxKind.import_prefix) level = (text.slice(part.startIndex, part.endIndex).match(/\./g) ?? []).length;
        else if (partKind === SyntaxKind.dotted_name) module = dotted(part, grammar, text)?.name ?? null;
      }
    } else {
      module = dotted(source, grammar, text)?.name ?? null;
      if (module === null) return out;
    }
  }
  for (const child of statement.namedChildren) {
    if (kinds[child.typeId] === SyntaxKind.wildcard_import) {
      out.push({ module, importedName: '*', boundName: '*', level, isStar: true, start: child.startIndex, end: child.endIndex });
    }
  }
  for (const name of statement.childrenForFieldId(fields.name)) {
    const aliased = kinds[name.typeId] === SyntaxKind.aliased_import;
    const target = aliased ? name.childForFieldId(fields.name) : name;
    const imported = target === null ? null : dotted(target, grammar, text);
    if (imported === null) continue;
    const alias = aliased ? name.childForFieldId(fields.alias) : null;
    const bound = alias === null || alias.isMissing ? imported.name : pythonIdentifier(text, alias.startIndex, alias.endIndex);
    out.push({ module, importedName: imported.name, boundName: bound, level, isStar: false, start: name.startIndex, end: name.endIndex });
  }
  return out;
}
