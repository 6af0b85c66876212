/**
 * Full builds write some large views range of files by range of files.
 *
 * A table stored in file order is written as `SELECT … ORDER BY file`. When
 * the SELECT is a union of many branches, DuckDB's sort keeps the rows of
 * every branch in memory until the last one is read, and does not spill
 * them: on the standard library `cpg.props` (a union of 55 reads, 9.8
 * million rows) took 2.3 GB so, and ran out of memory after 0.4 s under a
 * 1 GB cap. Written as one statement per range of about 250 files, each
 * filtered on the file column (which DuckDB pushes into every branch's
 * scan) and sorted, the same rows in the same order took 0.85 GB and
 * passed under a 600 MB cap (4.7–5.3 s against 4.3 s in one statement).
 *
 * Only a union of plain reads is written so: a filter on its file column
 * reaches every scan, and the stored tables it reads are themselves in file
 * order, so each range reads only its own row groups. A plain read may look
 * its rows up in another stored table (`cpg.nodes` takes each file's path
 * from `evidence.files` by a LEFT JOIN on one column): the filter still
 * reaches the read table's scan, and the lookup adds no row. Under any other
 * join, a grouping or a window the filter may stop short of the scans, and
 * every range would compute the whole query.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Files per range of a range-by-range write. */
export const FILES_PER_WRITE_RANGE = 250;

/** The fewest union branches for which a range-by-range write is worth its extra statements. */
export const MIN_RANGE_WRITE_BRANCHES = 8;

/** Expression classes a plain read may hold in its select list and WHERE clause. */
const PLAIN_CLASSES = new Set(['COLUMN_REF', 'CONSTANT', 'CAST', 'COMPARISON', 'CONJUNCTION', 'OPERATOR']);

/**
 * A function call that is scalar whatever its name says: no DISTINCT, FILTER
 * or ORDER BY of an aggregate, and the view's plan (see
 * {@link plainUnionBranches}) holds no aggregate or window.
 */
function scalarCall(expression: Json): boolean {
  const orders = isObject(expression['order_bys']) ? expression['order_bys']['orders'] : [];
  return expression['class'] === 'FUNCTION' && expression['distinct'] !== true && (expression['filter'] ?? null) === null && (!Array.isArray(orders) || orders.length === 0);
}

function plainExpression(expression: unknown, scalarFunctions: boolean): boolean {
  if (expression === null || expression === undefined) return true;
  if (!isObject(expression) || !(PLAIN_CLASSES.has(String(expression['class'])) || (scalarFunctions && scalarCall(expression)))) return false;
  return Object.values(expression).every((value) =>
    Array.isArray(value) ? value.every((v) => !isObject(v) || plainExpression(v, scalarFunctions)) : !isObject(value) || value['class'] === undefined || plainExpression(value, scalarFunctions),
  );
}

const isColumnRef = (value: unknown): boolean => isObject(value) && value['class'] === 'COLUMN_REF';

/** A stored table, or one LEFT JOINed to another on the equality of one column of each: each row of the first, looked up in the second. */
function plainSource(from: unknown): boolean {
  if (!isObject(from)) return false;
  if (from['type'] === 'BASE_TABLE') return true;
  const on = from['condition'];
  return (
    from['type'] === 'JOIN' &&
    from['join_type'] === 'LEFT' &&
    from['ref_type'] === 'REGULAR' &&
    isObject(from['left']) &&
    from['left']['type'] === 'BASE_TABLE' &&
    isObject(from['right']) &&
    from['right']['type'] === 'BASE_TABLE' &&
    Array.isArray(from['using_columns']) &&
    from['using_columns'].length === 0 &&
    isObject(on) &&
    on['type'] === 'COMPARE_EQUAL' &&
    isColumnRef(on['left']) &&
    isColumnRef(on['right'])
  );
}

