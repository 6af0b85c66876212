import { EvidenceSchema, decisionSchema } from '@anatomy/contracts';
import type { Decision } from '@anatomy/contracts';
import { ColumnRoleSchema } from '@anatomy/schema-authority';
import { z } from 'zod';

/** How one output column of a view gets its value. */
export const ColumnFillSchema = z.discriminatedUnion('by', [
  /** Copied from a column of the source or of a joined dataset. */
  z.object({ by: z.literal('column'), dataset: z.string().min(1), column: z.string().min(1) }).readonly(),
  /**
   * A constant: text from the declaration or the source's metadata, or an
   * integer known from the rows' nature (a whole file starts at byte 0).
   */
  z.object({ by: z.literal('literal'), value: z.union([z.string(), z.number().int()]) }).readonly(),
  /** A stable id in `namespace` of the source's `parts` columns. */
  z
    .object({
      by: z.literal('stable-id'),
      namespace: z.string().min(1),
      dataset: z.string().min(1),
      parts: z.array(z.string().min(1)).min(1).readonly(),
    })
    .readonly(),
  /** No source can fill the column. */
  z.object({ by: z.literal('null') }).readonly(),
]);
export type ColumnFill = z.infer<typeof ColumnFillSchema>;

/**
 * What the compiler inferred, tagged by `topic`: an entity id, the filling of
 * one output column, a join to the file dataset, a column whose role changed,
 * or a view pruned as dead.
 */
export const CompilerInferenceSchema = z.discriminatedUnion('topic', [
  z.object({ topic: z.literal('column-fill'), source: z.string().min(1), column: z.string().min(1), fill: ColumnFillSchema }).readonly(),
  z
    .object({
      topic: z.literal('file-join'),
      source: z.string().min(1),
      fileDataset: z.string().min(1),
      sourceColumn: z.string().min(1),
      fileColumn: z.string().min(1),
      provides: z.array(z.string().min(1)).min(1).readonly(),
    })
    .readonly(),
  z
    .object({
      topic: z.literal('role-change'),
      source: z.string().min(1),
      column: z.string().min(1),
      from: ColumnRoleSchema,
      to: ColumnRoleSchema,
    })
    .readonly(),
  z.object({ topic: z.literal('prune'), view: z.string().min(1) }).readonly(),
]);
export type CompilerInference = z.infer<typeof CompilerInferenceSchema>;

/**
 * A Decision of the compiler: an inference with its confidence, rationale and
 * evidence. Evidence is made read-only too, so a parsed manifest is frozen
 * all the way down.
 */
export const CompilerDecisionSchema = decisionSchema(CompilerInferenceSchema)
  .extend({ evidence: z.array(EvidenceSchema.readonly()).min(1).readonly() })
  .readonly();
export type CompilerDecision = Decision<CompilerInference>;
