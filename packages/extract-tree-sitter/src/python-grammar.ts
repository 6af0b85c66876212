import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import { ExtractTreeSitterError } from './extract-tree-sitter-error.js';
import { fastCursorFactory } from './fast-cursor.js';
import type { CursorFactory } from './fast-cursor.js';
import { SYNTAX_FIELD_NAMES, SYNTAX_KIND_NAMES, SyntaxKind } from './syntax-kind.js';
import type { SyntaxFieldName } from './syntax-kind.js';

/** Node type and field ids the extractor compares against, resolved once per grammar. */
export interface PythonGrammarIds {
  readonly module: number;
  readonly functionDefinition: number;
  readonly classDefinition: number;
  readonly globalStatement: number;
  readonly identifier: number;
  readonly asyncKeyword: number;
  readonly comment: number;
  readonly lineContinuation: number;
  readonly error: number;
  readonly nameField: number;
}

/** The loaded tree-sitter-python language and what the extractor derives from it. */
export interface PythonGrammar {
  readonly language: Language;
  readonly ids: PythonGrammarIds;
  /**
   * Type ids of the nodes that can hold a definition or a `global` statement
   * somewhere below them, from the grammar's `node-types.json`; `null` when
   * that file is unavailable (then every node is walked).
   */
  readonly containers: ReadonlySet<number> | null;
  /** {@link SyntaxKind} code of every node type id (0 for types the walks do not distinguish). */
  readonly kinds: Uint8Array;
  /**
   * 1 for the type ids of named nodes: reading this table is much cheaper
   * than asking the cursor, which crosses into WebAssembly on every call.
   */
  readonly named: Uint8Array;
  /** Field ids by the grammar's field names. */
  readonly fields: Readonly<Record<SyntaxFieldName, number>>;
  /** The grammar's name of every node type id. */
  readonly typeNames: readonly string[];
  /** The grammar's name of every field id (index 0, no field, is null). */
  readonly fieldNames: readonly (string | null)[];
  /**
   * Type ids of the nodes that may hold a node of one of `targets` (grammar
   * names) at any depth, or null when `node-types.json` is unavailable.
   * Computed once per target set.
   */
  containersFor(targets: readonly string[]): ReadonlySet<number> | null;
  /** Opens the cursor the walks move over a tree of this grammar (see fastCursorFactory). */
  readonly walk: CursorFactory;
}

interface NodeTypeEntry {
  readonly type: string;
  readonly named: boolean;
  readonly fields?: Readonly<Record<string, { readonly types: readonly { readonly type: string; readonly named: boolean }[] }>>;
  readonly children?: { readonly types: readonly { readonly type: string; readonly named: boolean }[] };
  readonly subtypes?: readonly { readonly type: string; readonly named: boolean }[];
}

const require = createRequire(import.meta.url);

/**
 * The named node types that may contain one of `targets` at any depth: a
 * fixpoint over the child and field types declared in `node-types.json`,
 * with supertypes (e.g. `_compound_statement`) expanded to their subtypes.
 */
function containerTypes(entries: readonly NodeTypeEntry[], targets: ReadonlySet<string>): Set<string> {
  const subtypes = new Map<string, readonly string[]>();
  const childTypes = new Map<string, string[]>();
  for (const e of entries) {
    if (e.subtypes !== undefined) subtypes.set(e.type, e.subtypes.map((s) => s.type));
    if (!e.named) continue;
    const kids = [...Object.values(e.fields ?? {}).flatMap((f) => f.types), ...(e.children?.types ?? [])];
    childTypes.set(e.type, kids.filter((k) => k.named).map((k) => k.type));
  }
  const concrete = (type: string, out: Set<string> = new Set()): Set<string> => {
    if (out.has(type)) return out;
    out.add(type);
    for (const s of subtypes.get(type) ?? []) concrete(s, out);
    return out;
  };
  const containers = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [type, kids] of childTypes) {
      if (containers.has(type)) continue;
      if (kids.some((k) => [...concrete(k)].some((c) => targets.has(c) || containers.has(c)))) {
        containers.add(type);
        changed = true;
      }
    }
  }
  return containers;
}

async function loadNodeTypes(): Promise<readonly NodeTypeEntry[] | null> {
  try {
    return JSON.parse(await readFile(require.resolve('tree-sitter-python/src/node-types.json'), 'utf8')) as NodeTypeEntry[];
  } catch {
    return null;
  }
}

function containerIds(language: Language, entries: readonly NodeTypeEntry[], targets: readonly string[]): ReadonlySet<number> {
  const names = containerTypes(entries, new Set(targets));
  const described = new Set(entries.map((e) => e.type));
  const ids = new Set<number>();
  // One name may map to several ids (aliases), so scan the whole symbol table.
  // A visible type node-types.json does not describe (an alias such as
  // `as_pattern_target`) might hold anything: it is walked.
  for (let id = 0; id < language.nodeTypeCount; id++) {
    const name = language.nodeTypeForId(id);
    if (name === null || !language.nodeTypeIsNamed(id)) continue;
    if (names.has(name) || (language.nodeTypeIsVisible(id) && !described.has(name))) ids.add(id);
  }
  return ids;
}

