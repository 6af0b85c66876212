import { z } from 'zod';

/**
 * The part of a store write outcome that maintenance decides from. Table
 * counts describe `target` after the write; WAL and block counts describe the
 * whole database file after the write.
 *
 * Every WriteOutcome of @anatomy/store carries these members under the same
 * names, so an outcome can be passed where a measurement is expected.
 */
export const WriteMeasurementSchema = z
  .object({
    /** The table written, schema-qualified. */
    target: z.string().min(1),
    rowsInserted: z.number().int().nonnegative(),
    rowsDeleted: z.number().int().nonnegative(),
    /** Live rows of the target after the write. */
    tableRowCount: z.number().int().nonnegative(),
    /** Bytes in the write-ahead log after the write. */
    walBytes: z.number().int().nonnegative(),
    totalBlocks: z.number().int().nonnegative(),
    freeBlocks: z.number().int().nonnegative(),
  })
  .refine((m) => m.freeBlocks <= m.totalBlocks, { message: 'freeBlocks cannot exceed totalBlocks', path: ['freeBlocks'] });
export type WriteMeasurement = z.infer<typeof WriteMeasurementSchema>;
