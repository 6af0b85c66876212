import { boundTables, conjuncts, fromAlias, isObject, objects, ownExpressions, qualifiedColumn, rowCombiner, selectsInScope, storedName, storedRelations, topQuery, traceColumnRef, traceOutput } from './file-locality.js';
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

type Probe = KeyedUpdate['probes'][number];

/** The windows and EXISTS subqueries of a view that keep the rows of one anchor row (or file) together, with the probes the subqueries add. */
interface AnchoredParts {
  readonly allowed: Set<Json>;
  /** The stored tables the accepted subqueries read. */
  readonly inner: Set<Json>;
  readonly probes: Probe[];
  /** Window functions whose partition could not be shown to hold one anchor row's file. */
  readonly mixed: string[];
  /** Why an EXISTS subquery could not be followed, if one could not. */
  readonly problem: string | null;
}

/**
 * The windows partitioned by a column naming the file of an anchor row
 * (its file identity or its entity id, read from an anchor of the join
 * tree, not from a relation looked up by key), and the EXISTS / NOT EXISTS
 * subqueries that read one stored table matched by equalities to columns
 * of an anchor: a partition then holds rows of one file, and whether a
 * matching row exists is one more lookup by key (a probe). Each part is
 * checked in the SELECT it stands in, its column references followed
 * through the CTEs and subqueries it reads.
 */
function anchoredParts(
  tree: unknown,
  anchorItems: ReadonlySet<Json>,
  naming: Readonly<Record<string, readonly string[]>>,
  fileIdentityColumns: Readonly<Record<string, readonly string[]>>,
  relationColumns: ReadonlyMap<string, ReadonlySet<string>> | undefined,
): AnchoredParts {
  const parts: AnchoredParts = { allowed: new Set(), inner: new Set(), probes: [], mixed: [], problem: null };
  const seen = new Set<Json>();
  let problem: string | null = null;
  const names = (expression: unknown): string[] | null =>
    isObject(expression) && expression['class'] === 'COLUMN_REF' && Array.isArray(expression['column_names']) ? (expression['column_names'] as unknown[]).filter((n): n is string => typeof n === 'string') : null;
  for (const { node: select, ctes } of selectsInScope(tree)) {
    // The anchor column a reference of this SELECT reads, if it reads one.
    const anchorColumn = (ref: readonly string[]): { table: string; column: string } | null => {
      const traced = traceColumnRef(ref, select, ctes);
      const item = traced?.steps[traced.steps.length - 1]?.item;
      return traced === null || traced.extended || item === undefined || !anchorItems.has(item) ? null : { table: storedName(item), column: traced.column };
    };
    for (const key of ['select_list', 'where_clause', 'having', 'qualify', 'group_expressions']) {
      for (const expression of ownExpressions(select[key])) {
        if (expression['class'] === 'WINDOW') {
          seen.add(expression);
          const partitions = Array.isArray(expression['partitions']) ? (expression['partitions'] as unknown[]) : [];
          const kept = partitions.some((p) => {
            const ref = names(p);
            const column = ref === null ? null : anchorColumn(ref);
            return column !== null && (naming[column.table] ?? []).includes(column.column);
          });
          if (kept) parts.allowed.add(expression);
          else parts.mixed.push(typeof expression['function_name'] === 'string' ? expression['function_name'] : 'a window');
          continue;
        }
        if (expression['class'] !== 'SUBQUERY' || expression['subquery_type'] !== 'EXISTS') continue;
        const followed = existsProbes(expression, names, anchorColumn, fileIdentityColumns, relationColumns);
        if (typeof followed === 'string') {
          problem ??= followed;
          continue;
        }
        parts.allowed.add(expression);
        parts.inner.add(followed.table);
        parts.probes.push(...followed.probes);
      }
    }
  }
  // A window anywhere else (an ORDER BY modifier, say) was not checked.
  const windows = objects(tree).filter((node) => node['class'] === 'WINDOW');
  if (windows.some((w) => !seen.has(w))) parts.mixed.push('a window');
  return { ...parts, problem };
}

