import { WriteOutcomeSchema } from '@anatomy/store';
import type { z } from 'zod';

/**
 * The part of a store WriteOutcome that maintenance decides from, picked from
 * the store's own schema so each member is defined once. Table counts
 * describe `target` after the write; WAL and block counts describe the whole
 * database file after the write. A WriteOutcome can be passed wherever a
 * measurement is expected; the members maintenance does not use are dropped.
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
}).refine((m) => m.freeBlocks <= m.totalBlocks, { message: 'freeBlocks cannot exceed totalBlocks', path: ['freeBlocks'] });
export type WriteMeasurement = z.infer<typeof WriteMeasurementSchema>;
