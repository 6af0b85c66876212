import { z } from 'zod';

/** The kinds of write a store reports an outcome for; a `replace` deletes some rows and appends others. */
export const WriteOperationSchema = z.enum(['ingest', 'materialize-table', 'materialize-view', 'delete', 'replace']);
export type WriteOperation = z.infer<typeof WriteOperationSchema>;

/**
 * What one write into the store did, measured rather than assumed: the
 * maintenance package decides from these numbers. Row counts describe
 * `target`; sizes and blocks describe the whole database file after the
 * write (blocks are DuckDB's accounting, which changes at checkpoints; bytes
 * are the files on disk).
 */
export const WriteOutcomeSchema = z.object({
  /** The table or view written, schema-qualified. */
  target: z.string().min(1),
  operation: WriteOperationSchema,
  rowsInserted: z.number().int().nonnegative(),
  rowsDeleted: z.number().int().nonnegative(),
  /** Live rows of the target after the write; 0 for a view. */
  tableRowCount: z.number().int().nonnegative(),
  /** Rows the target's row groups hold, deleted ones included, until a rewrite or checkpoint drops them. */
  storedRowCount: z.number().int().nonnegative(),
  durationMs: z.number().nonnegative(),
  /** Size of the database file on disk; 0 in memory. */
  fileBytes: z.number().int().nonnegative(),
  /** Size of the write-ahead log on disk; 0 when there is none. */
  walBytes: z.number().int().nonnegative(),
  blockSize: z.number().int().nonnegative(),
  totalBlocks: z.number().int().nonnegative(),
  usedBlocks: z.number().int().nonnegative(),
  freeBlocks: z.number().int().nonnegative(),
});
export type WriteOutcome = z.infer<typeof WriteOutcomeSchema>;

/**
 * A write done with its measuring left for later (a write method's
 * `{ measure: false }`): what it did, timed, but not yet what the table and
 * the database look like after it. `Store.measureWrites` completes a list of
 * them into outcomes with one query, where measuring each write at once
 * costs a query of 2–5 ms per write.
 */
export interface PendingWrite {
  readonly target: string;
  readonly operation: WriteOperation;
  readonly rowsInserted: number;
  readonly rowsDeleted: number;
  readonly durationMs: number;
}

/** Asks a write method to leave its measuring to `Store.measureWrites` and return a {@link PendingWrite}. */
export interface DeferMeasure {
  readonly measure: false;
}
