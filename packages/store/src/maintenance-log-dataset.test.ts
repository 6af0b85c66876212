import { verifySchema } from '@anatomy/schema-authority';
import type { InformationSchemaColumn } from '@anatomy/schema-authority';
import { describe, expect, it } from 'vitest';
import { maintenanceLogDataset } from './maintenance-log-dataset.js';
import { openStore } from './open-store.js';

const row = {
  run_id: 'run-000001',
  seq: 0,
  recorded_at: '2025-01-01T00:00:00.000Z',
  action: 'checkpoint',
  target_table: null,
  cause_metric: 'walBytes',
  cause_measured: 2e7,
  cause_threshold: 16_777_216,
  confidence: 0.58,
  rationale: 'the WAL is large',
  duration_ms: 12.5,
  file_bytes_before: 1_000_000,
  file_bytes_after: 3_000_000,
  wal_bytes_before: 20_000_000,
  wal_bytes_after: 0,
  free_blocks_before: 0,
  free_blocks_after: 0,
  decision_json: '{}',
  before_json: '{}',
  after_json: '{}',
};

describe('maintenanceLogDataset', () => {
  it('creates meta.maintenance_log as declared and takes rows given as records', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.ensureDataset(maintenanceLogDataset);
      const columns = await store.query(
        "SELECT table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'meta' ORDER BY ordinal_position",
      );
      expect(verifySchema(maintenanceLogDataset, columns as unknown as InformationSchemaColumn[])).toEqual([]);
      const outcome = await store.ingestRows(maintenanceLogDataset, [row, { ...row, seq: 1, action: 'compact-database' }]);
      expect(outcome).toMatchObject({ target: 'meta.maintenance_log', rowsInserted: 2, tableRowCount: 2 });
      expect(await store.query('SELECT seq, action, wal_bytes_before FROM meta.maintenance_log ORDER BY seq')).toEqual([
        { seq: 0, action: 'checkpoint', wal_bytes_before: 20_000_000n },
        { seq: 1, action: 'compact-database', wal_bytes_before: 20_000_000n },
      ]);
    } finally {
      await store.close();
    }
  });

  it('refuses records with missing, unknown or mistyped members, naming each', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.ensureDataset(maintenanceLogDataset);
      const bad: Record<string, string | number | null> = { ...row, seq: 'one', extra: 1 };
      delete bad['rationale'];
      const error = await store.ingestRows(maintenanceLogDataset, [bad]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'schema-authority/InvalidBatch' });
      expect((error as Error).message).toMatch(/seq\[0\][\s\S]*rationale[\s\S]*extra/);
      expect(await store.query('SELECT count(*) AS n FROM meta.maintenance_log')).toEqual([{ n: 0n }]);
    } finally {
      await store.close();
    }
  });
});
