import { formatIssues } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import type { SchemaRegistry } from '@anatomy/schema-authority';
import type { SemanticProgram } from './semantic-program.js';
import { SemanticIrError } from './semantic-ir-error.js';
import { endpointDataset } from './relate-endpoint.js';
import { topologicalOrder } from './topological-order.js';
import type { ViewDecl } from './view-decl.js';
import type { Relate } from './relate.js';
import { viewOutputName } from './view-output-name.js';
import { visitView } from './view-visitor.js';

/** A view of the IR: its declaration, resolved output name and the names it reads. */
export interface ViewIr {
  /** Position of the declaration in the program, for messages. */
  readonly index: number;
  /** Schema-qualified output name, e.g. `norm.defs`. */
  readonly name: string;
  readonly decl: ViewDecl;
  /** Registered datasets or other views this view reads, deduplicated. */
  readonly inputs: readonly string[];
}

/** The compiled declarations: every view with resolved names, in dependency order. */
export interface ProgramIr {
  readonly program: string;
  /** Every view after the views it reads; ties broken by name, so the order is deterministic. */
  readonly views: readonly ViewIr[];
}

/** Each input reference of a declaration with the path of the field that holds it. */
function inputReferences(view: ViewDecl, index: number): { readonly path: string; readonly name: string }[] {
  const at = `views[${index}]`;
  return visitView(view, {
    normalize: (v) => [{ path: `${at}.from`, name: v.from }],
    derive: (v) => [{ path: `${at}.from`, name: v.from }, ...(v.locateIn === undefined ? [] : [{ path: `${at}.locateIn`, name: v.locateIn }])],
    diagnostic: (v) => [{ path: `${at}.from`, name: v.from }, ...(v.unmatched === undefined ? [] : [{ path: `${at}.unmatched`, name: v.unmatched }])],
    relate: (v) => [
      { path: `${at}.left`, name: endpointDataset(v.left) },
      { path: `${at}.right`, name: endpointDataset(v.right) },
      ...Object.keys(v.agree ?? {}).map((name) => ({ path: `${at}.agree.${name}`, name })),
      ...(v.through ?? []).map((b, j) => ({ path: `${at}.through[${j}].from`, name: b.from })),
      ...unlessReferences(v, at),
    ],
    union: (v) => v.from.map((name, j) => ({ path: `${at}.from[${j}]`, name })),
    project: (v) => v.rows.map((r, j) => ({ path: `${at}.rows[${j}].from`, name: r.from })),
  });
}

/**
 * The views whose rows are edges: relate views, and unions of edge views (a
 * name bound by any of several rules). Unions may be declared before their
 * inputs, so the set grows until it stops changing.
 */
export function edgeViews(program: SemanticProgram): ReadonlySet<string> {
  const edges = new Set(program.views.filter((v) => v.kind === 'relate').map(viewOutputName));
  for (let grown = true; grown; ) {
    grown = false;
    for (const v of program.views) {
      if (v.kind === 'union' && !edges.has(viewOutputName(v)) && v.from.every((i) => edges.has(i))) {
        edges.add(viewOutputName(v));
        grown = true;
      }
    }
  }
  return edges;
}

/** The edge views (relate views or unions of them) whose edges disqualify rows of a relationship, with the path of the field naming each. */
function unlessReferences(view: Relate, at: string): { readonly path: string; readonly name: string }[] {
  return (['left', 'right'] as const).flatMap((side) => {
    const name = view.unless?.[side];
    return name === undefined ? [] : [{ path: `${at}.unless.${side}`, name }];
  });
}

/** References that must name relate views of the program: agreement sources, disqualifying relations and the relation a diagnostic checks. */
function relationReferences(view: ViewDecl, index: number): { readonly path: string; readonly name: string }[] {
  const at = `views[${index}]`;
  if (view.kind === 'relate') return Object.keys(view.agree ?? {}).map((name) => ({ path: `${at}.agree.${name}`, name }));
  if (view.kind === 'diagnostic' && view.unmatched !== undefined) return [{ path: `${at}.unmatched`, name: view.unmatched }];
  return [];
}

/**
 * Compile phase: turns declarations into the IR. It resolves every view's
 * output name and inputs against the registry and the program itself, and
 * throws `semantic-ir/InvalidProgram` listing every problem: unknown inputs
 * (a dataset named `unavailable` is known without being registered: the
 * views reading it are pruned before anything needs its schema),
 * projections onto unregistered contracts, views shadowing registered
 * datasets, and cycles.
 *
 * @example
 * const ir = compileDeclarations(program, registry);
 * ir.views.map((v) => v.name); // ['norm.defs', 'cpg.nodes']
 */
export function compileDeclarations(program: SemanticProgram, registry: SchemaRegistry, unavailable: ReadonlySet<string> = new Set()): ProgramIr {
  const issues: ValidationIssue[] = [];
  const viewNames = new Set(program.views.map(viewOutputName));
  const relations = new Set(program.views.filter((v) => v.kind === 'relate').map(viewOutputName));
  const edges = edgeViews(program);
  const known = (): string => [...new Set([...registry.list().map((d) => d.name), ...viewNames])].sort().join(', ');
  const views = program.views.map((decl, index): ViewIr => {
    const name = viewOutputName(decl);
    if (decl.kind === 'project') {
      if (!registry.has(name)) {
        issues.push({ path: `views[${index}].name`, message: `${name} is not a registered dataset; a projection fills an output contract registered with the schema authority` });
      }
    } else if (registry.has(name)) {
      issues.push({ path: `views[${index}].name`, message: `${name} would shadow the registered dataset of the same name` });
    }
    const refs = inputReferences(decl, index);
    for (const ref of refs) {
      if (!registry.has(ref.name) && !viewNames.has(ref.name) && !unavailable.has(ref.name)) {
        issues.push({ path: ref.path, message: `${ref.name} is neither a registered dataset nor a view of the program (known: ${known()})` });
      }
    }
    for (const ref of decl.kind === 'relate' ? unlessReferences(decl, `views[${index}]`) : []) {
      if (!edges.has(ref.name) && (viewNames.has(ref.name) || registry.has(ref.name))) {
        issues.push({ path: ref.path, message: `${ref.name} is neither a relate view nor a union of them; only edges can disqualify rows` });
      }
    }
    for (const ref of relationReferences(decl, index)) {
      if (!relations.has(ref.name) && (viewNames.has(ref.name) || registry.has(ref.name))) {
        issues.push({ path: ref.path, message: `${ref.name} is not a relate view; only relationships have edges to agree with or to be missing from` });
      }
    }
    return Object.freeze({ index, name, decl, inputs: Object.freeze([...new Set(refs.map((r) => r.name))]) });
  });
  const { ordered, blocked } = topologicalOrder(views);
  for (const view of blocked) {
    const within = view.inputs.filter((i) => blocked.some((b) => b.name === i));
    issues.push({ path: `views[${view.index}]`, message: `${view.name} cannot be ordered: it reads ${within.join(', ')}, which form or follow a cycle` });
  }
  if (issues.length > 0) {
    throw SemanticIrError.create('InvalidProgram', `program ${program.name} is invalid:\n${formatIssues(issues)}`, {
      details: { issues },
      hint: 'register the missing datasets or fix the view references; each line above names the field and the problem',
    });
  }
  return Object.freeze({ program: program.name, views: Object.freeze(ordered) });
}
