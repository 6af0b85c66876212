import { boundTables, conjuncts, fromAlias, isObject, objects, qualifiedColumn, rowCombiner, storedRelations, topQuery, traceOutput } from './file-locality.js';
import type { FileLocality, Json } from './file-locality.js';
import type { ViewLineage } from './view-lineage.js';

/** How a global view's rows can be recomputed for some files (see FileLocality's `keyed`). */
export type KeyedUpdate = NonNullable<FileLocality['keyed']>;

/** Joins whose every matched row pairs rows the condition matched, and whose left side is never NULL-extended. */
const KEPT_JOINS = new Set(['INNER', 'LEFT']);

/** The FROM items of a join tree, left to right, and its joins. */
function joinTree(node: unknown, items: Json[], joins: Json[]): void {
  if (!isObject(node)) return;
  if (node['type'] === 'JOIN') {
    joins.push(node);
    joinTree(node['left'], items, joins);
    joinTree(node['right'], items, joins);
    return;
  }
  items.push(node);
}

/**
 * Whether, and how, a global view's rows of a file can be recomputed alone:
 * shown from DuckDB's parse tree, never from the view's name. The view's
 * file column must pass through, in every row and never NULL, the file
 * identity of one stored relation (the anchor) of a single join tree that
 * holds every stored relation the view reads. The relations joined to the
 * anchor on columns naming their rows' file are anchors too: their rows of
 * a result row lie in its file. Every other relation must be joined to an
 * anchor by an equality of a column of each (a probe). Then a result row of
 * a file changes only when an anchor row of that file changed, or a row of
 * another relation whose probe key equals that of an anchor row of the
 * file was added or removed: the rows to recompute are those of the files
 * the anchors changed in and of the files whose anchor rows hold a changed
 * key. Nothing may combine rows beyond the join: no aggregate, GROUP BY,
 * window, subquery expression, set operation, LIMIT, SAMPLE, table
 * function, or join other than INNER and LEFT (an anchor on the right of a
 * LEFT join only when the file column does not come from there). Returns
 * why not, as a sentence, when it cannot be shown.
 *
 * @example
 * const keyed = keyedUpdate({ lineage, parseTree, fileColumn: 'file_id', fileIdentityColumns, naming, groupKeyColumns });
 * typeof keyed === 'string' ? keyed : keyed.probes; // [{ relation: 'merged.named', column: 'qualified_name', foreign: 'derived.qualified_symbols', foreignColumn: 'qualified_name' }]
 */
