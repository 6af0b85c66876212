import { z } from 'zod';

/** A span end as DuckDB returns a BIGINT: a non-negative `bigint` byte offset. */
export const ByteOffsetSchema = z.bigint().nonnegative();

/** The location columns shared by `cpg.nodes` and `cpg.edges`. */
interface SpanColumns {
  readonly bstart: bigint | null;
  readonly bend: bigint | null;
}

/**
 * Adds an issue when a row's span is half given or reversed. A span is the
 * pair `[bstart, bend)`: one end without the other locates nothing, and a
 * reversed pair is no half-open range.
 */
export function checkSpanColumns(row: SpanColumns, ctx: z.RefinementCtx): void {
  if ((row.bstart === null) !== (row.bend === null)) {
    ctx.addIssue({ code: 'custom', path: [row.bstart === null ? 'bstart' : 'bend'], message: 'bstart and bend are given together or not at all' });
  } else if (row.bstart !== null && row.bend !== null && row.bstart > row.bend) {
    ctx.addIssue({ code: 'custom', path: ['bend'], message: `bend ${row.bend} is before bstart ${row.bstart}` });
  }
}
