import type { PlainValue } from '@anatomy/store';
import { z } from 'zod';

/**
 * A slice of a query result, column-major: `vectors[i][r]` is the value of
 * column `columns[i]` in row `r`. Values are plain data as the store returns
 * them (BIGINT as `bigint`).
 */
export interface RowBatch {
  readonly columns: readonly string[];
  readonly rowCount: number;
  readonly vectors: readonly (readonly PlainValue[])[];
}

/** Rows per batch when none is asked for: large enough to amortize work per batch, small enough to bound memory. */
export const DEFAULT_BATCH_ROWS = 65_536;

/**
 * How {@link Cpg.eachBatch} slices a result: `batchRows` rows per batch (the
 * last may hold fewer) and values bound to `$name` placeholders.
 *
 * @example
 * BatchOptionsSchema.parse({ batchRows: 10_000 });
 */
export const BatchOptionsSchema = z.strictObject({
  batchRows: z.number().int().min(1).max(16_777_216).optional(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.bigint(), z.boolean(), z.null()])).optional(),
});
export type BatchOptions = z.infer<typeof BatchOptionsSchema>;
