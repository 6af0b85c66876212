import { stableId } from '@anatomy/contracts';
import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';

/**
 * Real Python sources: nested functions, a class, a recursive function, a
 * redefinition, and a file whose lines hold multi-byte characters, so spans,
 * lines and byte columns are those a parser reports.
 */
export const SOURCES: Readonly<Record<string, string>> = {
  'pkg/mod.py': [
    'import os',
    '',
    'def outer(x):',
    '    def inner(y):',
    '        return y + x',
    '    total = inner(x)',
    '    return total',
    '',
    'class Greeter:',
    '    def hello(self):',
    '        return outer(1)',
    '',
    'def fact(n):',
    '    return fact(n - 1)',
    '',
  ].join('\n'),
  'pkg/twice.py': ['def f():', '    pass', 'def f():', '    pass', 'f()', ''].join('\n'),
  'pkg/ünï.py': ['# héllo wörld', 'def naïve(ü):', '    return ü + outer', ''].join('\n'),
};

export const fileId = (path: string): string => stableId('file', path);

/** Where the `occurrence`-th `needle` sits in a file: its byte span, 1-based line and byte column. */
export function locate(path: string, needle: string, occurrence = 0): { bstart: number; bend: number; line: number; col: number } {
  const bytes = Buffer.from(SOURCES[path] ?? '', 'utf8');
  let bstart = -1;
  for (let i = 0; i <= occurrence; i++) bstart = bytes.indexOf(needle, bstart + 1);
  if (bstart < 0) throw new Error(`${needle} not found in ${path}`);
  const before = bytes.subarray(0, bstart);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  return { bstart, bend: bstart + Buffer.byteLength(needle), line: before.toString('utf8').split('\n').length, col: bstart - lineStart };
}

/** The byte span from the start of `first` to the end of `last` (after it). */
export function spanOf(path: string, first: string, last: string, occurrence = 0): { bstart: number; bend: number; line: number; col: number } {
  const start = locate(path, first, occurrence);
  const bytes = Buffer.from(SOURCES[path] ?? '', 'utf8');
  const end = bytes.indexOf(last, start.bstart) + Buffer.byteLength(last);
  return { ...start, bend: end };
}

export const files: DatasetSchema = defineDataset({
  name: 'evidence.files',
  producer: 'repo-scan',
  version: 1,
  description: 'scanned files',
  spanUnit: 'none',
  key: ['file_id'],
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'stable file id' },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative path' },
    { name: 'size', type: 'int64', nullable: false, role: 'byte-length', description: 'bytes' },
  ],
});

export const fileRows = Object.entries(SOURCES).map(([path, text]) => ({ file_id: fileId(path), path, size: Buffer.byteLength(text) }));

/** One row per file and line, with the line's first byte: what repo-scan's line index holds. */
export const lineIndex: DatasetSchema = defineDataset({
  name: 'evidence.line_index',
  producer: 'repo-scan',
  version: 1,
  description: 'first and last byte of each line',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'line_no'],
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'line_no', type: 'int32', nullable: false, role: 'line', description: '1-based line' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'first byte of the line' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'byte after the line, before its line break' },
  ],
});

export const lineIndexRows = Object.entries(SOURCES).flatMap(([path, text]) => {
  const rows: Record<string, unknown>[] = [];
  let start = 0;
  text.split('\n').forEach((line, i) => {
    const length = Buffer.byteLength(line);
    rows.push({ file_id: fileId(path), line_no: i + 1, bstart: start, bend: start + length });
    start += length + 1;
  });
  return rows;
});

export const tsDefs: DatasetSchema = defineDataset({
  name: 'evidence.ts_defs',
  producer: 'tree-sitter',
  version: 1,
  description: 'function and class definitions',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'owning file' },
    { name: 'def_kind', type: 'utf8', nullable: false, role: 'kind', description: 'function or class' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'identifier' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start byte' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end byte' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: '1-based line' },
    { name: 'col', type: 'int32', nullable: false, role: 'column', description: '0-based byte column' },
  ],
});

function defRow(path: string, kind: string, name: string, first: string, last: string, occurrence = 0): Record<string, unknown> {
  const s = spanOf(path, first, last, occurrence);
  return { file_id: fileId(path), def_kind: kind, name, ...s };
}

