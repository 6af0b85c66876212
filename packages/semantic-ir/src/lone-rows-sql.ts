import { quoteIdentifier } from '@anatomy/schema-authority';
import { mergeOriginSql } from './semantic-macros.js';

const q = quoteIdentifier;

/**
 * What merging the provenance of a group of one row gives (`anatomy_merge_origin` of a
 * one-element list): '' for NULL, which the list drops; the value itself when it names one
 * source, or two in order (`extract-python+tree-sitter`: exactly one '+', the part before it
 * sorting first), which is what the merge gives back; the merge of its parts otherwise.
 * The lists and lambdas of the merge cost about a microsecond a row: every row of
 * `merged.load_symbols` of the standard library (631,626) names two sources, and the view took
 * 2.83–2.88 s with the merge on each, 2.23–2.35 s with the check of two sources in order
 * (2.17–2.24 s with no merge at all).
 */
export function loneProvenanceSql(column: string): string {
  const inOrder = `strpos(substr(${column}, strpos(${column}, '+') + 1), '+') = 0 AND split_part(${column}, '+', 1) < split_part(${column}, '+', 2)`;
  return `CASE WHEN ${column} IS NULL THEN '' WHEN NOT contains(${column}, '+') THEN ${column} WHEN ${inOrder} THEN ${column} ELSE ${mergeOriginSql(`[${column}]`)} END`;
}

/**
 * Rows grouped by an identity, with the grouping paid only where it is needed: the rows are
 * computed once (a materialized CTE), the identities held by more than one row are counted out
 * of them (a GROUP BY of the identity alone), and only their rows go through the aggregates of
 * `grouped`; a row whose identity no other row holds takes `lone`, column by column the value
 * the aggregates would give a group of one. Most identities have one row in the unions and
 * fusions the compiler writes, and the aggregates (ordered `first`, lists of provenance) are
 * costly and cannot spill. A nullable identity is matched with IS NOT DISTINCT FROM, so that
 * its NULLs form one group as GROUP BY makes them; one never NULL with `=`, which
 * plan-signals' file-locality reads as a match of the same entity.
 *
 * @example
 * loneOrGroupedSql({ cte: 'inputs', rows: '…', identity: 'def_id', nullable: false, lone: ['"def_id"', …], grouped: ['"def_id"', 'first(…) AS "name"', …] });
 * // WITH "inputs" AS MATERIALIZED (…), "shared" AS (SELECT "def_id" FROM "inputs" GROUP BY "def_id" HAVING count(*) > 1)
 * // SELECT … WHERE NOT EXISTS (…) UNION ALL SELECT … WHERE EXISTS (…) GROUP BY "def_id"
 */
export function loneOrGroupedSql(input: {
  /** The name of the CTE holding the rows. */
  readonly cte: string;
  /** The SELECT of the rows, indented for the CTE. */
  readonly rows: string;
  readonly identity: string;
  readonly nullable: boolean;
  readonly lone: readonly string[];
  readonly grouped: readonly string[];
}): string {
  const [rows, shared, id, s] = [q(input.cte), q('shared'), q(input.identity), q('s')];
  const isShared = `EXISTS (SELECT 1 FROM ${shared} AS ${s} WHERE ${s}.${id} ${input.nullable ? 'IS NOT DISTINCT FROM' : '='} ${rows}.${id})`;
  return (
    `WITH ${rows} AS MATERIALIZED (\n  ${input.rows}\n),\n` +
    `${shared} AS (\n  SELECT ${id} FROM ${rows} GROUP BY ${id} HAVING count(*) > 1\n)\n` +
    `SELECT\n  ${input.lone.join(',\n  ')}\nFROM ${rows}\nWHERE NOT ${isShared}\n` +
    `UNION ALL\n` +
    `SELECT\n  ${input.grouped.join(',\n  ')}\nFROM ${rows}\nWHERE ${isShared}\nGROUP BY ${id}`
  );
}
