import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import type { ColumnBatch, DatasetSchema } from '@anatomy/schema-authority';
import type { RowOf } from './row-buffer.js';
import type { TsDefRow } from './ts-def-row.js';
import type { TsErrorRow } from './ts-error-row.js';

/** `evidence.ts_defs`: function, async function and class definitions. Column order is part of the contract. */
export const tsDefsDataset: DatasetSchema = defineDataset({
  name: 'evidence.ts_defs',
  producer: 'tree-sitter',
  version: 1,
  description: 'Function, async function and class definitions found by tree-sitter-python, with UTF-8 byte spans.',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'the file holding the definition' },
    { name: 'def_kind', type: 'utf8', nullable: false, role: 'kind', description: "'function', 'async_function' or 'class'" },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'the defined identifier (NFKC-normalised, as Python does)' },
    { name: 'qualname', type: 'utf8', nullable: false, role: 'attribute', description: "dotted qualified name like __qualname__, with '<locals>' inside functions" },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'byte of the def/async/class keyword (decorators excluded)' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'byte after the last token of the body' },
    { name: 'name_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'first byte of the name' },
    { name: 'name_bend', type: 'int64', nullable: false, role: 'attribute', description: 'byte after the name' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: '1-based line of bstart' },
    { name: 'col', type: 'int32', nullable: false, role: 'column', description: '0-based byte column of bstart' },
  ],
});

/** `evidence.ts_errors`: ERROR and MISSING nodes, and files that could not be decoded. */
export const tsErrorsDataset: DatasetSchema = defineDataset({
  name: 'evidence.ts_errors',
  producer: 'tree-sitter',
  version: 1,
  description: 'Syntax errors tree-sitter recovered from (ERROR and MISSING nodes) and undecodable files.',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'the file holding the error' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'first byte of the error (a MISSING token has an empty span)' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'byte after the error' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: '1-based line of bstart' },
    { name: 'col', type: 'int32', nullable: false, role: 'column', description: '0-based byte column of bstart' },
    { name: 'message', type: 'utf8', nullable: false, role: 'attribute', description: 'what tree-sitter could not parse, for people' },
  ],
});

/**
 * Texts longer than this many UTF-16 code units (callee, attribute object,
 * decorator) are left NULL rather than cut: the span always leads back to
 * the exact source, and a truncated text would look like a real one.
 */
export const MAX_TEXT_LENGTH = 1024;

const fileId = (what: string) => ({ name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: what }) as const;
const start = (what: string) => ({ name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: what }) as const;
const end = (what: string) => ({ name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: what }) as const;
const line = { name: 'line', type: 'int32', nullable: false, role: 'line', description: '1-based line of bstart' } as const;
const col = { name: 'col', type: 'int32', nullable: false, role: 'column', description: '0-based byte column of bstart' } as const;
const enclosingDef = {
  name: 'def_bstart',
  type: 'int64',
  nullable: true,
  role: 'attribute',
  description: 'bstart of the innermost definition (evidence.ts_defs) whose span holds it; NULL at module level',
} as const;

const nodeColumns = [
  {
    name: 'node_id',
    type: 'utf8',
    nullable: false,
    role: 'entity-identity',
    description: "stableId('ts-node', file_id, bstart, bend, kind, ordinal): the same node gets the same id in every build",
  },
  { name: 'parent_id', type: 'utf8', nullable: true, role: 'parent-identity', description: 'node_id of the parent node; NULL for the module' },
  fileId('the file holding the node'),
  { name: 'kind', type: 'utf8', nullable: false, role: 'kind', description: "the grammar's node type, e.g. 'call', 'identifier', '(' or 'ERROR'" },
  { name: 'field', type: 'utf8', nullable: true, role: 'attribute', description: "the field the parent holds this node in, e.g. 'function' or 'body'" },
  {
    name: 'ordinal',
    type: 'int32',
    nullable: false,
    role: 'attribute',
    description: 'how many nodes of the same kind and span come before it in the file (0 unless kinds nest with equal spans or empty nodes coincide)',
  },
  { name: 'depth', type: 'int32', nullable: false, role: 'attribute', description: 'number of ancestors (0 for the module)' },
  start('first byte of the node'),
  end('byte after the node'),
  line,
  col,
  { name: 'is_named', type: 'bool', nullable: false, role: 'attribute', description: 'a named node (false for punctuation and keywords)' },
  { name: 'is_error', type: 'bool', nullable: false, role: 'attribute', description: 'an ERROR node: text tree-sitter could not fit into the grammar' },
  { name: 'is_missing', type: 'bool', nullable: false, role: 'attribute', description: 'a MISSING node: a token tree-sitter assumed, with an empty span' },
] as const;

