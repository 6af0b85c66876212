import type { InferredProgram, InferredView } from './inferred-view.js';
import { emitNormalizeSql } from './emit-normalize-sql.js';
import { emitProjectSql } from './emit-project-sql.js';
import type { CompilerDecision } from './compiler-decision.js';

/** A view as emitted: what the manifest records of it. */
export interface EmittedView {
  readonly name: string;
  readonly kind: InferredView['kind'];
  readonly sql: string;
  readonly output: boolean;
  readonly decisions: readonly CompilerDecision[];
}

/**
 * Emit phase: one DuckDB SELECT statement per view, sorted by view name.
 * Projections are the program's outputs.
 *
 * @example
 * emitViews(pruneDeadViews(inferred)).map((v) => v.name); // ['cpg.nodes', 'norm.defs']
 */
export function emitViews(program: InferredProgram): readonly EmittedView[] {
  const emitted = program.views.map(
    (view): EmittedView => ({
      name: view.name,
      kind: view.kind,
      sql: view.kind === 'normalize' ? emitNormalizeSql(view) : emitProjectSql(view),
      output: view.kind === 'project',
      decisions: view.decisions,
    }),
  );
  return emitted.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
