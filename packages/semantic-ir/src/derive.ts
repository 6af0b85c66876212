import { z } from 'zod';
import { DatasetNameSchema, EntityNamespaceSchema, LocalViewNameSchema } from './declaration-names.js';
import { RoleConditionSchema } from './role-condition.js';
import { viewFactory } from './view-factory.js';

/**
 * A `derive` view: the rows of one input that meet conditions on
 * role-identified columns (`where`), optionally re-identified as a new entity
 * (`entity`: stable ids in that namespace, computed by role as `normalize`
 * does). Without `entity` the rows keep the input's identity, so a derived
 * subset (refs in store context) still names the same nodes. It lives in
 * the `derived` schema.
 */
export const DeriveSchema = z
  .object({
    kind: z.literal('derive'),
    name: LocalViewNameSchema,
    from: DatasetNameSchema,
    entity: EntityNamespaceSchema.optional(),
    where: z.array(RoleConditionSchema).min(1).readonly().optional(),
  })
  .refine((d) => d.entity !== undefined || d.where !== undefined, {
    path: ['where'],
    message: 'a derive view filters (where), re-identifies (entity), or both',
  })
  .readonly();
export type Derive = z.infer<typeof DeriveSchema>;

/**
 * Factory of `derive` views.
 *
 * @example
 * Derive.create({ name: 'stores', from: 'norm.refs', where: [{ role: 'kind', in: ['store'] }] }); // same ref ids
 * Derive.create({ name: 'modules', from: 'evidence.files', entity: 'module' }); // module ids from file identity
 */
export const Derive = viewFactory('derive', DeriveSchema);
