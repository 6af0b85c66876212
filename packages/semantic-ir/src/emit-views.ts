import type { CompilerDecision } from './compiler-decision.js';
import { emitDiagnosticSql } from './emit-diagnostic-sql.js';
import { emitEntitySql } from './emit-entity-sql.js';
import { emitProjectSql } from './emit-project-sql.js';
import { emitRelateSql } from './emit-relate-sql.js';
import { emitUnionSql } from './emit-union-sql.js';
import type { InferredProgram, InferredView } from './inferred-view.js';

/** A view as emitted: what the manifest records of it. */
export interface EmittedView {
  readonly name: string;
  readonly kind: InferredView['kind'];
  readonly sql: string;
  readonly output: boolean;
  readonly decisions: readonly CompilerDecision[];
}

function sqlOf(view: InferredView): string {
  switch (view.kind) {
    case 'normalize':
    case 'derive':
      return emitEntitySql(view);
    case 'relate':
      return emitRelateSql(view);
    case 'union':
      return emitUnionSql(view);
    case 'diagnostic':
      return emitDiagnosticSql(view);
    case 'project':
      return emitProjectSql(view);
  }
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
    (view): EmittedView => ({ name: view.name, kind: view.kind, sql: sqlOf(view), output: view.kind === 'project', decisions: view.decisions }),
  );
  return emitted.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
