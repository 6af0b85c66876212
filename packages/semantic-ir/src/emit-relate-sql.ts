import { canonicalJson, stableIdSql } from '@anatomy/contracts';
import { quoteIdentifier } from '@anatomy/schema-authority';
import type { ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import { castSql } from './cast-sql.js';
import { conditionSql } from './condition-sql.js';
import { EDGE_NAMESPACE } from './edge-template.js';
import type { FeatureTerm, InferredRelate, RelateJoin, RelateMember, RelateSide, ResolvedCondition } from './inferred-view.js';
import { pathBridges } from './path-bridges.js';
import { confidenceSql, mergedOrigin, mergeOriginSql, mergeWithOriginSql, spanContainsSql, spanOverlapsSql } from './semantic-macros.js';
import { sqlLiteral } from './sql-literal.js';

const q = quoteIdentifier;
const L = q('l');
const R = q('r');
const TEMPLATE = ['edge_id', 'edge_kind', 'src_node_id', 'dst_node_id', 'file_id', 'bstart', 'bend', 'origin', 'rule', 'confidence'] as const;

function relation(name: string): string {
  return name.split('.').map(q).join('.');
}

function typeOf(ds: DatasetSchema, column: string | undefined): ColumnType | undefined {
  return ds.columns.find((c) => c.name === column)?.type;
}

function idSql(side: RelateSide, alias: string): string {
  if (side.id.by === 'column') return castSql(`${alias}.${q(side.id.column)}`, typeOf(side.dataset, side.id.column), 'utf8');
  return stableIdSql(side.id.namespace, side.id.parts.map((p) => `${alias}.${q(p)}`));
}

/** Conditions every member applies, so the candidates can be filtered before the members split. */
function sharedConditions(plan: RelateJoin, side: 'left' | 'right'): readonly ResolvedCondition[] {
  const [first, ...rest] = plan.members.map((m) => m.where[side]);
  const key = (c: ResolvedCondition): string => canonicalJson(c);
  return (first ?? []).filter((c) => rest.every((other) => other.some((o) => key(o) === key(c))));
}

function ownConditions(plan: RelateJoin, member: RelateMember, side: 'left' | 'right'): readonly ResolvedCondition[] {
  const shared = new Set(sharedConditions(plan, side).map((c) => canonicalJson(c)));
  return member.where[side].filter((c) => !shared.has(canonicalJson(c)));
}

/** The columns of each side carried into the candidate pairs, as `[alias in pairs, expression]`. */
function carried(plan: RelateJoin): [string, string][] {
  const out: [string, string][] = [];
  for (const [prefix, alias, side] of [['l', L, plan.left], ['r', R, plan.right]] as const) {
    out.push([`${prefix}_id`, idSql(side, alias)]);
    out.push([`${prefix}_origin`, side.origin.by === 'column' ? `${alias}.${q(side.origin.column)}` : sqlLiteral(side.origin.value)]);
    for (const [suffix, column] of [['file', side.file], ['start', side.start], ['end', side.end], ['name', side.name]] as const) {
      if (column !== undefined) out.push([`${prefix}_${suffix}`, `${alias}.${q(column)}`]);
    }
    const which = prefix === 'l' ? 'left' : 'right';
    const tested = new Set(plan.members.flatMap((m) => ownConditions(plan, m, which).map((c) => c.column)));
    for (const column of [...tested].sort()) out.push([`${prefix}__${column}`, `${alias}.${q(column)}`]);
  }
  return out;
}

/** Whether a row of one side may have the id of a row of the other: unless both sides' namespaces are known and disjoint. */
function mayShareIds(left: RelateSide, right: RelateSide): boolean {
  if (left.namespaces === undefined || right.namespaces === undefined) return true;
  return left.namespaces.some((n) => right.namespaces?.includes(n) === true);
}

/** The name a bridge's column takes in the path of a join through bridges (see {@link candidatesSql}). */
function bridgeColumn(step: number, column: string): string {
  return `anatomy_bridge${step}_${column}`;
}

/**
 * The candidate pairs of a relationship: left rows joined to right rows on
 * the keys (and span), through the bridges when there are any.
 *
 * When each left row meets one row of every bridge at most (`toOne`), the
 * left rows meet the bridges first, in a materialized CTE (`path`), and only
 * then the right rows. DuckDB cannot estimate the keys of a bridge whose
 * rows come out of a ranking (a view kept inline), and may otherwise join
 * the bridge to the right rows first: the standard
 * library's `rel.load_local` paired each load's scope with every local symbol
 * of that scope (7.0 million rows) before matching the names: 6.2 s on one
 * thread against 2.6 s with the path first, 3.5 s against 1.7 s on two (the
 * better of two runs each, under a 400MB cap), the same 490,306 rows.
 */
function candidatesSql(plan: RelateJoin): string {
  const on = plan.join.keys.map((k) => `${L}.${q(k.left)} = ${R}.${q(k.right)}`);
  const { left, right } = plan;
  const span = (side: RelateSide, alias: string): [string, string] => [`${alias}.${q(side.start ?? '')}`, `${alias}.${q(side.end ?? '')}`];
  if (plan.join.span === 'contains') on.push(spanContainsSql(...span(right, R), ...span(left, L)));
  if (plan.join.span === 'overlap') on.push(spanOverlapsSql(...span(left, L), ...span(right, R)));
  const columns = carried(plan).map(([alias, expression]) => `${expression} AS ${q(alias)}`);
  const bridge = plan.join.through;
  const alias = (i: number): string => (i < 0 ? L : q(i === 0 ? 'b' : `b${i}`));
  // A bridge's column read beyond the path: carried out of the path under a name of its own.
  const carriedOut = new Map<string, string>();
  const pathFirst = bridge?.toOne === true;
  const fromBridge = (i: number, column: string): string => {
    if (!pathFirst) return `${alias(i)}.${q(column)}`;
    const name = bridgeColumn(i, column);
    carriedOut.set(name, `${alias(i)}.${q(column)}`);
    return `${L}.${q(name)}`;
  };
  // The path a pair was reached by: the product of the bridge edges' confidences, the best over the bridge rows linking it.
  if (plan.members.some((m) => m.features.some((f) => f.feature === 'nearest'))) {
    const product = pathBridges(plan.join).map((i) => fromBridge(i, 'confidence')).join(' * ');
    columns.push(`max(${product}) OVER (PARTITION BY ${idSql(left, L)}, ${idSql(right, R)}) AS ${q('path_confidence')}`);
  }
  // Through bridges: left rows meet the first bridge's rows, each bridge the next, the last the right rows.
  const through = (bridge?.steps ?? [])
    .map((step, i) => `\n  JOIN ${relation(step.dataset.name)} AS ${alias(i)}\n    ON ${step.pairs.map((k) => `${alias(i - 1)}.${q(k.left)} = ${alias(i)}.${q(k.right)}`).join('\n    AND ')}`)
    .join('');
  const lastStep = (bridge?.steps.length ?? 0) - 1;
  if (bridge !== undefined) on.unshift(...bridge.right.map((k) => `${fromBridge(lastStep, k.left)} = ${R}.${q(k.right)}`));
  // An entity is never related to itself (a definition always lies within its own span). Where the sides' ids are in
  // disjoint namespaces no pair can be one entity, and the inequality is left out: between the sides, DuckDB's join
  // order optimizer may take it for a join condition and pair every left row with every right row in a nested loop,
  // estimating that it keeps few of them (the standard library's rel.load_imported spilled until the disk was full).
  const filters = [
    ...(mayShareIds(left, right) ? [`${idSql(left, L)} <> ${idSql(right, R)}`] : []),
    ...sharedConditions(plan, 'left').map((c) => conditionSql(`${L}.${q(c.column)}`, c)),
    ...sharedConditions(plan, 'right').map((c) => conditionSql(`${R}.${q(c.column)}`, c)),
  ];
  // The path keeps the left columns the candidates read (not all of them: readers' column lists are plan signals).
  const leftColumns = [...new Set([...[...columns, ...on, ...filters].join('\n').matchAll(/"l"\."((?:[^"]|"")+)"/g)].map((m) => `${L}."${m[1] ?? ''}"`))]
    .filter((c) => !carriedOut.has(c.slice(L.length + 2, -1)))
    .sort();
  const path = pathFirst
    ? `${q('path')} AS MATERIALIZED (\n  SELECT\n    ${[...leftColumns, ...[...carriedOut].map(([name, expression]) => `${expression} AS ${q(name)}`)].join(',\n    ')}\n` +
      `  FROM ${relation(left.dataset.name)} AS ${L}${through}\n),\n`
    : '';
  return (
    path +
    // Several bridge rows may link the same pair; it is one candidate.
    `${q('candidates')} AS (\n  SELECT${bridge === undefined ? '' : ' DISTINCT'}\n    ${columns.join(',\n    ')}\n` +
    `  FROM ${pathFirst ? q('path') : relation(left.dataset.name)} AS ${L}${pathFirst ? '' : through}\n  JOIN ${relation(right.dataset.name)} AS ${R}\n    ON ${on.join('\n    AND ')}\n` +
    (filters.length === 0 ? ')' : `  WHERE ${filters.join('\n    AND ')}\n)`)
  );
}

function featureSql(term: FeatureTerm, src: string, dst: string): string {
  const when = (condition: string): string => `CASE WHEN ${condition} THEN ${term.weight} ELSE 0 END`;
  const per = `OVER (PARTITION BY ${q('l_id')})`;
  switch (term.feature) {
    case 'innermost':
      return when(`${q('r_end')} - ${q('r_start')} = min(${q('r_end')} - ${q('r_start')}) ${per}`);
    case 'earliest':
      return when(`${q('r_start')} = min(${q('r_start')}) ${per}`);
    case 'latest':
      return when(`${q('r_start')} = max(${q('r_start')}) ${per}`);
    case 'same-file':
      return when(`${q('l_file')} = ${q('r_file')}`);
    case 'same-name':
      return when(`${q('l_name')} = ${q('r_name')}`);
    case 'same-span':
      return when(`${q('l_start')} = ${q('r_start')} AND ${q('l_end')} = ${q('r_end')}`);
    case 'nearest':
      return when(`${q('path_confidence')} = max(${q('path_confidence')}) ${per}`);
    case 'agrees': {
      const a = q('agreeing');
      return when(`EXISTS (SELECT 1 FROM ${relation(term.view)} AS ${a} WHERE ${a}.${q(term.columns.src)} = ${src} AND ${a}.${q(term.columns.dst)} = ${dst})`);
    }
  }
}

/**
 * The producers of the evidence a join goes through, beside its two ends: a
 * pair related by way of SCIP occurrences owes the edge to SCIP too. The
 * compiler's own relationships used as bridges add nothing (their evidence
 * is that of their ends, already counted where they were made).
 */
function bridgeOrigins(plan: RelateJoin): string[] {
  const producers = (plan.join.through?.steps ?? []).map((step) => step.dataset.producer).filter((p) => p !== 'semantic-ir');
  return [...new Set(producers)].sort();
}

/**
 * The origin of a relationship's edges: `anatomy_merge_origin` of both sides' origins and the bridges'. Where the
 * sides' origins are literals (the producers of their datasets) it is the same value for every row, worked out here:
 * over the standard library, DuckDB's profile put 1.9 s of `cpg.edges`' 6.6 s in the projections evaluating the list
 * lambdas for each candidate (see `mergedOrigin`). Otherwise it is merged in the final SELECT, for the rows kept
 * rather than for every candidate.
 */
function originSql(plan: RelateJoin): string {
  const bridges = bridgeOrigins(plan);
  // A side's literal origin is written as the literal, whether or not the rows carry it (see Deferred).
  const literals = literalOrigins(plan);
  const columns = ORIGIN_COLUMNS.filter((c) => !literals.has(c));
  const known = mergedOrigin([...literals.values(), ...bridges]);
  if (columns.length === 0 && known !== undefined) return sqlLiteral(known);
  // One side's origin a column, everything else literals: most rows need no list lambdas (see mergeWithOriginSql).
  const [column] = columns;
  if (columns.length === 1 && column !== undefined && known !== undefined) return mergeWithOriginSql(q(column), known);
  const side = (c: OriginColumn): string => {
    const value = literals.get(c);
    return value === undefined ? q(c) : sqlLiteral(value);
  };
  return mergeOriginSql(`[${[...ORIGIN_COLUMNS.map(side), ...bridges.map(sqlLiteral)].join(', ')}]`);
}

const ORIGIN_COLUMNS = ['l_origin', 'r_origin'] as const;
type OriginColumn = (typeof ORIGIN_COLUMNS)[number];

/** The sides' origins that are literals (the producers of their datasets), by `l_origin`/`r_origin`. */
function literalOrigins(plan: RelateJoin): Map<OriginColumn, string> {
  const origins = new Map<OriginColumn, string>();
  if (plan.left.origin.by === 'literal') origins.set('l_origin', plan.left.origin.value);
  if (plan.right.origin.by === 'literal') origins.set('r_origin', plan.right.origin.value);
  return origins;
}

/**
 * Whether a member's only feature is `innermost` and it keeps the best candidate of each left row, among candidates
 * whose right spans are never NULL (they contain the left one): the candidate kept is then always one with the
 * smallest right span, which the ranking finds by the span's length, and its confidence is the prior plus the
 * feature's weight, so the window finding each left row's smallest span is left out (1.5 s of `cpg.edges`' 6.6 s over
 * the standard library, for the 2.5 million candidates of the references' containers).
 */
function innermostOnly(plan: RelateJoin, member: RelateMember): boolean {
  return member.keep === 'best' && plan.join.span === 'contains' && member.features.length === 1 && member.features[0]?.feature === 'innermost';
}

/**
 * The feature of a member keeping the best candidate of each left row whose only feature is `earliest` or `latest`.
 * The candidate kept is then one with the smallest (largest) right start, NULLs aside: the ranking finds it by that
 * start (a `rank_start` column, negated for `latest`, after the confidence), and the confidence is the prior plus the
 * weight where the start is known, so no window finds each left row's first start (0.5 s of `rel.load_binder`'s 2.4 s
 * over the standard library).
 */
function startOnly(plan: RelateJoin, member: RelateMember): 'earliest' | 'latest' | undefined {
  const feature = member.features.length === 1 ? member.features[0]?.feature : undefined;
  return member.keep === 'best' && plan.right.start !== undefined && (feature === 'earliest' || feature === 'latest') ? feature : undefined;
}

/** Whether some member of a plan ranks its candidates by their right start (see {@link startOnly}). */
function ranksByStart(plan: RelateJoin): boolean {
  return plan.members.some((m) => startOnly(plan, m) !== undefined);
}

/** The id columns of an edge's source and destination, for the side its source is on. */
function endsOf(side: RelateMember['src']): readonly [string, string] {
  return side === 'left' ? [q('l_id'), q('r_id')] : [q('r_id'), q('l_id')];
}

/**
 * The ends of every member's edges when all members agree on which side is the source: then the
 * final SELECT reads them from `l_id` and `r_id` and the members carry no `src`/`dst` copies of
 * those ids. A ranking (`keep: 'best'`) carries each candidate row whole through its sort (and,
 * when DuckDB made it an aggregate, held each kept row in a state it cannot spill: over the
 * standard library the compiled `rel.loads_scope`'s held 342 MiB with the copies and 278 MiB
 * without, and the view took 1.77–1.79 s alone instead of 1.85 s).
 */
function sharedEnds(plan: RelateJoin): readonly [string, string] | undefined {
  const sides = new Set(plan.members.map((m) => m.src));
  const [side] = sides;
  return sides.size === 1 && side !== undefined ? endsOf(side) : undefined;
}

/**
 * The columns a lone member's rows all share, left out of its rows when they are ranked and
 * written by the final SELECT instead: a ranking carries every column of every candidate through
 * its sort, constants included. Over the standard library, `rel.refs_container` (2.46 million
 * candidates, an innermost container kept for each reference) took 2.2 s alone instead of 2.8–3.3 s.
 */
interface Deferred {
  readonly member: RelateMember;
  /** The confidence, when the member gives every row the same one (see {@link innermostOnly}). */
  readonly confidence: string | undefined;
  /** The sides' origins that are literals, by `l_origin`/`r_origin`. */
  readonly origins: ReadonlyMap<string, string>;
}

function deferredOf(plan: RelateJoin): Deferred | undefined {
  const [member] = plan.members;
  if (plan.members.length !== 1 || member === undefined || member.keep !== 'best') return undefined;
  return { member, confidence: innermostOnly(plan, member) ? confidenceSql(`(\n      ${memberScore(plan, member)}\n    )`) : undefined, origins: literalOrigins(plan) };
}

/** A member's score: its prior plus the weights of the features that hold. */
function memberScore(plan: RelateJoin, member: RelateMember): string {
  const [src, dst] = endsOf(member.src);
  const start = startOnly(plan, member);
  const weight = member.features[0]?.weight ?? 0;
  return innermostOnly(plan, member)
    ? String(member.prior + weight)
    : start !== undefined
      ? `${member.prior}\n      + CASE WHEN ${q('r_start')} IS NOT NULL THEN ${weight} ELSE 0 END`
      : [String(member.prior), ...member.features.map((f) => featureSql(f, src, dst))].join('\n      + ');
}

function memberSql(plan: RelateJoin, member: RelateMember, cte: string, deferred: Deferred | undefined): string {
  const [src, dst] = endsOf(member.src);
  const copies = sharedEnds(plan) === undefined;
  const rightSpan = plan.right.start !== undefined && plan.right.end !== undefined;
  const location = (column: 'file' | 'start' | 'end', side: 'left' | 'right' | undefined, type: ColumnType): string => {
    if (side === undefined) return castSql('NULL', undefined, type);
    const s = side === 'left' ? plan.left : plan.right;
    const name = column === 'file' ? s.file : column === 'start' ? s.start : s.end;
    return castSql(q(`${side === 'left' ? 'l' : 'r'}_${column}`), typeOf(s.dataset, name), type);
  };
  const start = startOnly(plan, member);
  const rankStart = start === 'earliest' ? q('r_start') : start === 'latest' ? `-${q('r_start')}` : 'CAST(NULL AS BIGINT)';
  const columns = [
    ...(copies ? [`${src} AS ${q('src')}`, `${dst} AS ${q('dst')}`] : []),
    q('l_id'),
    q('r_id'),
    ...(rightSpan ? [`${q('r_end')} - ${q('r_start')} AS ${q('r_length')}`] : []),
    ...(deferred === undefined ? [`${sqlLiteral(member.edge)} AS ${q('edge_kind')}`, `${sqlLiteral(member.rule)} AS ${q('rule')}`] : []),
    `${location('file', plan.location.file, 'utf8')} AS ${q('file_id')}`,
    `${location('start', plan.location.span, 'int64')} AS ${q('bstart')}`,
    `${location('end', plan.location.span, 'int64')} AS ${q('bend')}`,
    // The origin is merged from these in the final SELECT, for the rows kept only.
    ...['l_origin', 'r_origin'].filter((o) => deferred?.origins.has(o) !== true).map(q),
    ...(deferred?.confidence === undefined ? [`${confidenceSql(`(\n      ${memberScore(plan, member)}\n    )`)} AS ${q('confidence')}`] : []),
    ...(ranksByStart(plan) ? [`${rankStart} AS ${q('rank_start')}`] : []),
  ];
  const u = q('unless');
  const filters = [
    ...ownConditions(plan, member, 'left').map((c) => conditionSql(q(`l__${c.column}`), c)),
    ...ownConditions(plan, member, 'right').map((c) => conditionSql(q(`r__${c.column}`), c)),
    ...(['left', 'right'] as const).flatMap((side) => {
      const other = member.unless[side];
      const id = q(side === 'left' ? 'l_id' : 'r_id');
      // One anti-join per endpoint column: with an OR between them DuckDB cannot hash the
      // subquery and compares every candidate with every edge (quadratic on large programs).
      return other === undefined
        ? []
        : (['src_node_id', 'dst_node_id'] as const).map((end) => `NOT EXISTS (SELECT 1 FROM ${relation(other)} AS ${u} WHERE ${u}.${q(end)} = ${id})`);
    }),
  ];
  const where = filters.length === 0 ? '' : `\n  WHERE ${filters.join('\n    AND ')}`;
  return `${q(cte)} AS (\n  SELECT\n    ${columns.join(',\n    ')}\n  FROM ${q('candidates')}${where}\n)`;
}

/**
 * The order a ranking keeps the first row of: `confidence DESC, rank_start ASC,
 * r_length ASC, r_id ASC`, NULLs last in each. With `byStart` the start of the
 * right side's span ranks before its length; without `byConfidence` (every
 * candidate of a partition has the same one) the confidence is left out.
 *
 * A list of keys rather than one struct: DuckDB turns `row_number() = 1` over a
 * single key into an `arg_min` aggregate, whose states it cannot spill, and a
 * full build turns that rewrite off (the orchestrator's `sortRankings`); as a
 * sort, separate keys are cheaper than a struct. Over the standard library,
 * `rel.load_local` with its inline ranking took 4.42–5.19 s alone under 500MB
 * against 5.39–6.51 s with the struct and the rule in the partition (six runs
 * and eight).
 */
function rankOrderSql(rightSpan: boolean, byStart: boolean, byConfidence: boolean): string {
  return [
    ...(byConfidence ? [`${q('confidence')} DESC NULLS LAST`] : []),
    ...(byStart ? [`${q('rank_start')} ASC NULLS LAST`] : []),
    ...(rightSpan ? [`${q('r_length')} ASC NULLS LAST`] : []),
    `${q('r_id')} ASC NULLS LAST`,
  ].join(', ');
}

function joinSql(plan: RelateJoin): string {
  const ctes = [candidatesSql(plan)];
  const names = plan.members.map((_, i) => `rule_${i}`);
  const deferred = deferredOf(plan);
  plan.members.forEach((m, i) => ctes.push(memberSql(plan, m, names[i] ?? '', deferred)));
  let scored = names[0] ?? '';
  if (names.length > 1) {
    scored = 'scored';
    ctes.push(`${q(scored)} AS (\n  ${names.map((n) => `SELECT * FROM ${q(n)}`).join('\n  UNION ALL\n  ')}\n)`);
  }
  const best = plan.members.filter((m) => m.keep === 'best');
  let from = scored;
  let where = '';
  if (best.length > 0) {
    const rightSpan = plan.right.start !== undefined && plan.right.end !== undefined;
    const byStart = ranksByStart(plan);
    from = 'ranked';
    // Rows of one member share its rule: partitioning by it too would only cost.
    const partition = plan.members.length === 1 ? q('l_id') : `${q('rule')}, ${q('l_id')}`;
    const all = plan.members.filter((m) => m.keep === 'all').map((m) => sqlLiteral(m.rule));
    if (all.length === 0) {
      // A partition holds one member's rows: where each member gives all its rows one confidence, ranking by it is moot.
      const constant = best.every((m) => innermostOnly(plan, m));
      // Only the best row of each (rule, left) pair stays.
      ctes.push(`${q(from)} AS (\n  SELECT *\n  FROM ${q(scored)}\n  QUALIFY row_number() OVER (PARTITION BY ${partition} ORDER BY ${rankOrderSql(rightSpan, byStart, !constant)}) = 1\n)`);
    } else {
      ctes.push(
        `${q(from)} AS (\n  SELECT\n    *,\n    row_number() OVER (PARTITION BY ${partition} ORDER BY ${rankOrderSql(rightSpan, byStart, true)}) AS ${q('rank')}\n  FROM ${q(scored)}\n)`,
      );
      where = `\nWHERE ${q('rank')} = 1 OR ${q('rule')} IN (${all.join(', ')})`;
    }
  }
  const [src, dst] = sharedEnds(plan) ?? [q('src'), q('dst')];
  const edgeKind = deferred === undefined ? q('edge_kind') : sqlLiteral(deferred.member.edge);
  const id = stableIdSql(EDGE_NAMESPACE, [edgeKind, src, dst]);
  const select = [
    `${id} AS ${q('edge_id')}`,
    deferred === undefined ? edgeKind : `${edgeKind} AS ${q('edge_kind')}`,
    `${src} AS ${q('src_node_id')}`,
    `${dst} AS ${q('dst_node_id')}`,
    ...['file_id', 'bstart', 'bend'].map(q),
    `${originSql(plan)} AS ${q('origin')}`,
    deferred === undefined ? q('rule') : `${sqlLiteral(deferred.member.rule)} AS ${q('rule')}`,
    deferred?.confidence === undefined ? q('confidence') : `${deferred.confidence} AS ${q('confidence')}`,
  ];
  return `WITH ${ctes.join(',\n')}\nSELECT\n  ${select.join(',\n  ')}\nFROM ${q(from)}${where}`;
}

/**
 * Closes a relationship's edges over paths: a recursive CTE extends every
 * path by one edge at a time, never to a row the path has visited (so cycles
 * end), multiplying confidences; each (source, destination) pair keeps its
 * most confident path, then the shortest, then the smallest in order of the
 * rows visited, so the choice is the same in every build. The edge sits
 * where the path's first edge does.
 */
function transitiveSql(step: string): string {
  const [p, s] = [q('p'), q('s')];
  const columns = ['edge_kind', 'src_node_id', 'dst_node_id', 'file_id', 'bstart', 'bend', 'origin', 'rule', 'confidence'].map(q);
  const ofPath = (c: string): string => `${p}.${q(c)}`;
  const extend = [
    ...['edge_kind', 'src_node_id'].map(ofPath),
    `${s}.${q('dst_node_id')}`,
    ...['file_id', 'bstart', 'bend'].map(ofPath),
    mergeOriginSql(`[${p}.${q('origin')}, ${s}.${q('origin')}]`),
    ofPath('rule'),
    `${p}.${q('confidence')} * ${s}.${q('confidence')}`,
    `list_append(${p}.${q('visited')}, ${s}.${q('dst_node_id')})`,
  ];
  const id = stableIdSql(EDGE_NAMESPACE, [q('edge_kind'), q('src_node_id'), q('dst_node_id')]);
  const order = [`${q('confidence')} DESC`, `len(${q('visited')}) ASC`, `${q('visited')} ASC`];
  return (
    `WITH RECURSIVE ${q('step')} AS MATERIALIZED (\n${step}\n),\n` +
    `${q('paths')} AS (\n  SELECT\n    ${columns.join(', ')}, [${q('src_node_id')}, ${q('dst_node_id')}] AS ${q('visited')}\n  FROM ${q('step')}\n  UNION ALL\n` +
    `  SELECT\n    ${extend.join(',\n    ')}\n  FROM ${q('paths')} AS ${p}\n  JOIN ${q('step')} AS ${s} ON ${s}.${q('src_node_id')} = ${p}.${q('dst_node_id')}\n` +
    `  WHERE NOT list_contains(${p}.${q('visited')}, ${s}.${q('dst_node_id')})\n),\n` +
    `${q('shortest')} AS (\n  SELECT\n    *,\n    row_number() OVER (PARTITION BY ${q('src_node_id')}, ${q('dst_node_id')} ORDER BY ${order.join(', ')}) AS ${q('rank')}\n  FROM ${q('paths')}\n)\n` +
    `SELECT\n  ${id} AS ${q('edge_id')},\n  ${columns.join(',\n  ')}\nFROM ${q('shortest')}\nWHERE ${q('rank')} = 1`
  );
}

/**
 * Emits the SELECT of a relate view. A `candidates` CTE joins the two sides
 * once (equal keys, and the span predicate macro of the span strategies),
 * dropping pairs of an entity with itself and rows failing the conditions
 * every member shares; each member relationship applies its own conditions,
 * scores the candidates (prior plus
 * the weights of the features that hold; `innermost` and `earliest` are
 * windows over the left row's candidates) and maps the score to a
 * confidence; `keep: 'best'` ranks candidates per rule and left identity
 * with `row_number()` (confidence descending, then the smallest right span,
 * then the right id) and keeps the first. A slice of a fused view selects
 * its rule's rows.
 *
 * @example
 * emitRelateSql(defParent);
 * // WITH "candidates" AS (… JOIN … ON "l"."file_id" = "r"."file_id" AND ("r"."bstart" <= "l"."bstart" AND …)), "rule_0" AS (…), "ranked" AS (…)
 * // SELECT … FROM "ranked" WHERE "rank" = 1
 */
export function emitRelateSql(view: InferredRelate): string {
  const { plan } = view;
  if (plan.form === 'join') return plan.transitive === true ? transitiveSql(joinSql(plan)) : joinSql(plan);
  return `SELECT\n  ${TEMPLATE.map(q).join(',\n  ')}\nFROM ${relation(plan.of)}\nWHERE ${q('rule')} = ${sqlLiteral(plan.rule)}`;
}
