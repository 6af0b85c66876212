import type { ColumnSpec } from '@anatomy/schema-authority';

/** The file a row was extracted from. */
export function fileIdColumn(): ColumnSpec {
  return { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'stable id of the scanned file (repo-scan)' };
}

/**
 * Where CPython places something: `lineno`/`col_offset` and their `end_`
 * twins as CPython reports them (1-based lines, 0-based UTF-8 byte columns),
 * plus the half-open byte span they denote in the file. The worker computes
 * the span from its own line starts of the file's bytes, splitting lines the
 * way CPython's tokenizer does (`\n`, `\r\n`, a lone `\r`; line 1 after a
 * byte order mark), and re-encodes line prefixes of files in other encodings,
 * so `bstart`/`bend` index the file's own bytes exactly.
 * All are NULL where CPython gives no position.
 */
export function cpythonSpanColumns(what: string): ColumnSpec[] {
  return [
    { name: 'line', type: 'int32', nullable: true, role: 'line', description: `1-based line where ${what} starts (lineno)` },
    { name: 'col', type: 'int32', nullable: true, role: 'column', description: `0-based UTF-8 byte column where ${what} starts (col_offset)` },
    { name: 'end_line', type: 'int32', nullable: true, role: 'end-line', description: `1-based line where ${what} ends (end_lineno)` },
    { name: 'end_col', type: 'int32', nullable: true, role: 'end-column', description: `0-based UTF-8 byte column just past ${what} (end_col_offset)` },
    { name: 'bstart', type: 'int64', nullable: true, role: 'span-start', description: `byte offset in the file of the first byte of ${what}` },
    { name: 'bend', type: 'int64', nullable: true, role: 'span-end', description: `byte offset in the file just past ${what}` },
  ];
}
