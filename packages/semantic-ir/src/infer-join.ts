import { decide } from '@anatomy/contracts';
import type { Evidence } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { ColumnRole, ColumnSpec, ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision, JoinStrategy } from './compiler-decision.js';
import type { JoinPlan, RelateSide } from './inferred-view.js';
import type { RelateIntent, RelateKey } from './relate.js';
import { missingRoleEvidence, roleEvidence } from './role-evidence.js';

/** What join inference needs to know about a relationship. */
export interface JoinContext {
  readonly left: RelateSide;
  readonly right: RelateSide;
  readonly intent: RelateIntent;
  readonly on: RelateKey | undefined;
  /**
   * The column of a dataset holding its producer's own identity for its rows
   * (kept as an attribute when a normalize view re-identified them), which
   * the producer's parent pointers refer to; undefined when unknown.
   */
  readonly nativeIdentity: (dataset: string) => string | undefined;
}

/** An inferred join with the strategy's weight of evidence (its prior), or why none fits. */
export type JoinInference =
  | { readonly ok: true; readonly join: JoinPlan; readonly prior: number; readonly decision: CompilerDecision }
  | { readonly ok: false; readonly problem: string };

/** How much each strategy's match alone says: an exact pointer says more than equal names. */
export const STRATEGY_PRIORS = Object.freeze({
  'foreign-key': 4,
  'file-local-key': 3,
  'symbol-identity': 3,
  'declared-key': 2,
  'file-equi-join': 2,
  'span-contains': 1,
  'span-overlap': 1,
  'name-in-file': 1,
  'name-global': 0.5,
} as const);

/** Roles whose values are positions inside one file, so a key on them holds only within a file. */
const POSITION_ROLES: ReadonlySet<ColumnRole> = new Set(['span-start', 'span-end', 'line', 'column', 'end-line', 'end-column']);

function family(type: ColumnType): string {
  return type === 'int32' || type === 'int64' ? 'integer' : type;
}

function column(ds: DatasetSchema, name: string | undefined): ColumnSpec | undefined {
  return name === undefined ? undefined : ds.columns.find((c) => c.name === name);
}

interface Candidate {
  readonly strategy: JoinStrategy;
  readonly toOne: boolean;
  readonly keys: readonly { readonly left: string; readonly right: string }[];
  readonly span: JoinPlan['span'];
  readonly prior: number;
  readonly confidence: number;
  readonly rationale: string;
  readonly evidence: readonly Evidence[];
}

function fileKey(left: RelateSide, right: RelateSide): { left: string; right: string } | undefined {
  return left.file !== undefined && right.file !== undefined ? { left: left.file, right: right.file } : undefined;
}

function located(side: RelateSide): boolean {
  return side.file !== undefined && side.start !== undefined && side.end !== undefined;
}

function sideEvidence(side: RelateSide, names: readonly (string | undefined)[]): Evidence[] {
  return names.flatMap((n) => {
    const c = column(side.dataset, n);
    return c === undefined ? [] : [roleEvidence(side.dataset, c)];
  });
}

/** The key columns a declaration names, or picks by a role each side plays once. */
function declaredColumns(context: JoinContext): { l: ColumnSpec; r: ColumnSpec } | { problem: string } {
  const { left, right, on } = context;
  if (on === undefined) return { problem: 'no key declared' };
  if ('role' in on) {
    const ls = columnsWithRole(left.dataset, on.role);
    const rs = columnsWithRole(right.dataset, on.role);
    const [l] = ls;
    const [r] = rs;
    if (l === undefined || r === undefined || ls.length > 1 || rs.length > 1) {
      return { problem: `on.role needs one column with the role ${on.role} on each side; ${left.dataset.name} has ${ls.length}, ${right.dataset.name} has ${rs.length}` };
    }
    return { l, r };
  }
  const l = column(left.dataset, on.left);
  if (l === undefined) return { problem: `${left.dataset.name} has no column ${on.left} (on.left)` };
  const rightName = on.right ?? (right.id.by === 'column' ? right.id.column : undefined);
  if (rightName === undefined) return { problem: `the right side's ids are computed, so on.right must name the column ${on.left} refers to` };
  const r = column(right.dataset, rightName);
  if (r === undefined) return { problem: `${right.dataset.name} has no column ${rightName} (on.right)` };
  return { l, r };
}

