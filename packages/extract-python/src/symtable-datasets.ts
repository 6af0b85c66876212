import { defineDataset } from '@anatomy/schema-authority';
import type { ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import { fileIdColumn } from './position-columns.js';

/** Symbol tables (blocks) of CPython's `symtable`, nested as the compiler nests them. */
export const pyScopesDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_scopes',
  producer: 'extract-python',
  version: 3,
  description: "One row per symbol table of CPython's symtable: module, class, function, lambda, comprehension and annotation/type scopes.",
  spanUnit: 'utf8-bytes',
  key: ['scope_id'],
  columns: [
    { name: 'scope_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the scope' },
    fileIdColumn(),
    { name: 'parent_scope_id', type: 'utf8', nullable: true, role: 'parent-identity', description: 'enclosing scope; NULL for the module' },
    {
      name: 'scope_type',
      type: 'utf8',
      nullable: false,
      role: 'kind',
      description: "SymbolTable.get_type() in lower case: 'module', 'class', 'function', and from 3.12 'annotation', 'type alias', 'type parameters', 'type variable'",
    },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: "SymbolTable.get_name(): the identifier, 'top' for the module, 'lambda', 'listcomp', 'genexpr', …" },
    { name: 'qualname', type: 'utf8', nullable: false, role: 'attribute', description: "__qualname__ style path of the block ('C.m.<locals>.f', 'f.<locals>.<lambda>'); '' for the module" },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: 'SymbolTable.get_lineno(): 1-based line of the block (0 for the module)' },
    { name: 'is_nested', type: 'bool', nullable: false, role: 'attribute', description: 'SymbolTable.is_nested()' },
    { name: 'is_optimized', type: 'bool', nullable: false, role: 'attribute', description: 'SymbolTable.is_optimized(): locals live in fast slots' },
    // symtable has lines only; the worker finds the ast node that opens the
    // block by (name, line) and leaves the span NULL when none or several match.
    // The module block spans its whole file.
    {
      name: 'bstart',
      type: 'int64',
      nullable: true,
      role: 'span-start',
      description: 'byte offset of the def, class, lambda or comprehension opening a function or class scope; 0 for the module (its whole file); NULL when ambiguous',
    },
    { name: 'bend', type: 'int64', nullable: true, role: 'span-end', description: 'byte offset just past that node; the size of the file for the module' },
  ],
});

/**
 * The flags of `symtable.Symbol`, one boolean column each, named as the
 * methods are. CPython 3.8 through 3.13 have all of them.
 */
export const SYMTABLE_SYMBOL_FLAGS = Object.freeze([
  'is_parameter',
  'is_local',
  'is_global',
  'is_declared_global',
  'is_nonlocal',
  'is_free',
  'is_imported',
  'is_assigned',
  'is_referenced',
  'is_annotated',
  'is_namespace',
] as const);

const flagColumns: ColumnSpec[] = SYMTABLE_SYMBOL_FLAGS.map((flag) => ({
  name: flag,
  type: 'bool',
  nullable: false,
  role: 'attribute',
  description: `Symbol.${flag}()`,
}));

/** The symbols of every scope with all their symtable flags. */
export const pySymbolsDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_symbols',
  producer: 'extract-python',
  version: 2,
  description: 'One row per symbol of a symbol table, with every flag CPython records for it. Symtable gives no positions.',
  spanUnit: 'none',
  key: ['symbol_id'],
  columns: [
    { name: 'symbol_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the symbol in its scope' },
    fileIdColumn(),
    { name: 'scope_id', type: 'utf8', nullable: false, role: 'parent-identity', description: 'the scope in py_scopes' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'Symbol.get_name() (private names as written, unmangled)' },
    ...flagColumns,
  ],
});

/** What `from <module> import *` binds from each module: Python's rule, applied by the worker. */
export const pyStarExportsDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_star_exports',
  producer: 'extract-python',
  version: 1,
  description:
    "One row per name a star import of the module binds: the strings of a literal __all__ at its top (=, += or annotated), else every name its module block binds (symtable's local symbols) that does not start with '_'.",
  spanUnit: 'none',
  key: ['export_id'],
  columns: [
    { name: 'export_id', type: 'utf8', nullable: false, role: 'entity-identity', description: "stableId('py_export', file_id, name)" },
    fileIdColumn(),
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'the exported name' },
    { name: 'source', type: 'utf8', nullable: false, role: 'attribute', description: "'__all__' when listed there, 'public' when taken from the names the module binds" },
  ],
});

/** The symtable evidence tables. */
export const pythonSymtableDatasets: readonly DatasetSchema[] = Object.freeze([pyScopesDataset, pySymbolsDataset, pyStarExportsDataset]);
