import { canonicalJson, decide } from '@anatomy/contracts';
import type { ColumnFill, CompilerDecision } from './compiler-decision.js';
import { edgeTemplate } from './edge-template.js';
import type { InferredProgram, InferredProject, InferredRelate, InferredView, ProjectionSource, RelateJoin } from './inferred-view.js';
import { topologicalOrder } from './topological-order.js';

type JoinRelate = InferredRelate & { readonly plan: RelateJoin };

/** Relationships with equal keys compute the same candidate pairs. */
function joinKey(plan: RelateJoin): string {
  const side = (s: RelateJoin['left']): unknown => ({ dataset: s.dataset.name, id: s.id });
  return canonicalJson({ left: side(plan.left), right: side(plan.right), join: plan.join });
}

function remapFill(fill: ColumnFill, from: ReadonlySet<string>, to: string): ColumnFill {
  if ((fill.by === 'column' || fill.by === 'stable-id') && from.has(fill.dataset)) return { ...fill, dataset: to };
  return fill;
}

/**
 * Reads every member of a fused group from one branch of a projection, when
 * the projection reads them all and takes each row's kind from its
 * `edge_kind` (so one branch can carry several kinds).
 */
function rewriteProject(view: InferredProject, fused: JoinRelate, members: ReadonlySet<string>, decision: CompilerDecision): InferredProject {
  const reading = view.sources.filter((s) => members.has(s.dataset.name));
  const kindFromColumn = reading.every((s) => s.columns.some((c) => c.column.role === 'kind' && c.fill.by === 'column'));
  if (reading.length !== members.size || !kindFromColumn) return view;
  const [first] = reading;
  if (first === undefined) return view;
  const merged: ProjectionSource = Object.freeze({
    dataset: fused.output,
    fileJoin: first.fileJoin,
    columns: Object.freeze(first.columns.map((c) => Object.freeze({ column: c.column, fill: remapFill(c.fill, members, fused.name) }))),
  });
  const sources = [...view.sources.filter((s) => !members.has(s.dataset.name)), merged].sort((a, b) =>
    a.dataset.name < b.dataset.name ? -1 : a.dataset.name > b.dataset.name ? 1 : 0,
  );
  return Object.freeze({
    ...view,
    inputs: Object.freeze([...view.inputs.filter((i) => !members.has(i)), fused.name]),
    sources: Object.freeze(sources),
    decisions: Object.freeze([...view.decisions, decision]),
  });
}

/**
 * Optimize phase, join-group fusion: relationships that share a join (the
 * same left and right rows, identities, strategy and keys) are computed by
 * one view, `rel.<a>__<b>`, whose candidate pairs are joined once and which
 * emits every member's edges, each with its own filters, score, ranking
 * and kind. Each member becomes a slice of it (its rule's rows), and a
 * projection that reads every member reads the fused view in one branch
 * instead. Members reading one another (which would make a cycle) are not
 * fused. Each fusion is a
 * Decision, on the fused view and in the program's decisions.
 *
 * @example
 * fuseRelations(inferred).views.map((v) => v.name); // [… 'rel.resolves__scip_resolves', 'rel.resolves', 'rel.scip_resolves', …]
 */
export function fuseRelations(program: InferredProgram): InferredProgram {
  const byName = new Map(program.views.map((v) => [v.name, v]));
  const groups = new Map<string, JoinRelate[]>();
  for (const view of program.views) {
    // A transitive relationship closes its own edges only: its SQL cannot carry other members.
    if (view.kind !== 'relate' || view.plan.form !== 'join' || view.plan.transitive === true) continue;
    const key = joinKey(view.plan);
    groups.set(key, [...(groups.get(key) ?? []), view as JoinRelate]);
  }
  let views: InferredView[] = [...program.views];
  const decisions: CompilerDecision[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const members = [...group].sort((a, b) => (a.name < b.name ? -1 : 1));
    const name = `rel.${members.map((m) => m.name.slice(m.name.indexOf('.') + 1)).join('__')}`;
    if (byName.has(name)) continue;
    const [first] = members;
    if (first === undefined) continue;
    const memberNames = new Set(members.map((m) => m.name));
    const decision = decide({
      value: { topic: 'fusion' as const, view: name, members: members.map((m) => m.name), strategy: first.plan.join.strategy },
      confidence: 0.95,
      rationale: `${members.map((m) => m.name).join(', ')} join ${first.plan.left.dataset.name} to ${first.plan.right.dataset.name} by the same ${first.plan.join.strategy} join, so ${name} computes the candidate pairs once and emits the edges of every member`,
      evidence: [{ source: 'semantic-ir/optimize', detail: `shared join on ${first.plan.join.keys.map((k) => `${k.left} = ${k.right}`).join(' and ')}${first.plan.join.span === 'none' ? '' : ` with span ${first.plan.join.span}`}` }],
    });
    const fused: JoinRelate = Object.freeze({
      kind: 'relate',
      name,
      index: Math.min(...members.map((m) => m.index)),
      inputs: Object.freeze([...new Set(members.flatMap((m) => m.inputs))].sort()),
      output: edgeTemplate(name),
      plan: Object.freeze({ ...first.plan, members: Object.freeze(members.flatMap((m) => m.plan.members)) }),
      decisions: Object.freeze([decision, ...members.flatMap((m) => m.decisions)]),
    });
    const fusedViews = views.flatMap((v): InferredView[] => {
      if (memberNames.has(v.name)) {
        const slice: InferredRelate = Object.freeze({
          ...v,
          kind: 'relate' as const,
          inputs: Object.freeze([name]),
          plan: Object.freeze({ form: 'slice' as const, of: name, rule: v.name }),
          decisions: Object.freeze([decision]),
        });
        return v.name === first.name ? [fused, slice] : [slice];
      }
      return [v.kind === 'project' ? rewriteProject(v, fused, memberNames, decision) : v];
    });
    // Members that read one another, directly or through other views, would read their own fused view: not fused.
    const ordered = topologicalOrder(fusedViews);
    if (ordered.blocked.length > 0) continue;
    views = [...ordered.ordered];
    decisions.push(decision);
  }
  if (decisions.length === 0) return program;
  return Object.freeze({
    program: program.program,
    views: Object.freeze(views),
    decisions: Object.freeze([...program.decisions, ...decisions]),
  });
}
