import { z } from 'zod';

/**
 * Where a decision's evidence came from: a `source` (the producing step, such
 * as `plan-lineage` or `schema-authority`) and a human-readable `detail`.
 */
export const EvidenceSchema = z.object({
  source: z.string().min(1),
  detail: z.string().min(1),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

/**
 * An inferred choice and why it was made. Every value Anatomy infers rather
 * than reads from a declaration is carried as a Decision.
 */
export interface Decision<T> {
  readonly value: T;
  /** How sure the inference is, in [0, 1]. */
  readonly confidence: number;
  readonly rationale: string;
  /** At least one piece of evidence. */
  readonly evidence: readonly Evidence[];
}

/**
 * The zod schema of a `Decision<T>` for a given value schema.
 *
 * @example
 * const CacheDecision = decisionSchema(z.enum(['inline', 'materialized']));
 */
export function decisionSchema<V extends z.ZodType>(
  value: V,
): z.ZodObject<{
  value: V;
  confidence: z.ZodNumber;
  rationale: z.ZodString;
  evidence: z.ZodArray<typeof EvidenceSchema>;
}> {
  return z.object({
    value,
    confidence: z.number().min(0).max(1),
    rationale: z.string().min(1),
    evidence: z.array(EvidenceSchema).min(1),
  });
}

const AnyDecisionSchema = decisionSchema(z.unknown());

/**
 * Creates a frozen, validated Decision. Throws when the confidence is outside
 * [0, 1], the rationale is empty or no evidence is given: a decision without
 * them is a programming error, not user input.
 *
 * @example
 * decide({ value: 'inline', confidence: 0.9, rationale: 'one cheap consumer',
 *          evidence: [{ source: 'task-graph', detail: 'out-degree 1' }] });
 */
export function decide<T>(decision: Decision<T>): Decision<T> {
  AnyDecisionSchema.parse(decision);
  return Object.freeze({
    value: decision.value,
    confidence: decision.confidence,
    rationale: decision.rationale,
    evidence: Object.freeze(decision.evidence.map((e) => Object.freeze({ ...e }))),
  });
}