/** A SELECT of one stored table (or its lookup, see {@link plainSource}): no other join, no grouping, window, DISTINCT, ORDER BY, LIMIT or CTE, only plain expressions. */
function plainRead(node: Json, scalarFunctions: boolean): boolean {
  const from = node['from_table'];
  const ctes = isObject(node['cte_map']) ? node['cte_map']['map'] : [];
  return (
    node['type'] === 'SELECT_NODE' &&
    plainSource(from) &&
    Array.isArray(node['modifiers']) &&
    node['modifiers'].length === 0 &&
    Array.isArray(ctes) &&
    ctes.length === 0 &&
    Array.isArray(node['group_expressions']) &&
    node['group_expressions'].length === 0 &&
    node['having'] === null &&
    node['qualify'] === null &&
    node['aggregate_handling'] === 'STANDARD_HANDLING' &&
    Array.isArray(node['select_list']) &&
    node['select_list'].every((e) => plainExpression(e, scalarFunctions)) &&
    plainExpression(node['where_clause'], scalarFunctions)
  );
}

/** The branches of a UNION ALL tree of plain reads, or null when the node is anything else. */
function plainBranches(node: unknown, scalarFunctions: boolean): number | null {
  if (!isObject(node)) return null;
  if (node['type'] === 'SELECT_NODE') return plainRead(node, scalarFunctions) ? 1 : null;
  const ctes = isObject(node['cte_map']) ? node['cte_map']['map'] : [];
  if (node['type'] !== 'SET_OPERATION_NODE' || node['setop_type'] !== 'UNION' || node['setop_all'] !== true) return null;
  if (!Array.isArray(node['modifiers']) || node['modifiers'].length > 0 || !Array.isArray(ctes) || ctes.length > 0) return null;
  const children = Array.isArray(node['children']) ? node['children'] : [node['left'], node['right']];
  let total = 0;
  for (const child of children) {
    const n = plainBranches(child, scalarFunctions);
    if (n === null) return null;
    total += n;
  }
  return total;
}

/**
 * How many plain reads a view's SQL is a UNION ALL of, by DuckDB's parse
 * tree of it; null when it is anything else (one SELECT with a join, a
 * grouping, a CTE, …). A function call is plain only when `plan`, the
 * operator counts of DuckDB's physical plan of the view, has no aggregate
 * and no window: then every function the branches call is scalar (a name
 * alone does not tell `abs` from `sum`), and the filter on the file column
 * still reaches the scans.
 *
 * @example
 * plainUnionBranches(bundle.parseTree, signals['cpg.nodes']); // 14: cpg.nodes makes its FILE nodes' ids with a macro
 * plainUnionBranches(bundle.parseTree); // 55 for cpg.props, null for cpg.edges (it groups its union)
 */
export function plainUnionBranches(parseTree: unknown, plan?: { readonly aggregates: number; readonly windows: number }): number | null {
  if (!isObject(parseTree) || parseTree['error'] === true || !Array.isArray(parseTree['statements']) || parseTree['statements'].length !== 1) return null;
  const statement = parseTree['statements'][0];
  const node = isObject(statement) ? statement['node'] : undefined;
  const scalarFunctions = plan !== undefined && plan.aggregates === 0 && plan.windows === 0;
  return isObject(node) && node['type'] === 'SET_OPERATION_NODE' ? plainBranches(node, scalarFunctions) : null;
}

/**
 * The bounds splitting files, sorted ascending and distinct, into ranges of
 * `perRange` files: the first file of every range but the first. None when
 * they fit in one range.
 *
 * @example
 * fileRangeBounds(['a', 'b', 'c', 'd', 'e'], 2); // ['c', 'e']
 */
export function fileRangeBounds(sortedFileIds: readonly string[], perRange: number = FILES_PER_WRITE_RANGE): string[] {
  if (!Number.isInteger(perRange) || perRange < 1) throw new RangeError(`fileRangeBounds: perRange must be a positive whole number, not ${perRange}`);
  const bounds: string[] = [];
  for (let i = perRange; i < sortedFileIds.length; i += perRange) bounds.push(sortedFileIds[i] as string);
  return bounds;
}
