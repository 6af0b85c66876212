import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import type { ColumnBatch, DatasetSchema } from '@anatomy/schema-authority';
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

/** Every dataset the tree-sitter extractor produces. */
export const treeSitterDatasets: readonly DatasetSchema[] = Object.freeze([tsDefsDataset, tsErrorsDataset]);

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
