import { decodeArtifact, encodeArtifact } from '@anatomy/artifact-registry';
import { describe, expect, it } from 'vitest';
import { DiagnosticsSummarySchema, OUTPUT_TABLES, OutputFingerprintsSchema, runDiagnosticsSummaryArtifact, runOutputFingerprintsArtifact, runWriteOutcomesArtifact } from './run-artifacts.js';

const hex = 'a'.repeat(64);

describe('run artifacts', () => {
  it('names the three CPG output tables', () => {
    expect([...OUTPUT_TABLES].sort()).toEqual(['cpg.edges', 'cpg.nodes', 'cpg.props']);
  });

  it('round-trips output fingerprints and rejects a value that is not a fingerprint', () => {
    const payload = { 'cpg.nodes': hex, 'cpg.edges': 'b'.repeat(64) };
    expect(decodeArtifact(runOutputFingerprintsArtifact, encodeArtifact(runOutputFingerprintsArtifact, payload))).toEqual(payload);
    const bad = OutputFingerprintsSchema.safeParse({ 'cpg.nodes': 'not-a-hash' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['cpg.nodes']);
  });

  it('accepts a diagnostics summary and rejects an unknown extractor status, naming the field', () => {
    const summary = {
      files: 2,
      scanDiagnostics: 0,
      extractors: [{ extractor: 'tree-sitter', version: '1', status: 'ran' as const, rows: { 'evidence.ts_defs': 3 } }],
      nodesByKind: { FILE: 2 },
    };
    expect(decodeArtifact(runDiagnosticsSummaryArtifact, encodeArtifact(runDiagnosticsSummaryArtifact, summary))).toEqual(summary);
    const bad = DiagnosticsSummarySchema.safeParse({ ...summary, extractors: [{ ...summary.extractors[0], status: 'crashed' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['extractors', 0, 'status']);
  });

  it('rejects write outcomes with a negative row count', () => {
    const outcome = {
      target: 'cpg.nodes',
      operation: 'materialize-table' as const,
      rowsInserted: -1,
      rowsDeleted: 0,
      tableRowCount: 0,
      storedRowCount: 0,
      durationMs: 1,
      fileBytes: 0,
      walBytes: 0,
      blockSize: 0,
      totalBlocks: 0,
      usedBlocks: 0,
      freeBlocks: 0,
    };
    expect(() => encodeArtifact(runWriteOutcomesArtifact, [outcome])).toThrow(/rowsInserted/);
    expect(decodeArtifact(runWriteOutcomesArtifact, encodeArtifact(runWriteOutcomesArtifact, [{ ...outcome, rowsInserted: 5 }]))[0]?.rowsInserted).toBe(5);
  });
});
