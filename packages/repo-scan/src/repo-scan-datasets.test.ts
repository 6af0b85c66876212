import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaAuthorityError, SchemaRegistry } from '@anatomy/schema-authority';
import { afterEach, describe, expect, it } from 'vitest';
import { filesBatch, filesDataset, repoScanDatasets, scanDiagnosticsBatch, scanDiagnosticsDataset } from './repo-scan-datasets.js';
import { scanRepository } from './scan-repository.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('repo-scan datasets', () => {
  it('declares evidence.files with exactly these columns, in this order', () => {
    expect(filesDataset.name).toBe('evidence.files');
    expect(filesDataset.producer).toBe('repo-scan');
    expect(filesDataset.spanUnit).toBe('none');
    expect(filesDataset.key).toEqual(['file_id']);
    expect(filesDataset.columns.map((c) => [c.name, c.type, c.role ?? null, c.nullable])).toEqual([
      ['file_id', 'utf8', 'file-identity', false],
      ['path', 'utf8', 'path', false],
      ['size', 'int64', 'byte-length', false],
      ['sha256', 'utf8', null, false],
      ['encoding', 'utf8', null, false],
      ['line_count', 'int32', null, false],
    ]);
  });

  it('declares evidence.scan_diagnostics with a nullable file id', () => {
    expect(scanDiagnosticsDataset.columns.map((c) => [c.name, c.type, c.role ?? null, c.nullable])).toEqual([
      ['file_id', 'utf8', 'file-identity', true],
      ['path', 'utf8', 'path', false],
      ['code', 'utf8', 'kind', false],
      ['message', 'utf8', 'attribute', false],
    ]);
  });

  it('registers both datasets with the schema authority', () => {
    const registry = new SchemaRegistry();
    for (const ds of repoScanDatasets) registry.register(ds);
    expect(registry.list().map((d) => d.name).sort()).toEqual(['evidence.files', 'evidence.scan_diagnostics']);
  });

  it('turns a real scan into batches that match the schemas', async () => {
    const root = mkdtempSync(join(tmpdir(), 'repo-scan-batch-'));
    roots.push(root);
    writeFileSync(join(root, 'a.py'), 'x = 1\n');
    writeFileSync(join(root, 'b.py'), Buffer.from([0x00]));
    const scan = await scanRepository({ root });
    const files = filesBatch(scan.files);
    expect(files.dataset).toBe('evidence.files');
    expect(files.rowCount).toBe(2);
    expect(files.columns['path']).toEqual(['a.py', 'b.py']);
    expect(files.columns['line_count']).toEqual([1, 1]);
    const diagnostics = scanDiagnosticsBatch(scan.diagnostics);
    expect(diagnostics.columns['code']).toEqual(['repo-scan/BinaryFile']);
    expect(diagnostics.columns['file_id']).toEqual([scan.files[1]!.file_id]);
    expect(scanDiagnosticsBatch([]).rowCount).toBe(0);
  });

  it('refuses records that do not fit the schema', () => {
    const bad = { file_id: 'file:x', path: 'a.py', size: 1.5, sha256: 'x', encoding: 'utf-8', line_count: 0 } as never;
    expect(() => filesBatch([bad])).toThrow(expect.objectContaining({ code: 'schema-authority/InvalidBatch' }));
    expect(SchemaAuthorityError.codes).toContain('schema-authority/InvalidBatch');
  });
});
