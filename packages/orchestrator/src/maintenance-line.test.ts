import { decideMaintenance, runMaintenance } from '@anatomy/maintenance';
import { openStore } from '@anatomy/store';
import { describe, expect, it } from 'vitest';
import { maintenanceLine } from './build-cpg.js';

describe('maintenanceLine', () => {
  it('names each action and status once, with the table it concerned or how many', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      for (const t of ['evidence.a', 'evidence.b', 'evidence.c']) await store.materialize({ name: t, sql: 'SELECT range AS i FROM range(10)', as: 'table' });
      const outcomes = [
        await store.deleteRows({ table: 'evidence.a', where: 'i < 8' }),
        await store.insertSelect({ table: 'evidence.b', sql: 'SELECT range FROM range(500)' }),
        await store.insertSelect({ table: 'evidence.c', sql: 'SELECT range FROM range(500)' }),
      ];
      const thresholds = { walBytesCheckpoint: 1e12, deletedFractionRewrite: 0.5, freeBlockRatioCompact: 1, statsRefreshRowsChanged: 100 };
      const records = await runMaintenance(store, decideMaintenance(outcomes, thresholds), { dryRun: true, runId: 'run-1' });
      expect(records).toHaveLength(3);
      expect(maintenanceLine(records)).toBe('rewrite-table dry-run on evidence.a, refresh-statistics dry-run on 2 tables');
      expect(maintenanceLine([])).toBe('nothing to do');
    } finally {
      await store.close();
    }
  });
});