export const tsDefRows = [
  defRow('pkg/mod.py', 'function', 'outer', 'def outer', 'return total'),
  defRow('pkg/mod.py', 'function', 'inner', 'def inner', 'return y + x'),
  defRow('pkg/mod.py', 'class', 'Greeter', 'class Greeter', 'return outer(1)'),
  defRow('pkg/mod.py', 'function', 'hello', 'def hello', 'return outer(1)'),
  defRow('pkg/mod.py', 'function', 'fact', 'def fact', 'fact(n - 1)'),
  defRow('pkg/twice.py', 'function', 'f', 'def f', 'pass', 0),
  defRow('pkg/twice.py', 'function', 'f', 'def f', 'pass', 1),
  defRow('pkg/ünï.py', 'function', 'naïve', 'def naïve', 'ü + outer'),
];

/** The stable id normalize gives a definition: its file and span in namespace `def`. */
export const defId = (row: Record<string, unknown>): string => stableId('def', String(row['file_id']), Number(row['bstart']), Number(row['bend']));

export const tsRefs: DatasetSchema = defineDataset({
  name: 'evidence.ts_refs',
  producer: 'tree-sitter',
  version: 1,
  description: 'identifier occurrences',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'bstart'],
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'owning file' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'identifier' },
    { name: 'ctx', type: 'utf8', nullable: false, role: 'kind', description: 'load, store or del' },
    { name: 'binder', type: 'utf8', nullable: true, role: 'attribute', description: 'construct that binds, for stores' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'start byte' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'end byte' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: '1-based line' },
    { name: 'col', type: 'int32', nullable: false, role: 'column', description: '0-based byte column' },
  ],
});

function refRow(path: string, name: string, ctx: string, occurrence: number, binder: string | null = null): Record<string, unknown> {
  return { file_id: fileId(path), name, ctx, binder, ...locate(path, name, occurrence) };
}

// Occurrence numbers count every appearance of the text in the file, definitions included.
export const tsRefRows = [
  refRow('pkg/mod.py', 'os', 'load', 0),
  refRow('pkg/mod.py', 'y + x', 'load', 0),
  refRow('pkg/mod.py', 'total', 'store', 0, 'assignment'),
  refRow('pkg/mod.py', 'inner', 'load', 1),
  refRow('pkg/mod.py', 'total', 'load', 1),
  refRow('pkg/mod.py', 'outer', 'load', 1),
  refRow('pkg/mod.py', 'fact', 'load', 1),
  refRow('pkg/twice.py', 'f', 'load', 4),
  refRow('pkg/ünï.py', 'outer', 'load', 0),
].map((r) => (r['name'] === 'y + x' ? { ...r, name: 'y', bend: Number(r['bstart']) + 1 } : r));

/** The stable id normalize gives a reference in namespace `ref`. */
export const refId = (row: Record<string, unknown>): string => stableId('ref', String(row['file_id']), Number(row['bstart']), Number(row['bend']));

/** Symtable-like scopes located by line and UTF-8 byte column, with the producer's own ids and parent pointers. */
export const pyScopes: DatasetSchema = defineDataset({
  name: 'evidence.py_scopes',
  producer: 'python',
  version: 1,
  description: 'scopes located by line and column',
  spanUnit: 'line-col',
  key: ['scope_id'],
  columns: [
    { name: 'scope_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'the producer’s id of the scope' },
    { name: 'parent_scope_id', type: 'utf8', nullable: true, role: 'parent-identity', description: 'enclosing scope' },
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'owning file' },
    { name: 'scope_type', type: 'utf8', nullable: false, role: 'kind', description: 'module, function or class' },
    { name: 'name', type: 'utf8', nullable: false, role: 'name', description: 'identifier' },
    { name: 'line', type: 'int32', nullable: false, role: 'line', description: '1-based line' },
    { name: 'col', type: 'int32', nullable: false, role: 'column', description: 'UTF-8 byte column' },
    { name: 'end_line', type: 'int32', nullable: false, role: 'end-line', description: '1-based end line' },
    { name: 'end_col', type: 'int32', nullable: false, role: 'end-column', description: 'UTF-8 byte column after the end' },
  ],
});

function scopeRow(id: string, parent: string | null, path: string, type: string, name: string, first: string, last: string): Record<string, unknown> {
  const s = spanOf(path, first, last);
  const end = locate(path, last);
  return { scope_id: id, parent_scope_id: parent, file_id: fileId(path), scope_type: type, name, line: s.line, col: s.col, end_line: end.line, end_col: end.col + Buffer.byteLength(last) };
}

export const pyScopeRows = [
  scopeRow('s:outer', null, 'pkg/mod.py', 'function', 'outer', 'def outer', 'return total'),
  scopeRow('s:inner', 's:outer', 'pkg/mod.py', 'function', 'inner', 'def inner', 'return y + x'),
  scopeRow('s:naive', null, 'pkg/ünï.py', 'function', 'naïve', 'def naïve', 'ü + outer'),
];
