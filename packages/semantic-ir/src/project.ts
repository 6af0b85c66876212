import { z } from 'zod';
import { DatasetNameSchema, EntityNamespaceSchema, KindNameSchema, OutputNameSchema } from './declaration-names.js';
import { viewFactory } from './view-factory.js';

/**
 * One source of a projection's rows: every row of `from` becomes one output
 * row of kind `kind`, or, when `kind` is left out, of the kind the source's
 * own kind column holds (the edge kind of a relate view). Ids come from the
 * source's entity-identity column, or, when `entity` is given, are computed
 * as stable ids in that namespace from the source's file identity and span.
 */
export const ProjectRowsSchema = z
  .object({
    from: DatasetNameSchema,
    kind: KindNameSchema.optional(),
    entity: EntityNamespaceSchema.optional(),
  })
  .readonly();
export type ProjectRows = z.infer<typeof ProjectRowsSchema>;

/**
 * A `project` view: fills an output contract dataset (its `name`, e.g.
 * `cpg.nodes`, registered with the schema authority) from several sources.
 * Each output column is filled by role; projections are the program's outputs.
 */
export const ProjectSchema = z
  .object({
    kind: z.literal('project'),
    name: OutputNameSchema,
    rows: z
      .array(ProjectRowsSchema)
      .min(1)
      .refine((rows) => new Set(rows.map((r) => `${r.from} ${r.kind ?? ''}`)).size === rows.length, 'lists the same source and kind twice')
      .readonly(),
  })
  .readonly();
export type Project = z.infer<typeof ProjectSchema>;

/**
 * Factory of `project` views.
 *
 * @example
 * Project.create({ name: 'cpg.nodes', rows: [
 *   { from: 'evidence.files', kind: 'FILE', entity: 'file' },
 *   { from: 'norm.defs', kind: 'DEF' },
 * ] });
 * Project.create({ name: 'cpg.edges', rows: [{ from: 'rel.def_parent' }] }); // kinds from edge_kind
 */
export const Project = viewFactory('project', ProjectSchema);