export function keyedUpdate(input: {
  readonly lineage: ViewLineage;
  readonly parseTree: unknown;
  /** The view's result column carrying its rows' file identity. */
  readonly fileColumn: string;
  /** File-identity columns by `schema.table`. */
  readonly fileIdentityColumns: Readonly<Record<string, readonly string[]>>;
  /** Columns naming their row's file, by `schema.table` (file identities, entity and parent ids). */
  readonly naming: Readonly<Record<string, readonly string[]>>;
  /** The columns of `naming` that never hold NULL. */
  readonly groupKeyColumns: Readonly<Record<string, readonly string[]>>;
}): KeyedUpdate | string {
  const combining = input.lineage.functions.filter((f) => f.kind === 'aggregate' || f.kind === 'window' || f.kind === 'table' || f.kind === 'table-macro' || f.name === 'count_star');
  if (combining.length > 0) return `it calls ${[...new Set(combining.map((f) => f.name))].sort().join(', ')}, which combine rows or read rows of no relation`;
  const combined = rowCombiner(input.parseTree, 'file');
  if (combined !== null) return combined;
  if ([...objects(input.parseTree)].some((node) => node['type'] === 'SELECT_NODE' && Array.isArray(node['group_expressions']) && node['group_expressions'].length > 0)) return 'a GROUP BY combines rows';
  const top = topQuery(input.parseTree);
  if (top?.['type'] !== 'SELECT_NODE') return 'it is not a single SELECT';
  const traced = traceOutput(top, input.fileColumn, new Map(), 0, [], false);
  if (traced === null) return `its file column ${input.fileColumn} does not pass a stored column through`;
  if (traced.extended) return `its file column ${input.fileColumn} is read on a side an outer join may NULL-extend`;
  const last = traced.steps[traced.steps.length - 1];
  if (last === undefined) return `its file column ${input.fileColumn} does not pass a stored column through`;
  const root = last.root;
  const bound = boundTables(root, new Set(last.ctes.keys()));
  if (bound === null) return 'the join its file column comes from reads a subquery or CTE';
  const items: Json[] = [];
  const joins: Json[] = [];
  joinTree(root, items, joins);
  // Every stored relation the view reads is read in this one join tree.
  const inTree = new Set(items);
  if (storedRelations(input.parseTree).some((node) => !inTree.has(node))) return 'it reads stored relations outside the join its file column comes from';
  for (const join of joins) {
    if (!KEPT_JOINS.has(String(join['join_type'])) || join['ref_type'] !== 'REGULAR') return `a ${String(join['join_type'])} ${String(join['ref_type'])} join is not one whose rows follow the rows it matches`;
    if (Array.isArray(join['using_columns']) && join['using_columns'].length > 0) return 'a join USING columns is not followed';
  }
  const equalities = joins
    .flatMap((join) => conjuncts(join['condition']))
    .filter((c) => c['class'] === 'COMPARISON' && c['type'] === 'COMPARE_EQUAL')
    .map((c) => [qualifiedColumn(c['left']), qualifiedColumn(c['right'])] as const)
    .filter((pair): pair is readonly [{ alias: string; column: string }, { alias: string; column: string }] => pair[0] !== null && pair[1] !== null && bound.has(pair[0].alias) && bound.has(pair[1].alias) && pair[0].alias !== pair[1].alias);
  const namesFile = (ref: { alias: string; column: string }): boolean => (input.naming[bound.get(ref.alias) ?? ''] ?? []).includes(ref.column);
  // The anchors: the anchor's alias and every alias an equality of file-naming columns reaches from it.
  const anchor = fromAlias(last.item);
  const anchors = new Set([anchor]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [a, b] of equalities) {
      if (!namesFile(a) || !namesFile(b)) continue;
      if (anchors.has(a.alias) !== anchors.has(b.alias)) {
        anchors.add(anchors.has(a.alias) ? b.alias : a.alias);
        grew = true;
      }
    }
  }
  const anchorTables = new Set([...anchors].map((a) => bound.get(a) ?? ''));
  // Every other alias, reached from an anchor whose rows carry a file by a chain of equalities, shortest first:
  // a changed row of it is looked up through the rows of the aliases on the way, back to anchor rows and their files.
  type Ref = { readonly alias: string; readonly column: string };
  const hop = new Map<string, { readonly own: Ref; readonly other: Ref } | null>();
  for (const a of anchors) if ((input.fileIdentityColumns[bound.get(a) ?? ''] ?? []).length > 0) hop.set(a, null);
  for (let grew = true; grew; ) {
    grew = false;
    const round: [string, { own: Ref; other: Ref }][] = [];
    for (const [a, b] of equalities) {
      if (hop.has(a.alias) && !hop.has(b.alias) && !anchors.has(b.alias)) round.push([b.alias, { own: b, other: a }]);
      if (hop.has(b.alias) && !hop.has(a.alias) && !anchors.has(a.alias)) round.push([a.alias, { own: a, other: b }]);
    }
    for (const [alias, step] of round) {
      if (hop.has(alias)) continue;
      hop.set(alias, step);
      grew = true;
    }
  }
  const probes: KeyedUpdate['probes'][number][] = [];
  for (const [alias, table] of [...bound].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (anchors.has(alias)) continue;
    const first = hop.get(alias);
    if (first === undefined || first === null) return `${table} is not joined by equalities, directly or through other relations, to a relation whose rows carry the result row's file`;
    const via: { relation: string; match: string; pass: string }[] = [];
    let step = first;
    for (let next = hop.get(step.other.alias); next !== null && next !== undefined; next = hop.get(step.other.alias)) {
      via.push({ relation: bound.get(step.other.alias) ?? '', match: step.other.column, pass: next.own.column });
      step = next;
    }
    probes.push({ relation: bound.get(step.other.alias) ?? '', column: step.other.column, foreign: table, foreignColumn: first.own.column, via });
  }
  const unique = [...new Map(probes.map((p) => [JSON.stringify(p), p])).values()].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  const reason =
    probes.length === 0
      ? `${input.fileColumn} carries the file of ${traced.table}, and every relation it reads is joined to it on columns naming their rows' file`
      : `${input.fileColumn} carries the file of ${traced.table}; ${[...new Set(unique.map((p) => `${p.foreign} is joined by ${p.foreignColumn}${p.via.map((v) => ` to ${v.relation}.${v.match}, then by ${v.relation}.${v.pass}`).join('')} to ${p.relation}.${p.column}`))].join('; ')}`;
  const nonNull = (input.groupKeyColumns[traced.table] ?? []).includes(traced.column);
  return { column: input.fileColumn, source: { relation: traced.table, column: traced.column, nonNull }, anchors: [...anchorTables].sort(), probes: unique, reason };
}
