import { defineDataset } from '@anatomy/schema-authority';
import type { ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import { fileIdColumn } from './position-columns.js';

/** Symbol tables (blocks) of CPython's `symtable`, nested as the compiler nests them. */
export const pyScopesDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_scopes',
  producer: 'extract-python',
  version: 1,
  description: "One row per symbol table of CPython's symtable: module, class, function, lambda, comprehension and annotation/type scopes.",
  spanUnit: 'line-col',
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
    { name: 'qualname', type: 'utf8', nullable: false, role: 'attribute', description: "dotted names of the enclosing scopes, module excluded ('C.m.<locals>.f' style)" },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: 'SymbolTable.get_lineno(): 1-based line of the block (0 for the module)' },
    { name: 'is_nested', type: 'bool', nullable: false, role: 'attribute', description: 'SymbolTable.is_nested()' },
    { name: 'is_optimized', type: 'bool', nullable: false, role: 'attribute', description: 'SymbolTable.is_optimized(): locals live in fast slots' },
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
  version: 1,
  description: 'One row per symbol of a symbol table, with every flag CPython records for it. Symtable gives no positions.',
  spanUnit: 'none',
  columns: [
    { name: 'symbol_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the symbol in its scope' },
    fileIdColumn(),
    { name: 'scope_id', type: 'utf8', nullable: false, role: 'parent-identity', description: 'the scope in py_scopes' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'Symbol.get_name() (private names as written, unmangled)' },
    ...flagColumns,
  ],
});

/** The symtable evidence tables. */
export const pythonSymtableDatasets: readonly DatasetSchema[] = Object.freeze([pyScopesDataset, pySymbolsDataset]);
