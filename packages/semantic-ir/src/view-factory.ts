import { formatIssues, validate } from '@anatomy/contracts';
import type { z } from 'zod';
import { SemanticIrError } from './semantic-ir-error.js';

/** The same-named companion of a view type: `create` validates and freezes, `is` narrows by kind. */
export interface ViewFactory<K extends string, S extends z.ZodType<{ readonly kind: K }>> {
  readonly kind: K;
  readonly schema: S;
  create(input: Omit<z.input<S>, 'kind'>): z.infer<S>;
  is(value: unknown): value is z.infer<S>;
}

/**
 * Builds the factory object of one view kind. `create` throws
 * `semantic-ir/InvalidView` listing every problem of the declaration; the
 * result is frozen at every depth by the schema's `readonly()` wrappers.
 *
 * @example
 * export const Normalize = viewFactory('normalize', NormalizeSchema);
 */
export function viewFactory<K extends string, S extends z.ZodType<{ readonly kind: K }>>(kind: K, schema: S): ViewFactory<K, S> {
  return Object.freeze({
    kind,
    schema,
    create(input: Omit<z.input<S>, 'kind'>): z.infer<S> {
      const result = validate(schema, { ...input, kind });
      if (!result.ok) {
        const name = (input as { name?: unknown }).name;
        throw SemanticIrError.create('InvalidView', `${kind} view ${String(name)} is invalid:\n${formatIssues(result.issues)}`, {
          details: { kind, issues: result.issues },
          hint: 'fix the declaration; each line above names the field and the problem',
        });
      }
      return result.value;
    },
    is(value: unknown): value is z.infer<S> {
      return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind;
    },
  });
}