/**
 * A key declared by the program: a foreign key when the right column is an
 * identity of the right rows, a file-local key when it is a position (or a
 * name) and both sides have files, else a key matched across the repository.
 */
function declaredKey(context: JoinContext): Candidate | { problem: string } {
  const { left, right } = context;
  const found = declaredColumns(context);
  if ('problem' in found) return found;
  const { l, r } = found;
  if (family(l.type) !== family(r.type)) return { problem: `${left.dataset.name}.${l.name} (${l.type}) cannot equal ${right.dataset.name}.${r.name} (${r.type})` };
  const declared: Evidence = { source: 'semantic-program', detail: `the declaration keys ${left.dataset.name}.${l.name} to ${right.dataset.name}.${r.name}` };
  const toIdentity = (right.id.by === 'column' && right.id.column === r.name) || context.nativeIdentity(right.dataset.name) === r.name;
  if (toIdentity) {
    return {
      strategy: 'foreign-key',
      toOne: true,
      keys: [{ left: l.name, right: r.name }],
      span: 'none',
      prior: STRATEGY_PRIORS['foreign-key'],
      confidence: 1,
      rationale: `the declared key ${l.name} holds ids of ${right.dataset.name}'s rows (${r.name}, an identity of them), a foreign key`,
      evidence: [declared, roleEvidence(right.dataset, r)],
    };
  }
  const files = fileKey(left, right);
  if (r.role === 'name' && files !== undefined) {
    return {
      strategy: 'symbol-match',
      toOne: false,
      keys: [files, { left: l.name, right: r.name }],
      span: 'none',
      prior: STRATEGY_PRIORS['name-in-file'],
      confidence: 0.95,
      rationale: `the declared key matches names, and a bare name is resolved within its file, so it is joined together with the file identities`,
      evidence: [declared, roleEvidence(right.dataset, r), ...sideEvidence(left, [left.file]), ...sideEvidence(right, [right.file])],
    };
  }
  if (r.role !== undefined && POSITION_ROLES.has(r.role) && files !== undefined) {
    return {
      strategy: 'foreign-key',
      toOne: false,
      keys: [files, { left: l.name, right: r.name }],
      span: 'none',
      prior: STRATEGY_PRIORS['file-local-key'],
      confidence: 0.95,
      rationale: `${r.name} has the position role ${r.role}, which identifies a row only within its file, so the declared key is joined together with the file identities`,
      evidence: [declared, roleEvidence(right.dataset, r), ...sideEvidence(left, [left.file]), ...sideEvidence(right, [right.file])],
    };
  }
  return {
    strategy: 'symbol-match',
    toOne: false,
    keys: [{ left: l.name, right: r.name }],
    span: 'none',
    prior: STRATEGY_PRIORS['declared-key'],
    confidence: 1,
    rationale: `the declared key ${l.name} = ${r.name} matches rows across the repository by value`,
    evidence: [declared],
  };
}

/** A parent pointer of the left side into the right side's producer identity. */
function foreignKey(context: JoinContext): Candidate | { problem: string } {
  const { left, right } = context;
  const parents = columnsWithRole(left.dataset, 'parent-identity');
  const [parent] = parents;
  if (parent === undefined) return { problem: `${left.dataset.name} has no parent-identity column` };
  if (parents.length > 1) return { problem: `${left.dataset.name} has several parent-identity columns (${parents.map((c) => c.name).join(', ')})` };
  const target = column(right.dataset, context.nativeIdentity(right.dataset.name));
  if (target === undefined) return { problem: `${right.dataset.name} has no identity of its producer's for ${parent.name} to point at` };
  if (left.dataset.producer !== right.dataset.producer) {
    return { problem: `${parent.name} holds ids of ${left.dataset.producer}, and ${right.dataset.name} comes from ${right.dataset.producer}` };
  }
  if (family(parent.type) !== family(target.type)) return { problem: `${parent.name} (${parent.type}) cannot equal ${target.name} (${target.type})` };
  const reidentified = right.id.by !== 'column' || right.id.column !== target.name;
  return {
    strategy: 'foreign-key',
    toOne: true,
    keys: [{ left: parent.name, right: target.name }],
    span: 'none',
    prior: STRATEGY_PRIORS['foreign-key'],
    confidence: 0.85,
    rationale: `${parent.name} of ${left.dataset.name} is a parent pointer of ${left.dataset.producer}, which identifies ${right.dataset.name}'s rows by ${target.name}${
      reidentified ? ' (kept as an attribute since the rows were re-identified)' : ''
    }: a foreign key`,
    evidence: [
      roleEvidence(left.dataset, parent),
      { source: 'schema-authority', detail: `${left.dataset.name} and ${right.dataset.name} are both produced by ${left.dataset.producer}` },
      { source: 'semantic-ir', detail: `${right.dataset.name}.${target.name} holds ${right.dataset.producer}'s own identity of its rows` },
    ],
  };
}

