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
 * order, so each range reads only its own row groups. Under a join, a
 * grouping or a window the filter may stop short of the scans, and every
 * range would compute the whole query.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Files per range of a range-by-range write. */
export const FILES_PER_WRITE_RANGE = 250;

/** The fewest union branches for which a range-by-range write is worth its extra statements. */
export const MIN_RANGE_WRITE_BRANCHES = 8;

/** Expression classes a plain read may hold in its select list and WHERE clause. */
const PLAIN_CLASSES = new Set(['COLUMN_REF', 'CONSTANT', 'CAST', 'COMPARISON', 'CONJUNCTION', 'OPERATOR']);

function plainExpression(expression: unknown): boolean {
  if (expression === null || expression === undefined) return true;
  if (!isObject(expression) || !PLAIN_CLASSES.has(String(expression['class']))) return false;
  return Object.values(expression).every((value) => (Array.isArray(value) ? value.every((v) => !isObject(v) || plainExpression(v)) : !isObject(value) || value['class'] === undefined || plainExpression(value)));
}

/** A SELECT of one stored table: no join, grouping, window, DISTINCT, ORDER BY, LIMIT or CTE, only plain expressions. */
function plainRead(node: Json): boolean {
  const from = node['from_table'];
  const ctes = isObject(node['cte_map']) ? node['cte_map']['map'] : [];
  return (
    node['type'] === 'SELECT_NODE' &&
    isObject(from) &&
    from['type'] === 'BASE_TABLE' &&
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
    node['select_list'].every(plainExpression) &&
    plainExpression(node['where_clause'])
  );
}

/** The branches of a UNION ALL tree of plain reads, or null when the node is anything else. */
function plainBranches(node: unknown): number | null {
  if (!isObject(node)) return null;
  if (node['type'] === 'SELECT_NODE') return plainRead(node) ? 1 : null;
  const ctes = isObject(node['cte_map']) ? node['cte_map']['map'] : [];
  if (node['type'] !== 'SET_OPERATION_NODE' || node['setop_type'] !== 'UNION' || node['setop_all'] !== true) return null;
  if (!Array.isArray(node['modifiers']) || node['modifiers'].length > 0 || !Array.isArray(ctes) || ctes.length > 0) return null;
  const children = Array.isArray(node['children']) ? node['children'] : [node['left'], node['right']];
  let total = 0;
  for (const child of children) {
    const n = plainBranches(child);
    if (n === null) return null;
    total += n;
  }
  return total;
}

/**
 * How many plain reads a view's SQL is a UNION ALL of, by DuckDB's parse
 * tree of it; null when it is anything else (one SELECT with a join, a
 * grouping, a CTE, …).
 *
 * @example
 * plainUnionBranches(bundle.parseTree); // 55 for cpg.props, null for cpg.edges (it groups its union)
 */
export function plainUnionBranches(parseTree: unknown): number | null {
  if (!isObject(parseTree) || parseTree['error'] === true || !Array.isArray(parseTree['statements']) || parseTree['statements'].length !== 1) return null;
  const statement = parseTree['statements'][0];
  const node = isObject(statement) ? statement['node'] : undefined;
  return isObject(node) && node['type'] === 'SET_OPERATION_NODE' ? plainBranches(node) : null;
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
