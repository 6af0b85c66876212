import { ColumnRoleSchema } from '@anatomy/schema-authority';
import { z } from 'zod';
import { ColumnNameSchema } from './declaration-names.js';

/** A value a condition compares with: text, an integer, a boolean, or NULL. */
export const ConditionValueSchema = z.union([z.string(), z.number().int(), z.boolean(), z.null()]);
export type ConditionValue = z.infer<typeof ConditionValueSchema>;

const Values = z.array(ConditionValueSchema).min(1).readonly();

/**
 * A hard filter on one column, found by its `role` (or, only where roles
 * cannot decide, named by `column`): keep the rows whose value is one of
 * `in`, or none of `notIn`. NULL in a list matches NULL.
 *
 * @example
 * const loads: RoleCondition = { role: 'kind', in: ['load'] };
 * const assigned: RoleCondition = { column: 'binder', notIn: ['annotated_assignment', null] };
 */
export const RoleConditionSchema = z
  .object({
    role: ColumnRoleSchema.optional(),
    column: ColumnNameSchema.optional(),
    in: Values.optional(),
    notIn: Values.optional(),
  })
  .superRefine((c, ctx) => {
    if ((c.role === undefined) === (c.column === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['role'], message: 'give exactly one of role or column' });
    }
    if ((c.in === undefined) === (c.notIn === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['in'], message: 'give exactly one of in or notIn' });
    }
  })
  .readonly();
export type RoleCondition = z.infer<typeof RoleConditionSchema>;
