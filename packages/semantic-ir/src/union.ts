import { z } from 'zod';
import { DatasetNameSchema, LocalViewNameSchema } from './declaration-names.js';
import { viewFactory } from './view-factory.js';

/**
 * A `union` view: rows describing the same entity from several evidence
 * sources, merged into one dataset with one row per entity identity. It lives
 * in the `merged` schema.
 */
export const UnionSchema = z
  .object({
    kind: z.literal('union'),
    name: LocalViewNameSchema,
    from: z
      .array(DatasetNameSchema)
      .min(2)
      .refine((f) => new Set(f).size === f.length, 'lists an input twice')
      .readonly(),
  })
  .readonly();
export type Union = z.infer<typeof UnionSchema>;

/**
 * Factory of `union` views.
 *
 * @example
 * Union.create({ name: 'defs', from: ['norm.ts_defs', 'norm.py_defs'] });
 */
export const Union = viewFactory('union', UnionSchema);
