import { WriteOutcomeSchema } from '@anatomy/store';
import type { z } from 'zod';

/**
 * The part of a store WriteOutcome that maintenance decides from, picked from
 * the store's own schema so each member is defined once. Table counts
 * describe `target` after the write; WAL and block counts describe the whole
 * database file after the write. A WriteOutcome can be passed wherever a
 * measurement is expected; the members maintenance does not use are dropped.
 * `operation` may be left out: the write is then not known to have made the
 * table anew, and its rows count as changed ones (see `decideMaintenance`).
 */
export const WriteMeasurementSchema = WriteOutcomeSchema.pick({
  target: true,
  rowsInserted: true,
  rowsDeleted: true,
  tableRowCount: true,
  storedRowCount: true,
  walBytes: true,
  totalBlocks: true,
  freeBlocks: true,
})
  .extend({ operation: WriteOutcomeSchema.shape.operation.optional() })
  .refine((m) => m.freeBlocks <= m.totalBlocks, { message: 'freeBlocks cannot exceed totalBlocks', path: ['freeBlocks'] });
export type WriteMeasurement = z.infer<typeof WriteMeasurementSchema>;
