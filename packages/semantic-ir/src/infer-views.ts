import { formatIssues } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import type { DatasetSchema, SchemaRegistry } from '@anatomy/schema-authority';
import type { ProgramIr, ViewIr } from './compile-declarations.js';
import { fileDatasets } from './file-dataset.js';
import { inferNormalize } from './infer-normalize.js';
import { inferProject } from './infer-project.js';
import type { InferredProgram, InferredView } from './inferred-view.js';
import { SemanticIrError } from './semantic-ir-error.js';
import type { ViewKind } from './view-decl.js';
import { visitView } from './view-visitor.js';

type Inference = { readonly ok: true; readonly view: InferredView } | { readonly ok: false; readonly problems: readonly ValidationIssue[] };

function unsupported(view: ViewIr, kind: ViewKind): never {
  throw SemanticIrError.create('UnsupportedViewKind', `${view.name} is a ${kind} view; the compiler emits only normalize and project views so far`, {
    details: { view: view.name, kind },
    hint: `remove views[${view.index}] (${view.name}) from the program until ${kind} views are supported, or express it as normalize and project views`,
  });
}

/**
 * Infer phase: walks the views in dependency order and infers, from the
 * column roles of their inputs, everything their declarations leave out:
 * identity columns and their stable-id parts, which input column fills each
 * output column, and joins to the file dataset. Each inference is a Decision.
 * Throws `semantic-ir/InferenceFailed` listing every problem, or
 * `semantic-ir/UnsupportedViewKind` / `UnsupportedSpanUnit` for what the
 * compiler cannot do yet.
 *
 * @example
 * const inferred = inferViews(compileDeclarations(program, registry), registry);
 * inferred.views[0]?.decisions; // why each column is what it is
 */
export function inferViews(ir: ProgramIr, registry: SchemaRegistry): InferredProgram {
  const outputs = new Map<string, DatasetSchema>();
  const failed = new Set<string>();
  const issues: { readonly index: number; readonly issue: ValidationIssue }[] = [];
  const views: InferredView[] = [];
  const projections = new Set(ir.views.filter((v) => v.decl.kind === 'project').map((v) => v.name));
  const files = fileDatasets(registry.list(), projections);
  // A view's input is an earlier view's inferred output, else a registered dataset.
  const schemaOf = (name: string): DatasetSchema => outputs.get(name) ?? registry.get(name);

  for (const view of ir.views) {
    if (view.inputs.some((i) => failed.has(i))) {
      failed.add(view.name);
      continue;
    }
    const result = visitView<Inference>(view.decl, {
      normalize: (decl) => inferNormalize(decl, { name: view.name, index: view.index, input: schemaOf(decl.from) }),
      project: (decl) =>
        inferProject(decl, {
          name: view.name,
          index: view.index,
          contract: registry.get(view.name),
          sources: decl.rows.map((r) => schemaOf(r.from)),
          fileDatasets: files,
        }),
      derive: () => unsupported(view, 'derive'),
      relate: () => unsupported(view, 'relate'),
      union: () => unsupported(view, 'union'),
      diagnostic: () => unsupported(view, 'diagnostic'),
    });
    if (result.ok) {
      views.push(result.view);
      outputs.set(view.name, result.view.output);
    } else {
      failed.add(view.name);
      issues.push(...result.problems.map((issue) => ({ index: view.index, issue })));
    }
  }
  if (issues.length > 0) {
    // Report in declaration order, which is how the author reads the program.
    const sorted = [...issues].sort((a, b) => a.index - b.index).map((i) => i.issue);
    throw SemanticIrError.create('InferenceFailed', `cannot infer the views of ${ir.program}:\n${formatIssues(sorted)}`, {
      details: { issues: sorted },
      hint: 'give the input datasets the column roles named above, or change the declarations',
    });
  }
  return Object.freeze({ program: ir.program, views: Object.freeze(views), decisions: Object.freeze([]) });
}