/** `evidence.ts_nodes`: every node of every syntax tree. Large; extracted only when demanded. */
export const tsNodesDataset: DatasetSchema = defineDataset({
  name: 'evidence.ts_nodes',
  producer: 'tree-sitter',
  version: 1,
  description: 'Every node of the tree-sitter-python syntax tree, named or not, with its parent, field and UTF-8 byte span.',
  spanUnit: 'utf8-bytes',
  key: ['node_id'],
  columns: [...nodeColumns],
});
/** One row of `evidence.ts_nodes`. */
export type TsNodeRow = RowOf<typeof nodeColumns>;

const paramColumns = [
  fileId('the file holding the parameter'),
  {
    name: 'def_bstart',
    type: 'int64',
    nullable: false,
    role: 'attribute',
    description: "bstart of the owning function (evidence.ts_defs), or of the lambda when owner_kind is 'lambda'",
  },
  { name: 'owner_kind', type: 'utf8', nullable: false, role: 'attribute', description: "'def' or 'lambda'" },
  { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'the parameter name (NFKC-normalised)' },
  {
    name: 'param_kind',
    type: 'utf8',
    nullable: false,
    role: 'kind',
    description: "'positional_only', 'positional_or_keyword', 'var_positional', 'keyword_only' or 'var_keyword'",
  },
  { name: 'position', type: 'int32', nullable: false, role: 'attribute', description: "0-based position among the owner's parameters" },
  start('first byte of the parameter name'),
  end('byte after the parameter name'),
  line,
  col,
  { name: 'has_default', type: 'bool', nullable: false, role: 'attribute', description: 'the parameter has a default value' },
  { name: 'has_annotation', type: 'bool', nullable: false, role: 'attribute', description: 'the parameter has a type annotation' },
] as const;

/** `evidence.ts_params`: parameters of functions and lambdas. */
export const tsParamsDataset: DatasetSchema = defineDataset({
  name: 'evidence.ts_params',
  producer: 'tree-sitter',
  version: 1,
  description: 'Parameters of functions and lambdas, with their kind (positional-only … var-keyword) and the span of their name.',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'bstart'],
  columns: [...paramColumns],
});
/** One row of `evidence.ts_params`. */
export type TsParamRow = RowOf<typeof paramColumns>;

const refColumns = [
  fileId('the file holding the identifier'),
  { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'the identifier (NFKC-normalised, as Python does)' },
  { name: 'ctx', type: 'utf8', nullable: false, role: 'kind', description: "'load', 'store' or 'del', as CPython's ast.Name.ctx" },
  {
    name: 'binder',
    type: 'utf8',
    nullable: true,
    role: 'attribute',
    description:
      "for a store, the construct that binds: 'assignment', 'annotated_assignment' (which binds nothing without a value), 'augmented_assignment' (which reads the name first), 'for', 'comprehension', 'with', 'except', 'walrus', 'match' or 'type_alias'",
  },
  start('first byte of the identifier'),
  end('byte after the identifier'),
  line,
  col,
  enclosingDef,
] as const;

/** `evidence.ts_refs`: identifier occurrences that load, store or delete a name. */
export const tsRefsDataset: DatasetSchema = defineDataset({
  name: 'evidence.ts_refs',
  producer: 'tree-sitter',
  version: 1,
  description:
    'Identifier occurrences with their load/store/del context. Definition names, parameters, imported names, keyword-argument names, attribute names, global/nonlocal names and type parameters are not references.',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'bstart'],
  columns: [...refColumns],
});
/** One row of `evidence.ts_refs`. */
export type TsRefRow = RowOf<typeof refColumns>;

