import { DuckDBInstance } from '@duckdb/node-api';
import { columnsWithRole, createTableSql, DatasetSchemaSchema, schemaFingerprint, verifySchema } from '@anatomy/schema-authority';
import type { InformationSchemaColumn } from '@anatomy/schema-authority';
import { describe, expect, it } from 'vitest';
import { ExtractorDescriptorSchema } from './extractor-descriptor.js';
import { extractorDescriptor, pythonEvidenceDatasets } from './python-extractor-descriptor.js';

describe('pythonEvidenceDatasets', () => {
  it('holds every python evidence table of the architecture', () => {
    expect(pythonEvidenceDatasets.map((ds) => ds.name)).toEqual([
      'evidence.py_ast_nodes',
      'evidence.py_defs',
      'evidence.py_imports',
      'evidence.py_calls',
      'evidence.py_docstrings',
      'evidence.py_decorators',
      'evidence.py_parse_errors',
      'evidence.py_scopes',
      'evidence.py_symbols',
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
        "evidence.py_ast_nodes": "7e11c623a5a171acf3c19da12667ccc6329aa7183a271f9ae5cd22ae327f8e0c",
        "evidence.py_calls": "fcd1c9137a6e6e458337ffd0f6fb723e38f2fb3592d8cde3cc334275e3f4d909",
        "evidence.py_cfg_edges": "b857adf346c86df4c551a1dd23c84d64879fe5e30f255e63d12f163fd8e4582a",
        "evidence.py_code_objects": "b2a7e945cc9fe1da8be1e000a44a50486ea51e328a1e8c03d672132dee7346a6",
        "evidence.py_decorators": "c877a323fdddaaaed773c27223e117e5484247c6f885b47603f122ca06681759",
        "evidence.py_defs": "9a264e56245ec689d05b2bc13ad5cdd6267cf749dc5ce803796b378dc8c18e80",
        "evidence.py_docstrings": "c3ca718adf7760dcff99c22cfc4f4153f74ecc16bbf76ac76c571c1149d3066c",
        "evidence.py_imports": "95b37c5b88eff7603610bd79adfae119e3a1a88532cce343a010fe189642c3ce",
        "evidence.py_instructions": "162876d95d93ab81e96baa415c39c59e5ec6b978f6bc78914c46202c73c5cee3",
        "evidence.py_line_table": "b9e4bea0991d894bf38294f722e3aae38802eb09cf049c1f21c2154f4442886e",
        "evidence.py_parse_errors": "867f0344e38d08b6ea96aec8d5047cf2a046e2570e8ef30aaf64fdc845de33cc",
        "evidence.py_scopes": "885c02bcfa4797c21f39e66190800707cd8061b5c9b56fc7cae55b17120f8f13",
        "evidence.py_symbols": "45c5fe7c2b51cb3eea85ea2feced0760af03e18d76ffb6d8d7dcd6b698489912",
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

describe('extractorDescriptor', () => {
  it('describes the python extractor and its datasets', () => {
    expect(ExtractorDescriptorSchema.safeParse(extractorDescriptor).success).toBe(true);
    expect(extractorDescriptor.name).toBe('python');
    expect(extractorDescriptor.needs).toEqual({ python3: '>=3.8' });
    expect(extractorDescriptor.datasets).toBe(pythonEvidenceDatasets);
    expect(Object.isFrozen(extractorDescriptor)).toBe(true);
  });
});
