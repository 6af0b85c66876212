import { FingerprintSchema, ViewNameSchema } from '@anatomy/contracts';
import { z } from 'zod';
import { CompilerDecisionSchema } from './compiler-decision.js';
import { manifestFingerprint } from './manifest-fingerprint.js';

/** The kinds a manifest view may have (every view kind). */
const ManifestViewKindSchema = z.enum(['normalize', 'derive', 'relate', 'union', 'project', 'diagnostic']);

/**
 * One compiled view: its schema-qualified name, one DuckDB SELECT statement,
 * whether it is an output of the program, and the decisions behind its SQL.
 * It deliberately lists no inputs: dependencies are read from DuckDB's plan.
 */
export const ManifestViewSchema = z
  .object({
    name: ViewNameSchema,
    kind: ManifestViewKindSchema,
    sql: z.string().min(1),
    output: z.boolean(),
    decisions: z.array(CompilerDecisionSchema).readonly(),
  })
  .readonly();
export type ManifestView = z.infer<typeof ManifestViewSchema>;

/** A DuckDB macro the views' SQL calls; create it on a connection before running them. */
export const ManifestMacroSchema = z.object({ name: z.string().min(1), sql: z.string().min(1) }).readonly();
export type ManifestMacro = z.infer<typeof ManifestMacroSchema>;

/**
 * The compiled semantic program: immutable, threaded unchanged through every
 * later step. `fingerprint` covers the semantic content only (views' name,
 * kind, SQL and output flag, and the macros), so the order of declarations
 * does not change it. `decisions` holds program-wide decisions such as pruned views.
 */
export const SemanticProgramManifestSchema = z
  .object({
    version: z.literal(1),
    program: z.string().min(1),
    fingerprint: FingerprintSchema,
    views: z
      .array(ManifestViewSchema)
      .refine((views) => views.every((v, i) => i === 0 || (views[i - 1]?.name ?? '') < v.name), 'views must be sorted by name, without duplicates')
      .readonly(),
    macros: z.array(ManifestMacroSchema).readonly(),
    decisions: z.array(CompilerDecisionSchema).readonly(),
  })
  .refine((m) => m.fingerprint === manifestFingerprint(m), {
    path: ['fingerprint'],
    message: 'does not match the views and macros of the manifest',
  })
  .readonly();
export type SemanticProgramManifest = z.infer<typeof SemanticProgramManifestSchema>;