const attributeColumns = [
  fileId('the file holding the attribute access'),
  { name: 'attr', type: 'utf8', nullable: false, role: 'name', description: 'the attribute name after the dot (NFKC-normalised)' },
  { name: 'ctx', type: 'utf8', nullable: false, role: 'kind', description: "'load', 'store' or 'del', as CPython's ast.Attribute.ctx" },
  start('first byte of the whole `obj.attr` expression'),
  end('byte after the attribute name'),
  line,
  col,
  { name: 'attr_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'first byte of the attribute name' },
  { name: 'attr_bend', type: 'int64', nullable: false, role: 'attribute', description: 'byte after the attribute name' },
  { name: 'object_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'first byte of the object expression (inside any parentheses around it)' },
  { name: 'object_bend', type: 'int64', nullable: false, role: 'attribute', description: 'byte after the object expression' },
  {
    name: 'object_text',
    type: 'utf8',
    nullable: true,
    role: 'attribute',
    description: `source text of the object expression; NULL when longer than ${MAX_TEXT_LENGTH} characters`,
  },
  { name: 'dotted', type: 'utf8', nullable: true, role: 'attribute', description: "the whole expression as a dotted name ('os.path.join') when it is a chain of names, else NULL" },
  enclosingDef,
] as const;

/** `evidence.ts_attributes`: attribute accesses `obj.attr`. */
export const tsAttributesDataset: DatasetSchema = defineDataset({
  name: 'evidence.ts_attributes',
  producer: 'tree-sitter',
  version: 1,
  description: 'Attribute accesses obj.attr with the spans of the whole expression, the name and the object, and their load/store/del context.',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'bstart', 'bend'],
  columns: [...attributeColumns],
});
/** One row of `evidence.ts_attributes`. */
export type TsAttributeRow = RowOf<typeof attributeColumns>;

const importColumns = [
  fileId('the file holding the import'),
  {
    name: 'bound_name',
    type: 'utf8',
    nullable: false,
    role: 'name',
    description: "the name the statement binds: 'a' for `import a.b`, 'c' for `import a.b as c`, 'y' for `from m import x as y`, '*' for a star import",
  },
  { name: 'module', type: 'utf8', nullable: true, role: 'attribute', description: "the dotted module ('a.b'; for `from` imports without the leading dots); NULL for `from . import x`" },
  { name: 'imported_name', type: 'utf8', nullable: true, role: 'attribute', description: "the name taken from the module in a `from` import ('*' for a star); NULL for `import a.b`" },
  { name: 'level', type: 'int32', nullable: false, role: 'attribute', description: 'number of leading dots of a relative import (0 when absolute)' },
  { name: 'is_star', type: 'bool', nullable: false, role: 'attribute', description: 'a `from m import *`' },
  start('first byte of the alias (`a.b as c` whole; the `*` of a star import), as ast.alias positions it'),
  end('byte after the alias'),
  line,
  col,
  { name: 'stmt_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'first byte of the import statement' },
  { name: 'stmt_bend', type: 'int64', nullable: false, role: 'attribute', description: 'byte after the import statement' },
  enclosingDef,
] as const;

/** `evidence.ts_imports`: one row per imported alias. */
export const tsImportsDataset: DatasetSchema = defineDataset({
  name: 'evidence.ts_imports',
  producer: 'tree-sitter',
  version: 1,
  description: 'Imported aliases: one row per name an import statement binds, with its module, level and alias span.',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'bstart'],
  columns: [...importColumns],
});
/** One row of `evidence.ts_imports`. */
export type TsImportRow = RowOf<typeof importColumns>;

const callColumns = [
  fileId('the file holding the call'),
  start('first byte of the call expression (the start of the callee)'),
  end('byte after the closing parenthesis'),
  line,
  col,
  { name: 'callee_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'first byte of the callee (inside any parentheses around it)' },
  { name: 'callee_bend', type: 'int64', nullable: false, role: 'attribute', description: 'byte after the callee' },
  { name: 'callee_text', type: 'utf8', nullable: true, role: 'name', description: `source text of the callee; NULL when longer than ${MAX_TEXT_LENGTH} characters` },
  { name: 'callee_dotted', type: 'utf8', nullable: true, role: 'attribute', description: "the callee as a dotted name ('os.path.join') when it is a chain of names, else NULL" },
  { name: 'arg_count', type: 'int32', nullable: false, role: 'attribute', description: 'number of arguments, starred and double-starred included' },
  { name: 'positional_count', type: 'int32', nullable: false, role: 'attribute', description: 'positional arguments (ast.Call.args), *args and a bare generator included' },
  { name: 'keyword_count', type: 'int32', nullable: false, role: 'attribute', description: 'keyword arguments (ast.Call.keywords), **kwargs included' },
  enclosingDef,
] as const;

/** `evidence.ts_calls`: call expressions. */
export const tsCallsDataset: DatasetSchema = defineDataset({
  name: 'evidence.ts_calls',
  producer: 'tree-sitter',
  version: 1,
  description: 'Call expressions with the spans of the call and its callee, the callee text, its dotted name and argument counts.',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'bstart', 'bend'],
  columns: [...callColumns],
});
/** One row of `evidence.ts_calls`. */
export type TsCallRow = RowOf<typeof callColumns>;

const decoratorColumns = [
  fileId('the file holding the decorator'),
  { name: 'def_bstart', type: 'int64', nullable: false, role: 'attribute', description: 'bstart of the decorated definition (evidence.ts_defs)' },
  { name: 'position', type: 'int32', nullable: false, role: 'attribute', description: '0-based position in the decorator list, top first' },
  start("first byte of the decorator expression (after the '@')"),
  end('byte after the decorator expression'),
  line,
  col,
  { name: 'text', type: 'utf8', nullable: true, role: 'name', description: `source text of the expression; NULL when longer than ${MAX_TEXT_LENGTH} characters` },
  {
    name: 'dotted',
    type: 'utf8',
    nullable: true,
    role: 'attribute',
    description: "the decorator as a dotted name, or its callee's when it is a call ('functools.lru_cache' for `@functools.lru_cache(maxsize=None)`); else NULL",
  },
  { name: 'is_call', type: 'bool', nullable: false, role: 'attribute', description: 'the decorator expression is a call' },
] as const;

/** `evidence.ts_decorators`: decorators of functions and classes. */
export const tsDecoratorsDataset: DatasetSchema = defineDataset({
  name: 'evidence.ts_decorators',
  producer: 'tree-sitter',
  version: 1,
  description: 'Decorators of functions and classes, in order, with the span and text of each expression.',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'bstart'],
  columns: [...decoratorColumns],
});
/** One row of `evidence.ts_decorators`. */
export type TsDecoratorRow = RowOf<typeof decoratorColumns>;

