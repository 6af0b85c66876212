import { z } from 'zod';
import { DatasetNameSchema, EntityNamespaceSchema, LocalViewNameSchema } from './declaration-names.js';
import { viewFactory } from './view-factory.js';

/**
 * A `normalize` view: every row of one input, given a stable entity identity.
 * The declaration names only the entity; the identity column (`<entity>_id`)
 * and the parts of the id (file identity and span, found by column role) are
 * inferred. The view lives in the `norm` schema.
 */
export const NormalizeSchema = z
  .object({
    kind: z.literal('normalize'),
    name: LocalViewNameSchema,
    from: DatasetNameSchema,
    entity: EntityNamespaceSchema,
  })
  .readonly();
export type Normalize = z.infer<typeof NormalizeSchema>;

/**
 * Factory of `normalize` views.
 *
 * @example
 * const defs = Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' }); // view norm.defs
 * Normalize.is(defs); // true
 */
export const Normalize = viewFactory('normalize', NormalizeSchema);