/** The probes of one EXISTS subquery (see {@link anchoredParts}), or why it cannot be followed. */
function existsProbes(
  expression: Json,
  names: (expression: unknown) => string[] | null,
  anchorColumn: (ref: readonly string[]) => { table: string; column: string } | null,
  fileIdentityColumns: Readonly<Record<string, readonly string[]>>,
  relationColumns: ReadonlyMap<string, ReadonlySet<string>> | undefined,
): { table: Json; probes: Probe[] } | string {
  const inner = isObject(expression['subquery']) ? expression['subquery']['node'] : undefined;
  const refused = 'an EXISTS subquery is not one stored table matched by equalities to columns of an anchor';
  if (!isObject(inner) || inner['type'] !== 'SELECT_NODE' || !isObject(inner['from_table']) || inner['from_table']['type'] !== 'BASE_TABLE') return refused;
  const cteMap = isObject(inner['cte_map']) && Array.isArray(inner['cte_map']['map']) ? (inner['cte_map']['map'] as unknown[]) : [];
  if (cteMap.length > 0 || (Array.isArray(inner['group_expressions']) && inner['group_expressions'].length > 0)) return refused;
  if (objects(inner).some((node) => node !== inner && (node['class'] === 'SUBQUERY' || node['class'] === 'WINDOW' || node['type'] === 'SELECT_NODE'))) return refused;
  const table = inner['from_table'];
  const alias = fromAlias(table);
  const relation = storedName(table);
  const columns = relationColumns?.get(relation.toLowerCase());
  // A name binds inside when the inner table has it; unqualified, that needs the table's columns.
  const side = (ref: readonly string[]): 'inner' | 'outer' | 'unknown' => {
    if (ref.length === 2) return ref[0] === alias ? 'inner' : 'outer';
    if (columns === undefined) return 'unknown';
    return columns.has((ref[0] ?? '').toLowerCase()) ? 'inner' : 'outer';
  };
  const probes: Probe[] = [];
  for (const conjunct of conjuncts(inner['where_clause'])) {
    const refs = objects(conjunct).map(names).filter((r): r is string[] => r !== null);
    if (refs.some((r) => side(r) === 'unknown')) return refused;
    if (refs.every((r) => side(r) === 'inner')) continue;
    // The only outer reference a conjunct may hold: one side of an equality whose other side is an inner column.
    const left = names(conjunct['left']);
    const right = names(conjunct['right']);
    if (conjunct['class'] !== 'COMPARISON' || conjunct['type'] !== 'COMPARE_EQUAL' || left === null || right === null) return refused;
    const [own, outer] = side(left) === 'inner' && side(right) === 'outer' ? [left, right] : side(right) === 'inner' && side(left) === 'outer' ? [right, left] : [null, null];
    if (own === null || outer === null) return refused;
    const anchor = anchorColumn(outer);
    if (anchor === null || (fileIdentityColumns[anchor.table] ?? []).length === 0) return refused;
    probes.push({ relation: anchor.table, column: anchor.column, foreign: relation, foreignColumn: own[own.length - 1] ?? '', via: [] });
  }
  return probes.length === 0 ? refused : { table, probes };
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
 * subquery expression, set operation, LIMIT, SAMPLE, table function, or
 * join other than INNER and LEFT (an anchor on the right of a LEFT join
 * only when the file column does not come from there). Two exceptions
 * keep the rows of a file together: a window partitioned by a column
 * naming the file of an anchor row (ranking a row's candidates), and an
 * EXISTS / NOT EXISTS reading one stored table by equalities to columns of
 * an anchor (a row kept unless another relation holds its id), whose table
 * is then one more probe. Returns why not, as a sentence, when it cannot
 * be shown.
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
  /** The columns of each stored relation (lower case), to tell where an unqualified name in an EXISTS subquery binds. */
  readonly relationColumns?: ReadonlyMap<string, ReadonlySet<string>>;
}): KeyedUpdate | string {
  // A function used only as a window is checked with the windows, once the anchors are known.
  // Walked once: for each function name, whether every call of it is a window.
  const calls = new Map<string, boolean>();
  for (const node of objects(input.parseTree)) {
    if (typeof node['function_name'] === 'string') calls.set(node['function_name'], (calls.get(node['function_name']) ?? true) && node['class'] === 'WINDOW');
  }
  const windowOnly = (name: string): boolean => calls.get(name) === true;
  const combining = input.lineage.functions.filter(
    (f) => (f.kind === 'aggregate' || f.kind === 'window' || f.kind === 'table' || f.kind === 'table-macro' || f.name === 'count_star') && !((f.kind === 'aggregate' || f.kind === 'window') && windowOnly(f.name)),
  );
  if (combining.length > 0) return `it calls ${[...new Set(combining.map((f) => f.name))].sort().join(', ')}, which combine rows or read rows of no relation`;
  const deferred = new Set(objects(input.parseTree).filter((node) => node['class'] === 'WINDOW' || (node['class'] === 'SUBQUERY' && node['subquery_type'] === 'EXISTS')));
  const combined = rowCombiner(input.parseTree, 'file', deferred);
  if (combined !== null) return combined;
  if (objects(input.parseTree).some((node) => node['type'] === 'SELECT_NODE' && Array.isArray(node['group_expressions']) && node['group_expressions'].length > 0)) return 'a GROUP BY combines rows';
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
  const inTree = new Set(items);
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
  const parts = anchoredParts(input.parseTree, new Set(items.filter((item) => anchors.has(fromAlias(item)))), input.naming, input.fileIdentityColumns, input.relationColumns);
  if (parts.mixed.length > 0) return `it calls ${[...new Set(parts.mixed)].sort().join(', ')} over windows not partitioned by a column naming the file of a row of ${[...anchorTables].sort().join(', ')}`;
  if (parts.problem !== null) return parts.problem;
  // An EXISTS standing anywhere else (a join condition, an ORDER BY) was not followed.
  if ([...deferred].some((node) => node['class'] === 'SUBQUERY' && !parts.allowed.has(node))) return 'an EXISTS subquery outside a SELECT list, WHERE, HAVING or QUALIFY is not followed';
  // Every other stored relation the view reads is read in this one join tree.
  if (storedRelations(input.parseTree).some((node) => !inTree.has(node) && !parts.inner.has(node))) return 'it reads stored relations outside the join its file column comes from';
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
  probes.push(...parts.probes);
  const unique = [...new Map(probes.map((p) => [JSON.stringify(p), p])).values()].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  const reason =
    probes.length === 0
      ? `${input.fileColumn} carries the file of ${traced.table}, and every relation it reads is joined to it on columns naming their rows' file`
      : `${input.fileColumn} carries the file of ${traced.table}; ${[...new Set(unique.map((p) => `${p.foreign} is joined by ${p.foreignColumn}${p.via.map((v) => ` to ${v.relation}.${v.match}, then by ${v.relation}.${v.pass}`).join('')} to ${p.relation}.${p.column}`))].join('; ')}`;
  const nonNull = (input.groupKeyColumns[traced.table] ?? []).includes(traced.column);
  return { column: input.fileColumn, source: { relation: traced.table, column: traced.column, nonNull }, anchors: [...anchorTables].sort(), probes: unique, reason };
}