const docstringColumns = [
  fileId('the file holding the docstring'),
  { name: 'def_bstart', type: 'int64', nullable: true, role: 'attribute', description: 'bstart of the documented definition (evidence.ts_defs); NULL for the module docstring' },
  start('first byte of the string literal (its prefix or opening quote)'),
  end('byte after the closing quote'),
  line,
  col,
  {
    name: 'text',
    type: 'utf8',
    nullable: true,
    role: 'attribute',
    description: "the docstring's value as ast.get_docstring(clean=False) gives it; NULL when it uses a \\N{name} escape",
  },
] as const;

/** `evidence.ts_docstrings`: docstrings of the module, classes and functions. */
export const tsDocstringsDataset: DatasetSchema = defineDataset({
  name: 'evidence.ts_docstrings',
  producer: 'tree-sitter',
  version: 1,
  description: 'Docstrings of modules, classes and functions: the span of the string literal and its value.',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'bstart'],
  columns: [...docstringColumns],
});
/** One row of `evidence.ts_docstrings`. */
export type TsDocstringRow = RowOf<typeof docstringColumns>;

/** Every dataset the tree-sitter extractor produces. */
export const treeSitterDatasets: readonly DatasetSchema[] = Object.freeze([
  tsDefsDataset,
  tsErrorsDataset,
  tsNodesDataset,
  tsParamsDataset,
  tsRefsDataset,
  tsAttributesDataset,
  tsImportsDataset,
  tsCallsDataset,
  tsDecoratorsDataset,
  tsDocstringsDataset,
]);

/**
 * The `evidence.ts_defs` batch of definition rows.
 *
 * @example
 * await store.ingest(tsDefsDataset, defsBatch(evidence.defs));
 */
export function defsBatch(rows: readonly TsDefRow[]): ColumnBatch {
  return columnBatch(tsDefsDataset, {
    file_id: rows.map((r) => r.file_id),
    def_kind: rows.map((r) => r.def_kind),
    name: rows.map((r) => r.name),
    qualname: rows.map((r) => r.qualname),
    bstart: rows.map((r) => r.bstart),
    bend: rows.map((r) => r.bend),
    name_bstart: rows.map((r) => r.name_bstart),
    name_bend: rows.map((r) => r.name_bend),
    line: rows.map((r) => r.line),
    col: rows.map((r) => r.col),
  });
}

/**
 * The `evidence.ts_errors` batch of error rows.
 *
 * @example
 * await store.ingest(tsErrorsDataset, errorsBatch(evidence.errors));
 */
export function errorsBatch(rows: readonly TsErrorRow[]): ColumnBatch {
  return columnBatch(tsErrorsDataset, {
    file_id: rows.map((r) => r.file_id),
    bstart: rows.map((r) => r.bstart),
    bend: rows.map((r) => r.bend),
    line: rows.map((r) => r.line),
    col: rows.map((r) => r.col),
    message: rows.map((r) => r.message),
  });
}
