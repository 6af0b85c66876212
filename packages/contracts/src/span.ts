import { z } from 'zod';

/**
 * A half-open range `[bstart, bend)` of UTF-8 byte offsets into a file's
 * bytes: the one span unit every table of Anatomy stores.
 *
 * @example
 * const span = ByteSpanSchema.parse({ bstart: 4, bend: 9 });
 */
export const ByteSpanSchema = z
  .object({
    bstart: z.number().int().nonnegative(),
    bend: z.number().int().nonnegative(),
  })
  .refine((s) => s.bstart <= s.bend, { message: 'bstart must not exceed bend' });
export type ByteSpan = z.infer<typeof ByteSpanSchema>;

/** Number of bytes covered by a span. */
export function spanLength(span: ByteSpan): number {
  return span.bend - span.bstart;
}

/** True when `outer` covers every byte of `inner` (an empty inner span at a border counts). */
export function spanContains(outer: ByteSpan, inner: ByteSpan): boolean {
  return outer.bstart <= inner.bstart && inner.bend <= outer.bend;
}

/** True when the two spans share at least one byte. */
export function spanOverlaps(a: ByteSpan, b: ByteSpan): boolean {
  return a.bstart < b.bend && b.bstart < a.bend;
}
