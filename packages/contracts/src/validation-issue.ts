import type { z } from 'zod';

/** One problem found in user input, as `path: message`. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** The outcome of validating user input: every problem, never only the first. */
export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/**
 * Validates input against a schema and returns all issues as `path: message`
 * pairs instead of throwing.
 *
 * @example
 * const r = validate(ConfigSchema, JSON.parse(text));
 * if (!r.ok) console.error(formatIssues(r.issues));
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown): Validated<z.infer<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
      message: issue.message,
    })),
  };
}

/** One `path: message` line per issue. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}
