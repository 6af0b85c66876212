import { formatIssues } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { DatasetSchema, SchemaRegistry } from '@anatomy/schema-authority';
import type { ProgramIr } from './compile-declarations.js';
import { fileDatasets } from './file-dataset.js';
import { inferDiagnostic } from './infer-diagnostic.js';
import { inferEntityView } from './infer-entity-view.js';
import type { ViewInference } from './infer-entity-view.js';
import { inferProject } from './infer-project.js';
import { inferProperties, isPropertyContract } from './infer-properties.js';
import { inferRelate } from './infer-relate.js';
import { EDGE_NAMESPACE } from './edge-template.js';
import { inferUnion } from './infer-union.js';
import type { InferredProgram, InferredRelate, InferredView } from './inferred-view.js';
import { lineIndexDatasets } from './line-index-dataset.js';
import { endpointDataset } from './relate-endpoint.js';
import { SemanticIrError } from './semantic-ir-error.js';
import { visitView } from './view-visitor.js';

/**
 * Infer phase: walks the views in dependency order and infers, from the
 * column roles of their inputs, everything their declarations leave out:
 * identity columns and their stable-id parts, span conversion, the columns
 * conditions test, join strategies, confidence and ranking, union
 * alignment, diagnostic columns, which input column fills each output
 * column, and joins to the file dataset. Each inference is a Decision.
 * Throws `semantic-ir/InferenceFailed` listing every problem, or
 * `semantic-ir/UnsupportedSpanUnit` where a line/column dataset is read
 * where bytes are needed.
 *
 * @example
 * const inferred = inferViews(compileDeclarations(program, registry), registry);
 * inferred.views[0]?.decisions; // why each column is what it is
 */
export function inferViews(ir: ProgramIr, registry: SchemaRegistry): InferredProgram {
  const outputs = new Map<string, DatasetSchema>();
  const native = new Map<string, string | undefined>();
  const relations = new Map<string, InferredRelate>();
  const unions = new Set<string>();
  const failed = new Set<string>();
  const issues: { readonly index: number; readonly issue: ValidationIssue }[] = [];
  const views: InferredView[] = [];
  const projections = new Set(ir.views.filter((v) => v.decl.kind === 'project').map((v) => v.name));
  const files = fileDatasets(registry.list(), projections);
  const lineIndexes = lineIndexDatasets(registry.list());
  // A view's input is an earlier view's inferred output, else a registered dataset.
  const schemaOf = (name: string): DatasetSchema => outputs.get(name) ?? registry.get(name);
  // The namespaces of each view's ids, from how the view makes them; a registered dataset's are not known.
  const namespaces = new Map<string, readonly string[] | undefined>();
  const idNamespaces = (name: string): readonly string[] | undefined => namespaces.get(name);
  const nativeIdentity = (name: string): string | undefined =>
    native.has(name) ? native.get(name) : registry.has(name) ? columnsWithRole(registry.get(name), 'entity-identity')[0]?.name : undefined;

  for (const view of ir.views) {
    if (view.inputs.some((i) => failed.has(i))) {
      failed.add(view.name);
      continue;
    }
    const base = { name: view.name, index: view.index };
    const result = visitView<ViewInference<InferredView>>(view.decl, {
      normalize: (decl) => inferEntityView(decl, { ...base, input: schemaOf(decl.from), lineIndexes }),
      derive: (decl) =>
        inferEntityView(decl, { ...base, input: schemaOf(decl.from), lineIndexes, fileDatasets: files, ...(decl.locateIn === undefined ? {} : { parent: schemaOf(decl.locateIn) }) }),
      relate: (decl) =>
        inferRelate(decl, {
          ...base,
          left: schemaOf(endpointDataset(decl.left)),
          right: schemaOf(endpointDataset(decl.right)),
          ...(decl.through === undefined ? {} : { through: decl.through.map((b) => schemaOf(b.from)) }),
          relations,
          edgeViews: unions,
          nativeIdentity,
          idNamespaces,
        }),
      union: (decl) => inferUnion({ ...base, inputs: decl.from.map(schemaOf) }),
      diagnostic: (decl) => inferDiagnostic(decl, { ...base, input: schemaOf(decl.from), relations }),
      project: (decl) => {
        const context = { ...base, contract: registry.get(view.name), sources: decl.rows.map((r) => schemaOf(r.from)), fileDatasets: files };
        // A contract of properties (cpg.props) takes one row per described column, not one per entity.
        return isPropertyContract(context.contract) ? inferProperties(decl, context) : inferProject(decl, context);
      },
    });
    if (!result.ok) {
      failed.add(view.name);
      issues.push(...result.problems.map((issue) => ({ index: view.index, issue })));
      continue;
    }
    const inferred = result.view;
    views.push(inferred);
    outputs.set(view.name, inferred.output);
    namespaces.set(view.name, idNamespacesOf(inferred, idNamespaces));
    if (inferred.kind === 'relate') relations.set(view.name, inferred);
    // A union of edge views holds edges too (a name bound by any of several rules).
    if (inferred.kind === 'union' && view.decl.kind === 'union' && view.decl.from.every((i) => relations.has(i) || unions.has(i))) unions.add(view.name);
    // Re-identified rows keep their producer's identity as an attribute of the same name, which the producer's parent pointers hold.
    native.set(view.name, inferred.kind === 'normalize' || inferred.kind === 'derive' ? nativeIdentity(inferred.input.name) : undefined);
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

/**
 * The namespaces a view's ids can be in: an entity view's new identity is
 * in its entity's, a kept one in its input's; a union's are its inputs';
 * edges are in the edge namespace and diagnostics in their own. Undefined
 * when any of that is not known (a registered dataset's ids, a projection).
 */
function idNamespacesOf(view: InferredView, known: (dataset: string) => readonly string[] | undefined): readonly string[] | undefined {
  switch (view.kind) {
    case 'normalize':
    case 'derive':
      return view.identity === undefined ? known(view.input.name) : [view.identity.fill.namespace];
    case 'union': {
      const inputs = view.branches.map((b) => known(b.dataset.name));
      return inputs.some((n) => n === undefined) ? undefined : [...new Set(inputs.flatMap((n) => n ?? []))].sort();
    }
    case 'relate':
      return [EDGE_NAMESPACE];
    case 'diagnostic': {
      const identity = view.columns.find((c) => c.column.role === 'entity-identity')?.value;
      return identity?.by === 'stable-id' ? [identity.namespace] : undefined;
    }
    case 'project':
      return undefined;
  }
}
