import { validate } from '@anatomy/contracts';
import type { z } from 'zod';
import { CpgQueryError } from './cpg-query-error.js';

const MAX_REPORTED = 20;

/**
 * Validates rows read from the contract tables against their schema and
 * freezes them. A row the contract forbids is a defect of the build that
 * wrote it, so the whole answer is refused with the first problems listed
 * rather than returned partly wrong.
 *
 * @example
 * contractRows(CpgNodeSchema, rows, { file: cpg.path, describe: (r) => `node ${String(r['node_id'])}` });
 */
export function contractRows<S extends z.ZodType>(
  schema: S,
  rows: readonly unknown[],
  context: { readonly file: string; readonly describe: (row: unknown) => string },
): readonly z.infer<S>[] {
  const values: z.infer<S>[] = [];
  const problems: string[] = [];
  for (const row of rows) {
    const parsed = validate(schema, row);
    if (parsed.ok) values.push(deepFreeze(parsed.value));
    else if (problems.length < MAX_REPORTED) problems.push(`${context.describe(row)}: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
  if (problems.length > 0) {
    throw CpgQueryError.create('ContractViolation', `the CPG in ${context.file} holds rows the contract forbids:\n${problems.join('\n')}`, {
      details: { path: context.file, problems },
      hint: 'rebuild the CPG with `anatomy build <dir>`; if it persists, report it as a bug of the build',
    });
  }
  return Object.freeze(values);
}

function deepFreeze<T>(value: T): T {
  // Byte arrays cannot be frozen; the contract tables hold none.
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
