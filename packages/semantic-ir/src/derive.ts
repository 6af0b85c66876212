import { ColumnRoleSchema } from '@anatomy/schema-authority';
import { z } from 'zod';
import { DatasetNameSchema, EntityNamespaceSchema, LocalViewNameSchema } from './declaration-names.js';
import { viewFactory } from './view-factory.js';

/** Keeps the rows whose column with `role` holds one of `in`. */
export const RoleConditionSchema = z
  .object({
    role: ColumnRoleSchema,
    in: z.array(z.string().min(1)).min(1).readonly(),
  })
  .readonly();
export type RoleCondition = z.infer<typeof RoleConditionSchema>;

/**
 * A `derive` view: the rows of one input that meet conditions on
 * role-identified columns, as a new entity with its own stable ids (e.g.
 * classes among definitions). It lives in the `derived` schema.
 */
export const DeriveSchema = z
  .object({
    kind: z.literal('derive'),
    name: LocalViewNameSchema,
    from: DatasetNameSchema,
    entity: EntityNamespaceSchema,
    where: z.array(RoleConditionSchema).min(1).readonly(),
  })
  .readonly();
export type Derive = z.infer<typeof DeriveSchema>;

/**
 * Factory of `derive` views.
 *
 * @example
 * Derive.create({ name: 'classes', from: 'norm.defs', entity: 'class', where: [{ role: 'kind', in: ['class'] }] });
 */
export const Derive = viewFactory('derive', DeriveSchema);