function spanJoin(context: JoinContext, span: 'contains' | 'overlap'): Candidate | { problem: string } {
  const { left, right } = context;
  const files = fileKey(left, right);
  if (!located(left) || !located(right) || files === undefined) {
    const lacking = [left, right].filter((s) => !located(s)).map((s) => s.dataset.name);
    return { problem: `${lacking.join(' and ')} lack a file identity and byte span (file-identity, span-start and span-end roles)` };
  }
  const strategy = span === 'contains' ? 'span-contains' : 'span-overlap';
  return {
    strategy,
    toOne: false,
    keys: [files],
    span,
    prior: STRATEGY_PRIORS[strategy],
    confidence: 0.9,
    rationale:
      span === 'contains'
        ? `both sides are located by file and byte span, so a left row lies within a right row when they share the file and the right span contains the left span`
        : `both sides are located by file and byte span, so the rows overlap when they share the file and their spans share a byte`,
    evidence: [...sideEvidence(left, [left.file, left.start, left.end]), ...sideEvidence(right, [right.file, right.start, right.end])],
  };
}

function symbolMatch(context: JoinContext): Candidate | { problem: string } {
  const { left, right } = context;
  const [ls] = columnsWithRole(left.dataset, 'symbol-identity');
  const [rs] = columnsWithRole(right.dataset, 'symbol-identity');
  if (ls !== undefined && rs !== undefined) {
    return {
      strategy: 'symbol-match',
      toOne: false,
      keys: [{ left: ls.name, right: rs.name }],
      span: 'none',
      prior: STRATEGY_PRIORS['symbol-identity'],
      confidence: 0.9,
      rationale: `both sides carry a symbol identity, which names the same symbol wherever it occurs`,
      evidence: [roleEvidence(left.dataset, ls), roleEvidence(right.dataset, rs)],
    };
  }
  if (left.name === undefined || right.name === undefined) {
    return { problem: `${[left, right].filter((s) => s.name === undefined).map((s) => s.dataset.name).join(' and ')} have neither a symbol identity nor a single name column` };
  }
  const files = fileKey(left, right);
  const names = { left: left.name, right: right.name };
  const evidence = [...sideEvidence(left, [left.name]), ...sideEvidence(right, [right.name])];
  if (files !== undefined) {
    return {
      strategy: 'symbol-match',
      toOne: false,
      keys: [files, names],
      span: 'none',
      prior: STRATEGY_PRIORS['name-in-file'],
      confidence: 0.7,
      rationale: `neither side has a symbol identity; both have a name and a file identity, so names are matched within the file, the scope where a bare name is resolved`,
      evidence: [...evidence, ...sideEvidence(left, [left.file]), ...sideEvidence(right, [right.file]), missingRoleEvidence(left.dataset, 'symbol-identity')],
    };
  }
  return {
    strategy: 'symbol-match',
    toOne: false,
    keys: [names],
    span: 'none',
    prior: STRATEGY_PRIORS['name-global'],
    confidence: 0.6,
    rationale: `neither side has a symbol identity and one has no file identity, so names are matched across the repository`,
    evidence: [...evidence, missingRoleEvidence(left.file === undefined ? left.dataset : right.dataset, 'file-identity')],
  };
}

function fileJoin(context: JoinContext): Candidate | { problem: string } {
  const { left, right } = context;
  const files = fileKey(left, right);
  if (files === undefined) return { problem: `${[left, right].filter((s) => s.file === undefined).map((s) => s.dataset.name).join(' and ')} have no file identity` };
  return {
    strategy: 'file-equi-join',
    toOne: false,
    keys: [files],
    span: 'none',
    prior: STRATEGY_PRIORS['file-equi-join'],
    confidence: 0.95,
    rationale: 'both sides have a file identity, so rows of the same file are related',
    evidence: [...sideEvidence(left, [left.file]), ...sideEvidence(right, [right.file])],
  };
}

