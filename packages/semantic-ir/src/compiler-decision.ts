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
  /**
   * The first non-NULL of several columns: a file-level value (the path)
   * that the source lacks on some rows, completed from the file dataset.
   */
  z
    .object({
      by: z.literal('coalesce'),
      columns: z.array(z.object({ dataset: z.string().min(1), column: z.string().min(1) }).readonly()).min(2).readonly(),
    })
    .readonly(),
  /** No source can fill the column. */
  z.object({ by: z.literal('null') }).readonly(),
]);
export type ColumnFill = z.infer<typeof ColumnFillSchema>;

const Name = z.string().min(1);
const Names = z.array(Name).readonly();

/** The join strategies the compiler infers for a relationship. */
export const JoinStrategySchema = z.enum(['span-contains', 'span-overlap', 'foreign-key', 'symbol-match', 'file-equi-join', 'bridge']);
export type JoinStrategy = z.infer<typeof JoinStrategySchema>;

/**
 * What the compiler inferred, tagged by `topic`: an entity id or the filling
 * of one output column; a join to the file dataset; a column whose role
 * changed; the column a condition tests; the conversion of line/column
 * positions to bytes; a relationship's join, the order of its bridges, confidence and ranking; how a
 * union aligns its inputs; a fusion of relationships sharing one join; and
 * views pruned as dead or for want of evidence.
 */
export const CompilerInferenceSchema = z.discriminatedUnion('topic', [
  z.object({ topic: z.literal('column-fill'), source: Name, column: Name, fill: ColumnFillSchema }).readonly(),
  z
    .object({
      topic: z.literal('file-join'),
      source: Name,
      fileDataset: Name,
      sourceColumn: Name,
      fileColumn: Name,
      provides: z.array(Name).min(1).readonly(),
    })
    .readonly(),
  /** A name column made from a path: without the first of `strip` it ends with, '/' replaced by `separator`. */
  z
    .object({
      topic: z.literal('path-name'),
      source: Name,
      column: Name,
      path: Name,
      strip: z.array(Name).min(1).readonly(),
      separator: z.string(),
    })
    .readonly(),
  z.object({ topic: z.literal('role-change'), source: Name, column: Name, from: ColumnRoleSchema, to: ColumnRoleSchema }).readonly(),
  z
    .object({
      topic: z.literal('condition'),
      source: Name,
      column: Name,
      test: z.enum(['in', 'not-in']),
      values: z.array(z.union([z.string(), z.number().int(), z.boolean(), z.null()])).readonly(),
    })
    .readonly(),
  z
    .object({
      topic: z.literal('span-conversion'),
      source: Name,
      lineIndex: Name,
      start: z.object({ line: Name, column: Name }).readonly(),
      /** Absent when the rows have no end position: each becomes the empty span at its start. */
      end: z.object({ line: Name, column: Name }).readonly().nullable(),
      output: z.object({ start: Name, end: Name }).readonly(),
    })
    .readonly(),
  z
    .object({
      topic: z.literal('join'),
      left: Name,
      right: Name,
      strategy: JoinStrategySchema,
      keys: z.array(z.object({ left: Name, right: Name }).readonly()).min(1).readonly(),
      span: z.enum(['contains', 'overlap', 'none']),
    })
    .readonly(),
  z
    .object({
      topic: z.literal('confidence'),
      rule: Name,
      prior: z.number().nonnegative(),
      features: z.array(z.object({ feature: Name, weight: z.number().positive() }).readonly()).readonly(),
      formula: Name,
    })
    .readonly(),
  // The bridges a relationship's left rows meet before its right rows (each gives a left row one row at most).
  z.object({ topic: z.literal('join-order'), rule: Name, first: Names }).readonly(),
  z.object({ topic: z.literal('ranking'), rule: Name, partition: Name, order: Names, keep: z.enum(['best', 'all']) }).readonly(),
  z.object({ topic: z.literal('union-mode'), mode: z.enum(['merge', 'append']), identity: Name.nullable() }).readonly(),
  z.object({ topic: z.literal('fusion'), view: Name, members: z.array(Name).min(2).readonly(), strategy: JoinStrategySchema }).readonly(),
  z.object({ topic: z.literal('prune'), view: Name }).readonly(),
  z.object({ topic: z.literal('edge-fusion'), view: Name, identity: Name, sources: z.array(Name).min(2).readonly(), rule: Name, confidence: Name }).readonly(),
  z
    .object({
      topic: z.literal('capability-prune'),
      view: Name,
      action: z.enum(['drop', 'narrow']),
      missing: z.array(Name).min(1).readonly(),
      loses: Names,
    })
    .readonly(),
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
