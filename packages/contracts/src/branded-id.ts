import { z } from 'zod';

/**
 * Branded string identifiers. A brand makes a `FileId` and a `NodeId`
 * distinct types although both are strings at run time, so one can never be
 * passed where the other is expected.
 *
 * @example
 * const id = FileIdSchema.parse('file:0a1b…');
 */
export const FileIdSchema = z.string().min(1).brand<'FileId'>();
export type FileId = z.infer<typeof FileIdSchema>;

/** Identifier of a CPG node (`cpg.nodes.node_id`). */
export const NodeIdSchema = z.string().min(1).brand<'NodeId'>();
export type NodeId = z.infer<typeof NodeIdSchema>;

/** Identifier of a CPG edge (`cpg.edges.edge_id`). */
export const EdgeIdSchema = z.string().min(1).brand<'EdgeId'>();
export type EdgeId = z.infer<typeof EdgeIdSchema>;

/** Name of a view of the semantic program (also the name of its task). */
export const ViewNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/, 'a view name is a lower-case SQL identifier, optionally schema-qualified')
  .brand<'ViewName'>();
export type ViewName = z.infer<typeof ViewNameSchema>;

/** Identifier of one run of the pipeline. */
export const RunIdSchema = z
  .string()
  .regex(/^[0-9A-Za-z_-]{6,64}$/, 'a run id is 6 to 64 letters, digits, dashes or underscores')
  .brand<'RunId'>();
export type RunId = z.infer<typeof RunIdSchema>;

/** A lower-case hex SHA-256 digest. */
export const FingerprintSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'a fingerprint is 64 lower-case hex digits')
  .brand<'Fingerprint'>();
export type Fingerprint = z.infer<typeof FingerprintSchema>;
