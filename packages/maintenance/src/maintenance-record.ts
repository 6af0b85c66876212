import { StorageSnapshotSchema } from '@anatomy/store';
import { z } from 'zod';
import { MaintenanceDecisionSchema } from './maintenance-decision.js';

/**
 * What became of one decision: `done` with the storage measured before and
 * after the action, `dry-run` with only the storage as it is, or `skipped`
 * when its table no longer exists.
 */
export const MaintenanceRecordSchema = z
  .object({
    decision: MaintenanceDecisionSchema,
    status: z.enum(['done', 'dry-run', 'skipped']),
    before: StorageSnapshotSchema,
    after: StorageSnapshotSchema.nullable(),
    durationMs: z.number().nonnegative(),
    /** Why a decision was not carried out; absent when it was. */
    note: z.string().min(1).optional(),
  })
  .superRefine((record, ctx) => {
    if ((record.status === 'done') !== (record.after !== null)) {
      ctx.addIssue({ code: 'custom', path: ['after'], message: 'only a record of an action that was done has an after measurement' });
    }
  });
export type MaintenanceRecord = z.infer<typeof MaintenanceRecordSchema>;

/** A record as kept in `meta.maintenance_log`: which run it belongs to, its place in the run, and when. */
export const MaintenanceLogEntrySchema = z.object({
  runId: z.string().min(1).nullable(),
  seq: z.number().int().nonnegative(),
  recordedAt: z.string().min(1),
  record: MaintenanceRecordSchema,
});
export type MaintenanceLogEntry = z.infer<typeof MaintenanceLogEntrySchema>;
