import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { fileIdColumn } from './position-columns.js';

// Bytecode is specific to the CPython version that compiled it: opcodes,
// offsets and line tables differ between 3.8 and 3.13. Code objects record the
// version, and every other bytecode row belongs to a code object.

const codeIdColumn = {
  name: 'code_id',
  type: 'utf8',
  nullable: false,
  role: 'parent-identity',
  description: 'the code object in py_code_objects',
} as const;

/** Code objects: the module's and every nested one in co_consts. */
export const pyCodeObjectsDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_code_objects',
  producer: 'extract-python',
  version: 2,
  description: 'One row per code object compiled from a file, nested ones included.',
  spanUnit: 'line-col',
  key: ['code_id'],
  columns: [
    { name: 'code_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the code object' },
    fileIdColumn(),
    { name: 'parent_code_id', type: 'utf8', nullable: true, role: 'parent-identity', description: 'code object whose co_consts holds this one; NULL for the module' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: "co_name ('<module>', '<lambda>', '<listcomp>', function or class name)" },
    { name: 'qualname', type: 'utf8', nullable: true, role: 'attribute', description: 'co_qualname (3.11+)' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: 'co_firstlineno: 1-based first line' },
    { name: 'argcount', type: 'int32', nullable: false, role: 'attribute', description: 'co_argcount' },
    { name: 'posonlyargcount', type: 'int32', nullable: false, role: 'attribute', description: 'co_posonlyargcount' },
    { name: 'kwonlyargcount', type: 'int32', nullable: false, role: 'attribute', description: 'co_kwonlyargcount' },
    { name: 'nlocals', type: 'int32', nullable: false, role: 'attribute', description: 'co_nlocals' },
    { name: 'stacksize', type: 'int32', nullable: false, role: 'attribute', description: 'co_stacksize' },
    { name: 'flags', type: 'int32', nullable: false, role: 'attribute', description: 'co_flags bitmask (inspect.CO_* values)' },
    { name: 'instruction_count', type: 'int32', nullable: false, role: 'attribute', description: 'number of rows in py_instructions for this code object' },
    { name: 'python_version', type: 'utf8', nullable: false, role: 'attribute', description: "version of the python3 that compiled it, e.g. '3.11.7'" },
  ],
});

/** Bytecode instructions as `dis` shows them. */
export const pyInstructionsDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_instructions',
  producer: 'extract-python',
  version: 2,
  description: 'One row per bytecode instruction (dis.get_instructions), cache entries excluded.',
  spanUnit: 'utf8-bytes',
  key: ['code_id', 'offset'],
  columns: [
    codeIdColumn,
    fileIdColumn(),
    { name: 'offset', type: 'int32', nullable: false, role: 'attribute', description: 'byte offset of the instruction in co_code' },
    { name: 'opname', type: 'utf8', nullable: false, role: 'kind', description: 'Instruction.opname' },
    { name: 'opcode', type: 'int32', nullable: false, role: 'attribute', description: 'Instruction.opcode (version specific)' },
    { name: 'arg', type: 'int64', nullable: true, role: 'attribute', description: 'Instruction.arg; NULL when the opcode takes none' },
    { name: 'argrepr', type: 'utf8', nullable: false, role: 'attribute', description: "Instruction.argrepr ('' when there is none)" },
    { name: 'line', type: 'int32', nullable: true, role: 'line', description: '1-based source line (positions.lineno, else the last starts_line); NULL for synthetic code' },
    { name: 'col', type: 'int32', nullable: true, role: 'column', description: 'positions.col_offset, a 0-based UTF-8 byte column (3.11+)' },
    { name: 'end_line', type: 'int32', nullable: true, role: 'end-line', description: 'positions.end_lineno (3.11+)' },
    { name: 'end_col', type: 'int32', nullable: true, role: 'end-column', description: 'positions.end_col_offset (3.11+)' },
    { name: 'bstart', type: 'int64', nullable: true, role: 'span-start', description: 'byte offset in the file of the source the instruction came from (3.11+)' },
    { name: 'bend', type: 'int64', nullable: true, role: 'span-end', description: 'byte offset in the file just past that source (3.11+)' },
    {
      name: 'jump_target',
      type: 'int32',
      nullable: true,
      role: 'attribute',
      description: 'offset the instruction may jump to (its argval for opcodes in dis.hasjrel/hasjabs); NULL when it does not jump',
    },
    { name: 'is_jump_target', type: 'bool', nullable: false, role: 'attribute', description: 'Instruction.is_jump_target' },
  ],
});

/** The line table of each code object: which bytecode ranges come from which line. */
export const pyLineTableDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_line_table',
  producer: 'extract-python',
  version: 1,
  description: 'One row per (start, end, line) entry of a code object line table (co_lines, or findlinestarts before 3.10).',
  spanUnit: 'line-col',
  columns: [
    codeIdColumn,
    fileIdColumn(),
    { name: 'start_offset', type: 'int32', nullable: false, role: 'attribute', description: 'first bytecode offset of the range' },
    { name: 'end_offset', type: 'int32', nullable: false, role: 'attribute', description: 'bytecode offset just past the range' },
    { name: 'line', type: 'int32', nullable: true, role: 'line', description: '1-based source line; NULL for bytecode with no line' },
  ],
});

/** Control-flow edges between the basic blocks of each code object. */
export const pyCfgEdgesDataset: DatasetSchema = defineDataset({
  name: 'evidence.py_cfg_edges',
  producer: 'extract-python',
  version: 2,
  description: 'One row per control-flow edge between basic blocks, a block named by the offset of its first instruction.',
  spanUnit: 'none',
  key: ['code_id', 'src_offset', 'dst_offset', 'edge_kind'],
  columns: [
    codeIdColumn,
    fileIdColumn(),
    { name: 'src_offset', type: 'int32', nullable: false, role: 'attribute', description: 'first instruction offset of the block the edge leaves' },
    { name: 'dst_offset', type: 'int32', nullable: false, role: 'attribute', description: 'first instruction offset of the block the edge enters' },
    {
      name: 'edge_kind',
      type: 'utf8',
      nullable: false,
      role: 'kind',
      description: "'fallthrough', 'jump' (conditional or not) or 'exception' (to a handler from the exception table, 3.11+)",
    },
  ],
});

/** The bytecode evidence tables. */
export const pythonBytecodeDatasets: readonly DatasetSchema[] = Object.freeze([
  pyCodeObjectsDataset,
  pyInstructionsDataset,
  pyLineTableDataset,
  pyCfgEdgesDataset,
]);
