import type { ColumnSpec } from '@anatomy/schema-authority';

/** The file a row belongs to. */
export function fileIdColumn(nullableBecause?: string): ColumnSpec {
  return {
    name: 'file_id',
    type: 'utf8',
    nullable: nullableBecause !== undefined,
    role: 'file-identity',
    description: `stable id of the scanned file (repo-scan) the document's relative_path names${nullableBecause === undefined ? '' : `; NULL ${nullableBecause}`}`,
  };
}

/**
 * A SCIP range as the index stores it — 0-based lines and characters counted
 * in the document's position encoding (UTF-8, UTF-16 or UTF-32 code units) —
 * plus the half-open byte span it denotes in the scanned file. The extractor
 * converts once, against the file's text; the span is NULL when the range
 * does not fit the file (an index older than the file). The line/character
 * columns keep the 'attribute' role: they are 0-based, unlike the 1-based
 * lines the 'line' role stands for.
 */
export function scipRangeColumns(prefix: '' | 'enclosing_', what: string, nullable: boolean): ColumnSpec[] {
  const spanRole = prefix === '' ? { start: 'span-start', end: 'span-end' } as const : { start: 'attribute', end: 'attribute' } as const;
  return [
    { name: `${prefix}start_line`, type: 'int32', nullable, role: 'attribute', description: `0-based line where ${what} starts` },
    { name: `${prefix}start_char`, type: 'int32', nullable, role: 'attribute', description: `0-based character where ${what} starts, in the document's position encoding` },
    { name: `${prefix}end_line`, type: 'int32', nullable, role: 'attribute', description: `0-based line where ${what} ends` },
    { name: `${prefix}end_char`, type: 'int32', nullable, role: 'attribute', description: `0-based character just past ${what}, in the document's position encoding` },
    { name: `${prefix}bstart`, type: 'int64', nullable: true, role: spanRole.start, description: `byte offset in the file of the first byte of ${what}` },
    { name: `${prefix}bend`, type: 'int64', nullable: true, role: spanRole.end, description: `byte offset in the file just past ${what}` },
  ];
}
