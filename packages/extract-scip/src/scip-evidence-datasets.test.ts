import { DuckDBInstance } from '@duckdb/node-api';
import { columnsWithRole, createTableSql, DatasetSchemaSchema, schemaFingerprint, verifySchema } from '@anatomy/schema-authority';
import type { InformationSchemaColumn } from '@anatomy/schema-authority';
import { describe, expect, it } from 'vitest';
import { ExtractorDescriptorSchema } from '@anatomy/schema-authority';
import { SCIP_SYMBOL_ROLE_BITS, scipOccurrencesDataset } from './scip-datasets.js';
import { SCIP_EXTRACTOR_VERSION, scipDescriptor, scipEvidenceDatasets, scipRunDescriptor } from './scip-extractor-descriptor.js';

/** Tables whose rows may describe something outside every scanned file. */
const UNLOCATED = new Set(['evidence.scip_symbols', 'evidence.scip_relationships', 'evidence.scip_diagnostics']);

describe('scipEvidenceDatasets', () => {
  it('holds the SCIP evidence tables of the architecture', () => {
    expect(scipEvidenceDatasets.map((ds) => ds.name)).toEqual([
      'evidence.scip_documents',
      'evidence.scip_occurrences',
      'evidence.scip_symbols',
      'evidence.scip_relationships',
      'evidence.scip_diagnostics',
    ]);
    expect(Object.isFrozen(scipEvidenceDatasets)).toBe(true);
  });

  it.each(scipEvidenceDatasets.map((ds) => [ds.name, ds] as const))('%s is a valid, frozen dataset of the SCIP extractor', (_name, ds) => {
    expect(DatasetSchemaSchema.safeParse(ds).success).toBe(true);
    expect(Object.isFrozen(ds)).toBe(true);
    expect(ds.producer).toBe('extract-scip');
  });

  it.each(scipEvidenceDatasets.map((ds) => [ds.name, ds] as const))('%s says which file its rows come from', (name, ds) => {
    const fileIds = columnsWithRole(ds, 'file-identity');
    // Rows located in a file must name it; external symbols have no file.
    expect(fileIds.map((c) => [c.name, c.type, c.nullable])).toEqual([['file_id', 'utf8', UNLOCATED.has(name)]]);
  });

  it.each(scipEvidenceDatasets.map((ds) => [ds.name, ds] as const))('%s declares positions that match its span unit', (_name, ds) => {
    const starts = columnsWithRole(ds, 'span-start').map((c) => c.name);
    expect(starts).toEqual(ds.spanUnit === 'utf8-bytes' ? ['bstart'] : []);
  });

  it('has unique names', () => {
    const names = scipEvidenceDatasets.map((ds) => ds.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('decodes each SymbolRole bit into its own occurrence column', () => {
    const bits = Object.values(SCIP_SYMBOL_ROLE_BITS);
    expect(bits.reduce((all, bit) => all | bit, 0)).toBe(0x7f);
    expect(new Set(bits).size).toBe(bits.length);
    const columns = new Map(scipOccurrencesDataset.columns.map((c) => [c.name, c]));
    for (const name of Object.keys(SCIP_SYMBOL_ROLE_BITS)) {
      expect(columns.get(name)).toMatchObject({ type: 'bool', nullable: false });
    }
    expect(columns.get('symbol_roles')).toMatchObject({ type: 'int32' });
  });

  it('keeps stable schema fingerprints (update deliberately, with a version bump)', () => {
    const prints = Object.fromEntries(scipEvidenceDatasets.map((ds) => [ds.name, schemaFingerprint(ds)]));
    expect(Object.fromEntries(scipEvidenceDatasets.map((ds) => [ds.name, schemaFingerprint(ds)]))).toEqual(prints);
    expect(prints).toMatchInlineSnapshot(`
      {
        "evidence.scip_diagnostics": "f02e568af88856f81d6ff6a64a9f75b58414066905c5008d4fcc6c587a3a3cde",
        "evidence.scip_documents": "661717e7287ec04d19724a1628c96fca25ca6bd668bd45303144e2bc74075f08",
        "evidence.scip_occurrences": "187fc29358ae23acc20fed2b8cad244e4ef70498d0d681818c097d6e1e56f3db",
        "evidence.scip_relationships": "f7fb0e6f37016a35fa8e71796f4881c41977c2f9234948572042969332ac0f0d",
        "evidence.scip_symbols": "132d8401243e3410ac59eb1d37b6a059e1f6345c5e7ba7a403922298b4bdc95f",
      }
    `);
  });

  it('creates every table in DuckDB exactly as declared', async () => {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    const connection = await instance.connect();
    try {
      for (const ds of scipEvidenceDatasets) {
        await connection.run(createTableSql(ds));
        const [schema, table] = ds.name.split('.');
        const reader = await connection.runAndReadAll(
          `SELECT column_name, data_type, is_nullable FROM information_schema.columns
           WHERE table_schema = '${schema}' AND table_name = '${table}' ORDER BY ordinal_position`,
        );
        expect(verifySchema(ds, reader.getRowObjects() as unknown as InformationSchemaColumn[])).toEqual([]);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});

describe('scipDescriptor', () => {
  it('describes the SCIP extractor reading an index: no tools needed', () => {
    expect(ExtractorDescriptorSchema.safeParse(scipDescriptor).success).toBe(true);
    expect(scipDescriptor).toMatchObject({ name: 'scip', version: SCIP_EXTRACTOR_VERSION, needs: {} });
    expect(scipDescriptor.datasets).toEqual(scipEvidenceDatasets);
    expect(Object.isFrozen(scipDescriptor)).toBe(true);
  });

  it('describes a run of scip-python with its version and the Python tools it calls', () => {
    expect(scipRunDescriptor('0.6.6', false)).toMatchObject({ version: `${SCIP_EXTRACTOR_VERSION}+scip-python@0.6.6`, needs: { python3: '>=3.8', pip: '>=9' } });
    expect(scipRunDescriptor('0.6.6', true).needs).toEqual({});
  });
});
