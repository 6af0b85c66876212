import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';

/**
 * The store's record of maintenance: one row per action decided for a run,
 * with the measurement that caused it and the storage measured before and
 * after. It lives in the `meta` schema, beside the data it describes, so the
 * history travels with the database and calibration can read it back.
 */
export const maintenanceLogDataset: DatasetSchema = defineDataset({
  name: 'meta.maintenance_log',
  producer: '@anatomy/maintenance',
  version: 1,
  description: 'Maintenance actions run on this store, each with its cause and measured before/after storage.',
  spanUnit: 'none',
  columns: [
    { name: 'run_id', type: 'utf8', nullable: true, description: 'the run whose writes caused the action, when known' },
    { name: 'seq', type: 'int32', nullable: false, description: 'position of the action within its run, from 0' },
    { name: 'recorded_at', type: 'utf8', nullable: false, description: 'when the action finished, ISO 8601 UTC' },
    { name: 'action', type: 'utf8', nullable: false, role: 'kind', description: 'checkpoint, rewrite-table, refresh-statistics or compact-database' },
    { name: 'target_table', type: 'utf8', nullable: true, description: 'the table acted on; null for the whole database' },
    { name: 'cause_metric', type: 'utf8', nullable: false, description: 'the measured quantity that triggered the action' },
    { name: 'cause_measured', type: 'float64', nullable: false, description: 'its measured value' },
    { name: 'cause_threshold', type: 'float64', nullable: false, description: 'the threshold it reached' },
    { name: 'confidence', type: 'float64', nullable: false, description: 'confidence of the decision, 0..1' },
    { name: 'rationale', type: 'utf8', nullable: false, description: 'why, in words' },
    { name: 'duration_ms', type: 'float64', nullable: false, description: 'how long the action took' },
    { name: 'file_bytes_before', type: 'int64', nullable: false, description: 'database file size before' },
    { name: 'file_bytes_after', type: 'int64', nullable: false, description: 'database file size after' },
    { name: 'wal_bytes_before', type: 'int64', nullable: false, description: 'write-ahead log size before' },
    { name: 'wal_bytes_after', type: 'int64', nullable: false, description: 'write-ahead log size after' },
    { name: 'free_blocks_before', type: 'int64', nullable: false, description: 'free blocks before' },
    { name: 'free_blocks_after', type: 'int64', nullable: false, description: 'free blocks after' },
    { name: 'decision_json', type: 'utf8', nullable: false, description: 'the whole decision, as JSON' },
    { name: 'before_json', type: 'utf8', nullable: false, description: 'the storage snapshot before, as JSON' },
    { name: 'after_json', type: 'utf8', nullable: false, description: 'the storage snapshot after, as JSON' },
  ],
});
