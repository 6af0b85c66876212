import { columnNames, itemName, objects, rowCombiner, storedName, storedRelations, topQuery, traceOutput } from './file-locality.js';
import type { FileLocality, Json } from './file-locality.js';
import type { ViewLineage } from './view-lineage.js';

/** How a global view's groups can be recomputed alone (see FileLocality's `grouped`). */
export type GroupedUpdate = NonNullable<FileLocality['grouped']>;

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
  const combined = rowCombiner(input.parseTree, 'group');
  if (combined !== null) return combined;
  const nodes = objects(input.parseTree);
  if (nodes.some((node) => node['type'] === 'JOIN')) return 'a join can bring rows of other groups together';
  const top = topQuery(input.parseTree);
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
    const calls = ownExpressions(node).flatMap((e) => objects(e));
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
  const stored = new Set(storedRelations(input.parseTree).map(storedName));
  if (stored.size !== 1 || !stored.has(traced.table)) return `it reads ${[...stored].sort().join(', ')}, not one relation it groups`;
  return {
    column,
    source: { relation: traced.table, column: traced.column },
    reason: `${column} passes ${traced.table}.${traced.column} through, and each result row groups the rows of ${traced.table} holding one value of it: a group changes only when a row holding its key changed`,
  };
}
