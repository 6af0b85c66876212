import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import type { ColumnBatch, DatasetSchema } from '@anatomy/schema-authority';
import type { FileRecord } from './file-record.js';
import type { ScanDiagnostic } from './scan-diagnostic.js';

/** `evidence.files`: one row per scanned file. Column order is part of the contract. */
export const filesDataset: DatasetSchema = defineDataset({
  name: 'evidence.files',
  producer: 'repo-scan',
  version: 1,
  description: 'One row per scanned source file: identity, path, size, content hash, encoding and line count.',
  spanUnit: 'none',
  key: ['file_id'],
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: "stableId('file', path)" },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative POSIX path' },
    { name: 'size', type: 'int64', nullable: false, role: 'byte-length', description: 'size in bytes' },
    { name: 'sha256', type: 'utf8', nullable: false, description: 'SHA-256 of the bytes, lower-case hex' },
    { name: 'encoding', type: 'utf8', nullable: false, description: "source encoding: 'utf-8', 'utf-8-sig' or the PEP 263 coding cookie" },
    { name: 'line_count', type: 'int32', nullable: false, description: 'number of lines (\\n, \\r\\n and lone \\r end a line)' },
  ],
});

/** `evidence.scan_diagnostics`: problems met while scanning, one row per path and problem. */
export const scanDiagnosticsDataset: DatasetSchema = defineDataset({
  name: 'evidence.scan_diagnostics',
  producer: 'repo-scan',
  version: 1,
  description: 'Problems found while scanning: unreadable, binary or undecodable files and skipped symlinks.',
  spanUnit: 'none',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: true, role: 'file-identity', description: 'the file, when it is listed in evidence.files' },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative POSIX path of the file or directory' },
    { name: 'code', type: 'utf8', nullable: false, role: 'kind', description: "namespaced problem code, e.g. 'repo-scan/BinaryFile'" },
    { name: 'message', type: 'utf8', nullable: false, role: 'attribute', description: 'what went wrong, for people' },
  ],
});

/** Every dataset repo-scan produces. */
export const repoScanDatasets: readonly DatasetSchema[] = Object.freeze([filesDataset, scanDiagnosticsDataset]);

/**
 * The `evidence.files` batch of a scan's records.
 *
 * @example
 * await store.ingest(filesDataset, filesBatch(scan.files));
 */
export function filesBatch(records: readonly FileRecord[]): ColumnBatch {
  return columnBatch(filesDataset, {
    file_id: records.map((r) => r.file_id),
    path: records.map((r) => r.path),
    size: records.map((r) => r.size),
    sha256: records.map((r) => r.sha256),
    encoding: records.map((r) => r.encoding),
    line_count: records.map((r) => r.line_count),
  });
}

/**
 * The `evidence.scan_diagnostics` batch of a scan's diagnostics.
 *
 * @example
 * await store.ingest(scanDiagnosticsDataset, scanDiagnosticsBatch(scan.diagnostics));
 */
export function scanDiagnosticsBatch(diagnostics: readonly ScanDiagnostic[]): ColumnBatch {
  return columnBatch(scanDiagnosticsDataset, {
    file_id: diagnostics.map((d) => d.file_id),
    path: diagnostics.map((d) => d.path),
    code: diagnostics.map((d) => d.code),
    message: diagnostics.map((d) => d.message),
  });
}