/**
 * A declared key under a span intent: a key that identifies the right row
 * (a pointer, a position) realises the intent on its own, but equal names
 * do not — many rows share a name — so the span relation still has to
 * hold, and the key narrows it to the rows of that name: the scopes around
 * an occurrence that know its name.
 */
function keyedSpanJoin(context: JoinContext, span: 'contains' | 'overlap'): Candidate | { problem: string } {
  const key = declaredKey(context);
  if ('problem' in key || key.strategy !== 'symbol-match') return key;
  const spanned = spanJoin(context, span);
  if ('problem' in spanned) return { problem: `the declared key matches names, which needs the ${span === 'contains' ? 'containment' : 'overlap'} of spans too: ${spanned.problem}` };
  const named = key.keys.filter((k) => !spanned.keys.some((s) => s.left === k.left && s.right === k.right));
  return {
    ...spanned,
    keys: [...spanned.keys, ...named],
    // Equal names on top of the span relation: more than either alone.
    prior: spanned.prior + STRATEGY_PRIORS['name-in-file'],
    rationale: `${spanned.rationale}; the declared key narrows that to rows of the same name (a name alone identifies no row)`,
    evidence: [...key.evidence, ...spanned.evidence],
  };
}

/** The strategies an intent may be realised by, in order of preference. */
function strategiesOf(intent: RelateIntent): readonly ((c: JoinContext) => Candidate | { problem: string })[] {
  switch (intent) {
    case 'within':
      return [foreignKey, (c) => spanJoin(c, 'contains')];
    case 'overlaps':
      return [(c) => spanJoin(c, 'overlap')];
    case 'refers-to':
      return [foreignKey, symbolMatch];
    case 'same-file':
      return [fileJoin];
  }
}

/**
 * Infers the join strategy of a relationship from the two schemas' roles.
 * A declared key pair (`on`) wins — under `within` and `overlaps` a key of
 * names only narrows the span relation (see `keyedSpanJoin`); otherwise the intent's strategies are
 * tried in order of how exact their evidence is: `within` by the producer's
 * parent pointer, else by span containment in the same file; `overlaps` by
 * span overlap; `refers-to` by a foreign key, else equal symbol identities,
 * else equal names within the file (or across the repository without file
 * identities); `same-file` by equal file identities. The strategies that
 * did not fit are listed in the Decision's evidence.
 *
 * @example
 * inferJoin({ left: refsSide, right: defsSide, intent: 'refers-to', on: undefined, nativeIdentity });
 * // { ok: true, join: { strategy: 'symbol-match', keys: [{ left: 'file_id', right: 'file_id' }, { left: 'name', right: 'name' }], span: 'none' }, prior: 1, … }
 */
export function inferJoin(context: JoinContext): JoinInference {
  const tried: string[] = [];
  const { intent } = context;
  const attempts =
    context.on === undefined
      ? strategiesOf(intent)
      : intent === 'within' || intent === 'overlaps'
        ? [(c: JoinContext) => keyedSpanJoin(c, intent === 'within' ? 'contains' : 'overlap')]
        : [declaredKey];
  for (const attempt of attempts) {
    const found = attempt(context);
    if ('problem' in found) {
      tried.push(found.problem);
      continue;
    }
    const join: JoinPlan = Object.freeze({
      strategy: found.strategy,
      keys: Object.freeze(found.keys.map((k) => Object.freeze({ ...k }))),
      span: found.span,
      toOne: found.toOne,
    });
    const decision = decide({
      value: { topic: 'join' as const, left: context.left.dataset.name, right: context.right.dataset.name, strategy: join.strategy, keys: join.keys, span: join.span },
      confidence: found.confidence,
      rationale: `${context.intent}: ${found.rationale}`,
      evidence: [...found.evidence, ...tried.map((t) => ({ source: 'semantic-ir', detail: `passed over: ${t}` }))],
    });
    return { ok: true, join, prior: found.prior, decision };
  }
  return { ok: false, problem: `no join realises '${context.intent}' between ${context.left.dataset.name} and ${context.right.dataset.name}: ${tried.join('; ')}` };
}
