import { formatIssues, validate } from '@anatomy/contracts';
import { z } from 'zod';
import { SemanticIrError } from './semantic-ir-error.js';
import { ViewDeclSchema } from './view-decl.js';
import { viewOutputName } from './view-output-name.js';

/**
 * A semantic program: a name and its view declarations. Order carries no
 * meaning; the compiler orders views by what they read.
 */
export const SemanticProgramSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits or dashes'),
    views: z.array(ViewDeclSchema).min(1).readonly(),
  })
  .superRefine((program, ctx) => {
    const first = new Map<string, number>();
    program.views.forEach((view, i) => {
      const name = viewOutputName(view);
      const earlier = first.get(name);
      if (earlier === undefined) first.set(name, i);
      else ctx.addIssue({ code: 'custom', path: ['views', i, 'name'], message: `${name} is already declared by views[${earlier}]` });
    });
  })
  .readonly();
export type SemanticProgram = z.infer<typeof SemanticProgramSchema>;

/**
 * Validates and freezes a semantic program. Throws `semantic-ir/InvalidProgram`
 * listing every structural problem; references to datasets are checked later,
 * against a registry, by `compileProgram`.
 *
 * @example
 * const program = defineProgram({ name: 'python-cpg', views: [
 *   Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' }),
 *   Project.create({ name: 'cpg.nodes', rows: [{ from: 'norm.defs', kind: 'DEF' }] }),
 * ] });
 */
export function defineProgram(input: z.input<typeof SemanticProgramSchema>): SemanticProgram {
  const result = validate(SemanticProgramSchema, input);
  if (!result.ok) {
    throw SemanticIrError.create('InvalidProgram', `program ${String((input as { name?: unknown }).name)} is invalid:\n${formatIssues(result.issues)}`, {
      details: { issues: result.issues },
      hint: 'fix the declarations; each line above names the view and the problem',
    });
  }
  return result.value;
}
