import { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import type { ViewLineage } from './view-lineage.js';

/**
 * What a view needs before it can run, inferred from its plan lineage and
 * never declared: the stored tables and views it reads, the columns it reads
 * from each (`*` for all), and the user macros it calls.
 */
export const InferredDepsSchema = z.object({
  view: z.string().min(1),
  /** Schema-qualified tables and views read, sorted. */
  inputs: z.array(z.string().min(1)),
  /** For every input, the sorted columns read from it (`*` when the SQL selects all of them). */
  requiredColumns: z.record(z.string(), z.array(z.string().min(1))),
  /** User-created macros called (DuckDB's built-in macros are always present), sorted. */
  requiredMacros: z.array(z.string().min(1)),
  inputsFrom: z.literal('plan-lineage'),
});
export type InferredDeps = z.infer<typeof InferredDepsSchema>;

/**
 * Derives a view's dependencies from its lineage alone: change the view's
 * SQL and its inputs follow, with nothing else to edit.
 *
 * @example
 * const deps = inferDeps(await parseLineage(store, view));
 * deps.inputs; // ['evidence.ts_defs', 'norm.files']
 */
export function inferDeps(lineage: ViewLineage): InferredDeps {
  const requiredColumns: Record<string, string[]> = {};
  for (const table of lineage.tables) requiredColumns[table] = [];
  for (const use of lineage.columns) {
    if (use.relation?.kind !== 'table') continue;
    const columns = requiredColumns[use.relation.name];
    if (columns !== undefined && !columns.includes(use.column)) columns.push(use.column);
  }
  for (const columns of Object.values(requiredColumns)) columns.sort();
  const requiredMacros = [
    ...new Set(lineage.functions.filter((f) => (f.kind === 'macro' || f.kind === 'table-macro') && !f.builtin).map((f) => f.name)),
  ].sort();
  return deepFreeze({
    view: lineage.view,
    inputs: [...lineage.tables].sort(),
    requiredColumns,
    requiredMacros,
    inputsFrom: 'plan-lineage' as const,
  });
}
