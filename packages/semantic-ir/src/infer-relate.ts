import { decide } from '@anatomy/contracts';
import type { Evidence, ValidationIssue } from '@anatomy/contracts';
import type { DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import { edgeTemplate } from './edge-template.js';
import type { ViewInference } from './infer-entity-view.js';
import { inferBridge } from './infer-bridge.js';
import { inferJoin } from './infer-join.js';
import { pathBridges } from './path-bridges.js';
import type { FeatureTerm, InferredRelate, JoinPlan, RelateJoin, RelateMember, RelateSide } from './inferred-view.js';
import { QualityFeatureSchema } from './relate.js';
import type { QualityFeature, Relate } from './relate.js';
import { relateSide } from './relate-side.js';
import { resolveConditions } from './resolve-conditions.js';

/** Where a relate view is in the program and what it reads. */
export interface RelateContext {
  readonly name: string;
  readonly index: number;
  readonly left: DatasetSchema;
  readonly right: DatasetSchema;
  /** The bridge datasets of a relationship declared `through` them, in order. */
  readonly through?: readonly DatasetSchema[];
  /** Relate views inferred so far, by name, for agreement features. */
  readonly relations: ReadonlyMap<string, InferredRelate>;
  /** Views whose rows are edges (relate views and unions of them), which may disqualify rows (`unless`). */
  readonly edgeViews?: ReadonlySet<string>;
  /** See `JoinContext.nativeIdentity`. */
  readonly nativeIdentity: (dataset: string) => string | undefined;
  /** The namespaces a view's ids can be in (see `RelateSide.namespaces`); undefined when not known. */
  readonly idNamespaces?: (dataset: string) => readonly string[] | undefined;
}

/** How confidence follows from the score: bounded in [0, 1), strictly rising, 0.5 at a score of 1. */
export const CONFIDENCE_FORMULA = 'score / (1 + score), where score = prior + the weights of the features that hold';

/**
 * The edge column holding the ids of a relationship's left rows, when it
 * keeps one edge per left row (`keep: 'best'`, not transitive): joined by
 * that column, each row meets one of its edges at most. Undefined for any
 * other dataset.
 */
function onePerRowColumn(name: string, relations: ReadonlyMap<string, InferredRelate>): string | undefined {
  const view = relations.get(name);
  const plan = view?.plan.form === 'slice' ? relations.get(view.plan.of)?.plan : view?.plan;
  if (plan === undefined || plan.form !== 'join' || plan.transitive === true) return undefined;
  const member = plan.members.find((m) => m.rule === name);
  if (member?.keep !== 'best') return undefined;
  return member.src === 'left' ? 'src_node_id' : 'dst_node_id';
}

/**
 * The join with its bridges marked `toOne` when each left row meets one row
 * of every bridge at most, and the decision saying so; the join unchanged
 * otherwise.
 */
function orderedBridges(join: JoinPlan, name: string, relations: ReadonlyMap<string, InferredRelate>): { join: JoinPlan; decision?: CompilerDecision } {
  const through = join.through;
  if (through === undefined || through.steps.length === 0) return { join };
  const columns = through.steps.map((step) => {
    const column = onePerRowColumn(step.dataset.name, relations);
    return column !== undefined && step.pairs.some((p) => p.right === column) ? column : undefined;
  });
  if (columns.some((c) => c === undefined)) return { join };
  const bridges = through.steps.map((s) => s.dataset.name);
  return {
    join: Object.freeze({ ...join, through: Object.freeze({ ...through, toOne: true as const }) }),
    decision: decide({
      value: { topic: 'join-order' as const, rule: name, first: bridges },
      confidence: 0.9,
      rationale:
        `each left row meets one row of ${bridges.join(', then one of ')} at most, so the left rows are joined to the bridges first and the right rows last: ` +
        `DuckDB cannot estimate the keys of a ranked relationship and might otherwise join a bridge to every right row it names`,
      evidence: through.steps.map((step, i) => ({
        source: 'semantic-program',
        detail: `${step.dataset.name} keeps its best edge per left row, whose id is its ${columns[i] ?? ''}, the column the join meets it on`,
      })),
    }),
  };
}

function hasKey(join: JoinPlan, left: string | undefined, right: string | undefined): boolean {
  return left !== undefined && right !== undefined && join.keys.some((k) => k.left === left && k.right === right);
}

/** Why a feature cannot tell candidates apart here, or undefined when it can. */
function featureProblem(feature: QualityFeature, left: RelateSide, right: RelateSide, join: JoinPlan): string | undefined {
  switch (feature) {
    case 'innermost':
    case 'earliest':
    case 'latest':
      if (right.start === undefined || right.end === undefined) return `${right.dataset.name} has no byte span to compare candidates by`;
      if (join.toOne) return `a foreign key to ${right.dataset.name}'s identity gives each left row one candidate at most, so there is nothing to rank`;
      return undefined;
    case 'same-file':
      if (left.file === undefined || right.file === undefined) return 'both sides need a file identity';
      if (hasKey(join, left.file, right.file)) return `the ${join.strategy} join already requires the same file, so the feature always holds`;
      return undefined;
    case 'same-name':
      if (left.name === undefined || right.name === undefined) return 'both sides need a single name column';
      if (hasKey(join, left.name, right.name)) return 'the join already requires equal names, so the feature always holds';
      return undefined;
    case 'same-span':
      if (left.start === undefined || right.start === undefined) return 'both sides need a byte span';
      return undefined;
    case 'nearest':
      if (pathBridges(join).length === 0) return 'the join goes through no relationship whose edges carry a confidence';
      return undefined;
  }
}


function featureRationale(term: FeatureTerm): string {
  switch (term.feature) {
    case 'innermost':
      return `+${term.weight} for the candidate with the smallest span among the left row's candidates`;
    case 'earliest':
      return `+${term.weight} for the candidate that starts first among the left row's candidates`;
    case 'latest':
      return `+${term.weight} for the candidate that starts last among the left row's candidates`;
    case 'same-file':
      return `+${term.weight} when both rows are in the same file`;
    case 'same-name':
      return `+${term.weight} when both rows have the same name`;
    case 'same-span':
      return `+${term.weight} when both rows have the same byte span`;
    case 'nearest':
      return `+${term.weight} for the candidate reached through the most confident chain of bridge edges among the left row's candidates`;
    case 'agrees':
      return `+${term.weight} when ${term.view} has an edge between the same two rows`;
  }
}

function identityText(side: RelateSide): string {
  return side.id.by === 'column' ? `${side.dataset.name}.${side.id.column}` : `the stable id of (${side.id.parts.join(', ')}) in namespace '${side.id.namespace}'`;
}

/**
 * Infers a relate view: both sides' identities and roles, the join strategy
 * (see `inferJoin`), the resolved filters, the weighted features and their
 * confidence, the ranking of candidates per left row, and where each edge's
 * evidence sits (the left row's file and span when it has them, else the
 * right row's). Features that cannot tell candidates apart, because the
 * join already implies them or the roles they compare are missing, are
 * problems: they would make every confidence the same.
 *
 * @example
 * const r = inferRelate(defParent, { name: 'rel.def_parent', index: 3, left: normDefs, right: scopes, relations, nativeIdentity });
 * if (r.ok && r.view.plan.form === 'join') r.view.plan.join.strategy; // 'span-contains'
 */
export function inferRelate(view: Relate, context: RelateContext): ViewInference<InferredRelate> {
  const { name } = context;
  const at = `views[${context.index}]`;
  const problems: ValidationIssue[] = [];
  const decisions: CompilerDecision[] = [];
  const left = relateSide(view.left, context.left, name, 'left', context.idNamespaces?.(context.left.name));
  const right = relateSide(view.right, context.right, name, 'right', context.idNamespaces?.(context.right.name));
  if ('problem' in left) problems.push({ path: `${at}.left`, message: left.problem });
  if ('problem' in right) problems.push({ path: `${at}.right`, message: right.problem });
  if ('problem' in left || 'problem' in right) return { ok: false, problems };
  decisions.push(...left.decisions, ...right.decisions);
  const l = left.side;
  const r = right.side;

  const { through } = view;
  const bridge = through === undefined ? undefined : context.through;
  if (through !== undefined && bridge?.length !== through.length) return { ok: false, problems: [{ path: `${at}.through`, message: 'the bridge datasets are not known' }] };
  const joined =
    through === undefined || bridge === undefined
      ? inferJoin({ left: l, right: r, intent: view.intent, on: view.on, nativeIdentity: context.nativeIdentity })
      : inferBridge(through, { left: l.dataset, right: r.dataset, bridges: bridge, on: view.on });
  if (!joined.ok) return { ok: false, problems: [{ path: through !== undefined ? `${at}.through` : view.on === undefined ? `${at}.intent` : `${at}.on`, message: joined.problem }] };
  decisions.push(joined.decision);
  const ordered = orderedBridges(joined.join, name, context.relations);
  if (ordered.decision !== undefined) decisions.push(ordered.decision);
  const join = ordered.join;

  const whereLeft = resolveConditions(l.dataset, view.where?.left, `${at}.where.left`);
  const whereRight = resolveConditions(r.dataset, view.where?.right, `${at}.where.right`);
  problems.push(...whereLeft.problems, ...whereRight.problems);
  decisions.push(...whereLeft.decisions, ...whereRight.decisions);

  const features: FeatureTerm[] = [];
  for (const feature of QualityFeatureSchema.options) {
    const weight = view.score?.[feature];
    if (weight === undefined) continue;
    const problem = featureProblem(feature, l, r, join);
    if (problem === undefined) features.push(Object.freeze({ feature, weight }));
    else problems.push({ path: `${at}.score.${feature}`, message: `${feature} cannot discriminate: ${problem}` });
  }
  for (const [other, weight] of Object.entries(view.agree ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!context.relations.has(other)) {
      problems.push({ path: `${at}.agree.${other}`, message: `${other} is not an inferred relate view` });
      continue;
    }
    features.push(Object.freeze({ feature: 'agrees' as const, view: other, weight, columns: Object.freeze({ src: 'src_node_id', dst: 'dst_node_id' }) }));
  }
  const unless = { left: view.unless?.left, right: view.unless?.right };
  for (const [side, other] of Object.entries(unless)) {
    if (other !== undefined && !context.relations.has(other) && context.edgeViews?.has(other) !== true) {
      problems.push({ path: `${at}.unless.${side}`, message: `${other} is neither an inferred relate view nor a union of them` });
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const prior = joined.prior;
  const ceiling = prior + features.reduce((s, f) => s + f.weight, 0);
  const evidence: Evidence[] = [
    { source: 'semantic-ir', detail: `the ${join.strategy} join weighs ${prior} on its own` },
    ...(features.length === 0
      ? [{ source: 'semantic-program', detail: `${name} declares no quality feature` }]
      : features.map((f) => ({ source: 'semantic-program', detail: featureRationale(f) }))),
    ...(view.transitive === true
      ? [{ source: 'semantic-program', detail: `${name} is transitive: an edge closing a path a → … → z has the product of the confidences of the most confident such path` }]
      : []),
  ];
  decisions.push(
    decide({
      value: {
        topic: 'confidence' as const,
        rule: name,
        prior,
        features: features.map((f) => ({ feature: f.feature === 'agrees' ? `agrees:${f.view}` : f.feature, weight: f.weight })),
        formula: CONFIDENCE_FORMULA,
      },
      confidence: features.length === 0 ? 0.6 : 0.9,
      rationale:
        features.length === 0
          ? `with no feature to tell edges apart, every edge of ${name} gets ${(prior / (1 + prior)).toFixed(3)}, the confidence of its join alone`
          : `confidence rises with the evidence that holds, from ${(prior / (1 + prior)).toFixed(3)} (the join alone) to ${(ceiling / (1 + ceiling)).toFixed(3)} (every feature)`,
      evidence,
    }),
  );

  const rightSpan = r.start !== undefined && r.end !== undefined;
  const order = ['confidence DESC', ...(rightSpan ? ['right span length ASC'] : []), 'right id ASC'];
  decisions.push(
    decide({
      value: { topic: 'ranking' as const, rule: name, partition: identityText(l), order, keep: view.keep },
      confidence: 0.95,
      rationale:
        view.keep === 'best'
          ? `keep 'best' keeps one edge per left row, so candidates are ranked within each left entity's identity: the most confident first, ties going to the smallest right span, then the smallest right id, so the choice is the same in every build`
          : `keep 'all' keeps every candidate; the ranking still orders them per left entity`,
      evidence: [{ source: 'semantic-program', detail: `${name} keeps ${view.keep}` }, { source: 'semantic-ir', detail: `the left rows are identified by ${identityText(l)}` }],
    }),
  );

  const fileSide = l.file !== undefined ? 'left' : r.file !== undefined ? 'right' : undefined;
  const spanSide = l.start !== undefined && l.end !== undefined ? 'left' : rightSpan ? 'right' : undefined;
  const sideOf = (s: 'left' | 'right'): RelateSide => (s === 'left' ? l : r);
  const locate = (column: string, side: 'left' | 'right' | undefined, source: string | undefined): void => {
    const ds = side === undefined ? l.dataset : sideOf(side).dataset;
    decisions.push(
      decide({
        value: {
          topic: 'column-fill' as const,
          source: ds.name,
          column,
          fill: side === undefined || source === undefined ? { by: 'null' as const } : { by: 'column' as const, dataset: ds.name, column: source },
        },
        confidence: side === 'left' ? 0.9 : 0.8,
        rationale:
          side === undefined
            ? `neither side has the role of ${column}, so the edge's evidence is not located there`
            : side === 'left'
              ? `the edge is evidence about its left row, so it sits where that row does`
              : `the left row is not located, so the edge sits where its right row does`,
        evidence: [{ source: 'schema-authority', detail: side === undefined ? `${l.dataset.name} and ${r.dataset.name} lack it` : `${ds.name}.${source ?? ''} locates its rows` }],
      }),
    );
  };
  locate('file_id', fileSide, fileSide === undefined ? undefined : sideOf(fileSide).file);
  locate('bstart', spanSide, spanSide === undefined ? undefined : sideOf(spanSide).start);
  locate('bend', spanSide, spanSide === undefined ? undefined : sideOf(spanSide).end);

  const member: RelateMember = Object.freeze({
    rule: name,
    edge: view.edge,
    src: view.src,
    where: Object.freeze({ left: whereLeft.conditions, right: whereRight.conditions }),
    prior,
    features: Object.freeze(features),
    keep: view.keep,
    unless: Object.freeze(unless),
  });
  const plan: RelateJoin = Object.freeze({
    form: 'join',
    left: l,
    right: r,
    join,
    members: Object.freeze([member]),
    location: Object.freeze({ file: fileSide, span: spanSide }),
    ...(view.transitive === true ? { transitive: true as const } : {}),
  });
  const inputs = [...new Set([l.dataset.name, r.dataset.name, ...(bridge ?? []).map((b) => b.name), ...[unless.left, unless.right].filter((n) => n !== undefined), ...features.flatMap((f) => (f.feature === 'agrees' ? [f.view] : []))])];
  return {
    ok: true,
    view: Object.freeze({ kind: 'relate', name, index: context.index, inputs: Object.freeze(inputs), output: edgeTemplate(name), plan, decisions: Object.freeze(decisions) }),
  };
}
