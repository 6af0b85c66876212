import { DuckDBInstance } from '@duckdb/node-api';
import { columnsWithRole, createTableSql, DatasetSchemaSchema, ExtractorDescriptorSchema, schemaFingerprint, verifySchema } from '@anatomy/schema-authority';
import type { InformationSchemaColumn } from '@anatomy/schema-authority';
import { describe, expect, it } from 'vitest';
import { pythonEvidenceDatasets, pythonExtractorDescriptor } from './python-extractor-descriptor.js';

describe('pythonEvidenceDatasets', () => {
  it('holds every python evidence table of the architecture', () => {
    expect(pythonEvidenceDatasets.map((ds) => ds.name)).toEqual([
      'evidence.py_ast_nodes',
      'evidence.py_defs',
      'evidence.py_imports',
      'evidence.py_calls',
      'evidence.py_docstrings',
      'evidence.py_decorators',
      'evidence.py_class_bases',
      'evidence.py_parse_errors',
      'evidence.py_scopes',
      'evidence.py_symbols',
      'evidence.py_star_exports',
      'evidence.py_code_objects',
      'evidence.py_instructions',
      'evidence.py_line_table',
      'evidence.py_cfg_edges',
    ]);
    expect(Object.isFrozen(pythonEvidenceDatasets)).toBe(true);
  });

  it.each(pythonEvidenceDatasets.map((ds) => [ds.name, ds] as const))('%s is a valid, frozen dataset of the python extractor', (_name, ds) => {
    expect(DatasetSchemaSchema.safeParse(ds).success).toBe(true);
    expect(Object.isFrozen(ds)).toBe(true);
    expect(ds.producer).toBe('extract-python');
  });

  it.each(pythonEvidenceDatasets.map((ds) => [ds.name, ds] as const))('%s says which file each row comes from', (_name, ds) => {
    const fileIds = columnsWithRole(ds, 'file-identity');
    expect(fileIds.map((c) => [c.name, c.type, c.nullable])).toEqual([['file_id', 'utf8', false]]);
  });

  it.each(pythonEvidenceDatasets.map((ds) => [ds.name, ds] as const))('%s keys only columns it has, none of them nullable', (_name, ds) => {
    for (const key of ds.key ?? []) expect(ds.columns.find((c) => c.name === key)?.nullable).toBe(false);
  });

  it.each(pythonEvidenceDatasets.map((ds) => [ds.name, ds] as const))('%s declares positions that match its span unit', (_name, ds) => {
    const starts = columnsWithRole(ds, 'span-start');
    const lines = columnsWithRole(ds, 'line');
    if (ds.spanUnit === 'utf8-bytes') expect(starts.map((c) => c.name)).toEqual(['bstart']);
    if (ds.spanUnit === 'line-col') {
      expect(starts).toEqual([]);
      expect(lines).toHaveLength(1);
    }
    if (ds.spanUnit === 'none') expect([...starts, ...lines]).toEqual([]);
  });

  it('has unique names', () => {
    const names = pythonEvidenceDatasets.map((ds) => ds.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps stable schema fingerprints (update deliberately, with a version bump)', () => {
    const prints = Object.fromEntries(pythonEvidenceDatasets.map((ds) => [ds.name, schemaFingerprint(ds)]));
    expect(Object.fromEntries(pythonEvidenceDatasets.map((ds) => [ds.name, schemaFingerprint(ds)]))).toEqual(prints);
    expect(prints).toMatchInlineSnapshot(`
      {
        "evidence.py_ast_nodes": "7e6e3ebf4180e1e7c458e1365292c779605f8e3a02ef3a6afd5bb719c90f5b90",
        "evidence.py_calls": "807ec345f3fc0ddf1489e6fda6fa1643ef9a48966b0b4114b522ae56c27ad2a8",
        "evidence.py_cfg_edges": "81faeab7bc4f04ef8622e936a2a07352e21b443ea89f19b7d0dd5da9184e6390",
        "evidence.py_class_bases": "76da71964791742f8136f6f0be790f90d0fa872d1f5624a25c708eb4c2311bb6",
        "evidence.py_code_objects": "326207b3e15d59bdaced644fba2b92dcec07e3122d51c2c7020b5802224be372",
        "evidence.py_decorators": "4334b3e512c5127b433ee3350546f60d18a37b3b61b1c23a62556a9da958ce25",
        "evidence.py_defs": "76d502b15eb590d0f0f1f66669fe93e52c77164735fa422c6bb359bf70f967d0",
        "evidence.py_docstrings": "de049fe4b5da2d131bc7d163f19a13951cee1b68206225c3b1710d7200ee6a7f",
        "evidence.py_imports": "441d14b43819b8fd375d7ddf233369804dba0221a61920cda7cb8b2299549b8e",
        "evidence.py_instructions": "a17d9960bf6a6da718971ab5bab461b0f11b85dd10f64e1b382e11d2f07d809d",
        "evidence.py_line_table": "b9e4bea0991d894bf38294f722e3aae38802eb09cf049c1f21c2154f4442886e",
        "evidence.py_parse_errors": "de0c953b6a9c1cf1c2752e366441aafc068b9969a48528d8c78e7dc7b131311e",
        "evidence.py_scopes": "b61938cf6c22574f70e56a780b70fe393fcf17df78095ca6853966950d1a8786",
        "evidence.py_star_exports": "c833db38264d0b9e618f58f7b45acb85d2b765608b75a65ec13edcde34b1bb8e",
        "evidence.py_symbols": "1c52cf6a5863b6f7a24700a28919f135e4685438a155fc622b0a7ed29f13cf6f",
      }
    `);
  });

  it('creates every table in DuckDB exactly as declared', async () => {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    try {
      for (const ds of pythonEvidenceDatasets) {
        await connection.run(createTableSql(ds));
        const [schema, table] = ds.name.split('.');
        const reader = await connection.runAndReadAll(
          `SELECT column_name, data_type, is_nullable FROM information_schema.columns
           WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
        );
        const rows = reader.getRowObjects() as unknown as InformationSchemaColumn[];
        expect(verifySchema(ds, rows)).toEqual([]);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('pythonExtractorDescriptor', () => {
  it('describes the python extractor and its datasets', () => {
    expect(ExtractorDescriptorSchema.safeParse(pythonExtractorDescriptor).success).toBe(true);
    expect(pythonExtractorDescriptor.name).toBe('python');
    expect(pythonExtractorDescriptor.version).toBe('3');
    expect(pythonExtractorDescriptor.needs).toEqual({ python3: '>=3.8' });
    expect(pythonExtractorDescriptor.datasets.map(schemaFingerprint)).toEqual(pythonEvidenceDatasets.map(schemaFingerprint));
    expect(Object.isFrozen(pythonExtractorDescriptor)).toBe(true);
  });
});