/** The type id tree-sitter gives ERROR nodes, outside the grammar's own symbol range. */
const MAX_TYPE_ID = 0xffff;

/**
 * Every named type id carries the code of its name, aliases included. The
 * table spans every possible id because ERROR nodes carry the largest one.
 */
function kindTable(language: Language): Uint8Array {
  const kinds = new Uint8Array(MAX_TYPE_ID + 1);
  for (let id = 0; id < language.nodeTypeCount; id++) {
    const name = language.nodeTypeForId(id);
    if (name !== null && language.nodeTypeIsNamed(id) && Object.hasOwn(SyntaxKind, name)) kinds[id] = SyntaxKind[name as keyof typeof SyntaxKind];
  }
  const error = language.idForNodeType('ERROR', true);
  if (error !== null) kinds[error] = SyntaxKind.ERROR;
  return kinds;
}

function namedTable(language: Language, errorId: number): Uint8Array {
  const named = new Uint8Array(MAX_TYPE_ID + 1);
  for (let id = 0; id < language.nodeTypeCount; id++) if (language.nodeTypeIsNamed(id)) named[id] = 1;
  named[errorId] = 1;
  return named;
}

function requireId(value: number | null, what: string): number {
  if (value === null || value === 0) {
    throw ExtractTreeSitterError.create('GrammarUnavailable', `the Python grammar has no ${what}`, {
      hint: 'install the tree-sitter-python version this package depends on',
    });
  }
  return value;
}

/** The options object web-tree-sitter's module is started with, which it fills in with its exports (see fastCursorFactory). */
const binding = {};

async function load(): Promise<PythonGrammar> {
  let language: Language;
  try {
    await Parser.init(binding);
    language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
  } catch (error) {
    throw ExtractTreeSitterError.create('GrammarUnavailable', `cannot load tree-sitter-python: ${(error as Error).message}`, {
      cause: error,
      hint: 'check that web-tree-sitter and tree-sitter-python are installed (npm ls tree-sitter-python)',
    });
  }
  const named = (type: string): number => requireId(language.idForNodeType(type, true), `node type '${type}'`);
  const ids: PythonGrammarIds = Object.freeze({
    module: named('module'),
    functionDefinition: named('function_definition'),
    classDefinition: named('class_definition'),
    globalStatement: named('global_statement'),
    identifier: named('identifier'),
    asyncKeyword: requireId(language.idForNodeType('async', false), "keyword 'async'"),
    comment: named('comment'),
    lineContinuation: named('line_continuation'),
    error: named('ERROR'),
    nameField: requireId(language.fieldIdForName('name'), "field 'name'"),
  });
  const kinds = kindTable(language);
  for (const name of SYNTAX_KIND_NAMES) if (!kinds.includes(SyntaxKind[name])) requireId(null, `node type '${name}'`);
  const fields = Object.freeze(
    Object.fromEntries(SYNTAX_FIELD_NAMES.map((f) => [f, requireId(language.fieldIdForName(f), `field '${f}'`)])) as Record<SyntaxFieldName, number>,
  );
  const typeNames: string[] = Array.from({ length: language.nodeTypeCount }, (_, id) => language.nodeTypeForId(id) ?? `#${id}`);
  typeNames[ids.error] = 'ERROR';
  Object.freeze(typeNames);
  const fieldNames = Object.freeze(Array.from({ length: language.fieldCount + 1 }, (_, id) => (id === 0 ? null : language.fieldNameForId(id))));
  const entries = await loadNodeTypes();
  const memo = new Map<string, ReadonlySet<number>>();
  const containersFor = (targets: readonly string[]): ReadonlySet<number> | null => {
    if (entries === null) return null;
    const key = [...targets].sort().join(' ');
    let found = memo.get(key);
    if (found === undefined) {
      found = containerIds(language, entries, targets);
      memo.set(key, found);
    }
    return found;
  };
  const containers = containersFor(['function_definition', 'class_definition', 'global_statement']);
  const parser = new Parser();
  let walk: CursorFactory;
  try {
    parser.setLanguage(language);
    walk = fastCursorFactory(binding, parser);
  } finally {
    parser.delete();
  }
  return Object.freeze({ language, ids, containers, kinds, named: namedTable(language, ids.error), fields, typeNames, fieldNames, containersFor, walk });
}

let loading: Promise<PythonGrammar> | undefined;

/**
 * Initialises web-tree-sitter and loads the tree-sitter-python grammar, once
 * per process (every extractor shares the compiled language).
 *
 * @example
 * const grammar = await loadPythonGrammar();
 */
export function loadPythonGrammar(): Promise<PythonGrammar> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
