import { columnNames, isObject, itemName, objects, traceOutput } from './file-locality.js';
import type { FileLocality, Json } from './file-locality.js';
import type { ViewLineage } from './view-lineage.js';

/** How a global view's groups can be recomputed alone (see FileLocality's `grouped`). */
export type GroupedUpdate = NonNullable<FileLocality['grouped']>;

/** The `schema.table` a base-table reference names, an unqualified name in `main`. */
function storedName(ref: Json): string {
  const schema = typeof ref['schema_name'] === 'string' && ref['schema_name'] !== '' ? ref['schema_name'] : 'main';
  return `${schema}.${String(ref['table_name'])}`;
}

/** The names of the CTEs a parse tree defines anywhere. */
function cteNames(nodes: readonly Json[]): Set<string> {
  return new Set(
    nodes.flatMap((node) =>
      isObject(node['cte_map']) && Array.isArray(node['cte_map']['map']) ? (node['cte_map']['map'] as unknown[]).flatMap((e) => (isObject(e) && typeof e['key'] === 'string' ? [e['key']] : [])) : [],
    ),
  );
}

/** The expressions a SELECT node computes itself (not those of the queries in its FROM or its CTEs). */
function ownExpressions(node: Json): unknown[] {
  return [node['select_list'], node['where_clause'], node['having'], node['qualify']];
}

/**
 * Whether, and how, a global view can be recomputed group by group: shown
 * from DuckDB's parse tree, never from the view's name. The view must read
 * one stored relation, with no join, and group its rows once, at the top,
 * by one column that passes a column of that relation through unchanged
 * and is itself a result column; below the grouping, only row-by-row work
 * (projections, filters, CTEs and subqueries in FROM that neither aggregate
 * nor group). Then a result row depends only on the relation's rows holding
 * its key: the groups to recompute are the keys the relation's changed
 * rows hold, before and after. No window, subquery expression, set
 * operation, LIMIT, SAMPLE or table function may take part. Returns why
 * not, as a sentence, when it cannot be shown.
 *
 * @example
 * const grouped = groupedUpdate({ lineage, parseTree });
 * typeof grouped === 'string' ? grouped : grouped.source; // { relation: 'merged.symbol_names', column: 'qualified_name' }
 */
export function groupedUpdate(input: { readonly lineage: ViewLineage; readonly parseTree: unknown }): GroupedUpdate | string {
  const combining = input.lineage.functions.filter((f) => f.kind === 'window' || f.kind === 'table' || f.kind === 'table-macro');
  if (combining.length > 0) return `it calls ${[...new Set(combining.map((f) => f.name))].sort().join(', ')}, which combine rows across groups or read rows of no relation`;
  const nodes = [...objects(input.parseTree)];
  for (const node of nodes) {
    if (node['class'] === 'SUBQUERY') return 'a subquery expression can read rows of any group';
    if (node['class'] === 'WINDOW') return 'a window combines rows across groups';
    if (node['type'] === 'SET_OPERATION_NODE' || node['type'] === 'RECURSIVE_CTE_NODE') return 'a set operation or recursive CTE combines rows of several queries';
    if (node['type'] === 'LIMIT_MODIFIER' || node['type'] === 'LIMIT_PERCENT_MODIFIER') return 'a LIMIT keeps rows depending on every row';
    if (node['sample'] !== undefined && node['sample'] !== null) return 'a SAMPLE keeps rows depending on every row';
    if (node['type'] === 'TABLE_FUNCTION') return 'it reads a table function';
    if (node['type'] === 'JOIN') return 'a join can bring rows of other groups together';
    if (node['type'] === 'DISTINCT_MODIFIER' && Array.isArray(node['distinct_on_targets']) && node['distinct_on_targets'].length > 0) return 'DISTINCT ON keeps one row per key, whichever group it comes from';
  }
  const top = nodes.find((node) => typeof node['type'] === 'string' && ['SELECT_NODE', 'SET_OPERATION_NODE', 'RECURSIVE_CTE_NODE', 'CTE_NODE'].includes(node['type']));
  if (top?.['type'] !== 'SELECT_NODE') return 'it is not a single SELECT';
  const keys = Array.isArray(top['group_expressions']) ? (top['group_expressions'] as unknown[]) : [];
  if (keys.length !== 1) return keys.length === 0 ? 'it groups no rows at its top' : 'it groups by more than one expression';
  const sets = Array.isArray(top['group_sets']) ? (top['group_sets'] as unknown[]) : [];
  if (sets.length > 1) return 'it groups by several grouping sets';
  const key = columnNames(keys[0]);
  if (key === null) return 'it groups by a computed expression';
  // Aggregates anywhere below the top would combine rows of several groups before the grouping.
  const aggregates = new Set(input.lineage.functions.filter((f) => f.kind === 'aggregate' || f.name === 'count_star').map((f) => f.name));
  for (const node of nodes) {
    if (node === top || node['type'] !== 'SELECT_NODE') continue;
    if (Array.isArray(node['group_expressions']) && node['group_expressions'].length > 0) return 'it groups rows below its top grouping';
    const calls = ownExpressions(node).flatMap((e) => [...objects(e)]);
    const aggregated = calls.find((c) => (c['class'] === 'FUNCTION' || c['class'] === 'AGGREGATE') && aggregates.has(String(c['function_name'])));
    if (aggregated !== undefined) return `${String(aggregated['function_name'])} aggregates rows below its top grouping`;
  }
  // The result column passing the group key through.
  const item = (Array.isArray(top['select_list']) ? (top['select_list'] as unknown[]) : []).find((i) => {
    const names = columnNames(i);
    return names !== null && names.join('.') === key.join('.');
  });
  const column = itemName(item);
  if (column === undefined) return 'its group key is not one of its result columns';
  const traced = traceOutput(top, column, new Map(), 0, [], false);
  if (traced === null) return `its group key ${column} does not pass a stored column through`;
  const ctes = cteNames(nodes);
  const stored = new Set(nodes.filter((n) => n['type'] === 'BASE_TABLE' && !((n['schema_name'] ?? '') === '' && ctes.has(String(n['table_name'])))).map(storedName));
  if (stored.size !== 1 || !stored.has(traced.table)) return `it reads ${[...stored].sort().join(', ')}, not one relation it groups`;
  return {
    column,
    source: { relation: traced.table, column: traced.column },
    reason: `${column} passes ${traced.table}.${traced.column} through, and each result row groups the rows of ${traced.table} holding one value of it: a group changes only when a row holding its key changed`,
  };
}
