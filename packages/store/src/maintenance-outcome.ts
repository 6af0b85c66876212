import { z } from 'zod';
import { StorageSnapshotSchema } from './storage-snapshot.js';

/** The maintenance actions a store can carry out. */
export const MaintenanceActionSchema = z.enum(['checkpoint', 'rewrite-table', 'refresh-statistics', 'compact-database']);
export type MaintenanceAction = z.infer<typeof MaintenanceActionSchema>;

/**
 * What one maintenance action did, measured on both sides. Table actions
 * carry the table's storage in `before.table` and `after.table`.
 */
export const MaintenanceOutcomeSchema = z.object({
  action: MaintenanceActionSchema,
  /** The table acted on; null for the whole database. */
  table: z.string().min(1).nullable(),
  before: StorageSnapshotSchema,
  after: StorageSnapshotSchema,
  durationMs: z.number().nonnegative(),
});
export type MaintenanceOutcome = z.infer<typeof MaintenanceOutcomeSchema>;
