import { formatIssues, validate } from '@anatomy/contracts';
import { z } from 'zod';
import { PlanSignalsError } from './plan-signals-error.js';

/**
 * The least a view must say for DuckDB to plan it: its schema-qualified name
 * and its one SELECT. Manifest views carry more fields; they are accepted as
 * they are and the extra fields ignored.
 */
export const PlannableViewSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'a view name is schema-qualified, lower-case: schema.table'),
  sql: z.string().trim().min(1, 'the SQL of a view is one SELECT statement'),
});
export type PlannableView = z.infer<typeof PlannableViewSchema>;

/**
 * Checks a view description at the package boundary and returns it frozen.
 * Throws `plan-signals/InvalidView` listing every problem.
 *
 * @example
 * plannableView({ name: 'norm.defs', sql: 'SELECT * FROM evidence.ts_defs' });
 */
export function plannableView(input: unknown): PlannableView {
  const checked = validate(PlannableViewSchema, input);
  if (!checked.ok) {
    const name = typeof input === 'object' && input !== null && 'name' in input ? String(input.name) : '(unnamed)';
    throw PlanSignalsError.create('InvalidView', `the view ${name} cannot be planned:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: 'pass an object with a schema-qualified `name` and a non-empty SELECT in `sql`',
    });
  }
  return Object.freeze({ name: checked.value.name, sql: checked.value.sql });
}
