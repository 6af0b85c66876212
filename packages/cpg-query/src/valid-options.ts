import { formatIssues, validate } from '@anatomy/contracts';
import type { z } from 'zod';
import { CpgQueryError } from './cpg-query-error.js';

/**
 * Parses the options of a question or export, failing with
 * `cpg-query/InvalidArgument` that lists every problem at once.
 *
 * @example
 * const { depth } = validOptions(TraversalOptionsSchema, { depth: 2 }, 'callers');
 */
export function validOptions<S extends z.ZodType>(schema: S, input: unknown, role: string): z.output<S> {
  const checked = validate(schema, input ?? {});
  if (!checked.ok) {
    throw CpgQueryError.create('InvalidArgument', `invalid arguments of ${role}:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: `see the README of @anatomy/cpg-query for the arguments of ${role}`,
    });
  }
  return checked.value as z.output<S>;
}
