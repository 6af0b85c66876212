import { z } from 'zod';
import { DatasetNameSchema, LocalViewNameSchema } from './declaration-names.js';
import { viewFactory } from './view-factory.js';

/**
 * What a relationship means between a left and a right row. The join
 * strategy that realises it (span containment, span overlap, foreign key,
 * symbol match, file equi-join) is inferred from the two schemas, never declared.
 */
export const RelateIntentSchema = z.enum(['contains', 'overlaps', 'refers-to', 'same-symbol', 'same-file']);
export type RelateIntent = z.infer<typeof RelateIntentSchema>;

/** Evidence of a good match that raises a related pair's confidence and ranks candidates. */
export const QualitySignalSchema = z.enum(['innermost', 'exact-span', 'name-match', 'kind-match', 'source-agreement']);
export type QualitySignal = z.infer<typeof QualitySignalSchema>;

/**
 * A `relate` view: pairs of left and right rows that stand in a relationship,
 * each with a confidence from the quality signals that apply. `keep: 'best'`
 * keeps the top-ranked right row per left entity; `'all'` keeps every
 * candidate. It lives in the `rel` schema.
 */
export const RelateSchema = z
  .object({
    kind: z.literal('relate'),
    name: LocalViewNameSchema,
    left: DatasetNameSchema,
    right: DatasetNameSchema,
    intent: RelateIntentSchema,
    signals: z
      .array(QualitySignalSchema)
      .min(1)
      .refine((s) => new Set(s).size === s.length, 'lists a signal twice')
      .readonly(),
    keep: z.enum(['best', 'all']),
  })
  .readonly();
export type Relate = z.infer<typeof RelateSchema>;

/**
 * Factory of `relate` views.
 *
 * @example
 * Relate.create({ name: 'def_parent', left: 'norm.defs', right: 'norm.defs', intent: 'contains',
 *   signals: ['innermost'], keep: 'best' });
 */
export const Relate = viewFactory('relate', RelateSchema);
