import { quoteIdentifier } from '@anatomy/schema-authority';
import type { EdgeFusion, InferredProject } from './inferred-view.js';
import { mergeOriginSql } from './semantic-macros.js';

const q = quoteIdentifier;
const ORDER = q('source_order');

/**
 * Emits a projection whose rows sharing an identity are one edge found by
 * several rules: the sources' SELECTs (each numbered by its place in the
 * canonical order) are grouped by the identity; the provenance merges every
 * source's, the rule joins the distinct rules ('+', sorted), the confidence
 * is 1 - Π(1 - c) (a lone row keeps its own; the factors are sorted, so the
 * floating-point product does not depend on row order), and the other
 * columns take the value of the first source.
 *
 * @example
 * emitEdgeFusionSql(cpgEdges, cpgEdges.fusion, selects);
 * // SELECT "edge_id", …, array_to_string(list_sort(list_distinct(list("rule"))), '+') AS "rule", … FROM (SELECT 0 AS "source_order", … UNION ALL …) AS "rows" GROUP BY "edge_id"
 */
export function emitEdgeFusionSql(view: InferredProject, fusion: EdgeFusion, selects: readonly string[]): string {
  const numbered = selects.map((sql, i) => sql.replace(/^SELECT\n/, `SELECT\n  ${i} AS ${ORDER},\n`).replaceAll('\n', '\n  '));
  const rule = q(fusion.rule);
  const columns = view.output.columns.map((c) => {
    const name = q(c.name);
    if (c.name === fusion.identity) return name;
    if (c.name === fusion.provenance) return `${mergeOriginSql(`list(${name})`)} AS ${name}`;
    if (c.name === fusion.rule) return `array_to_string(list_sort(list_distinct(list(${name}))), '+') AS ${name}`;
    if (c.name === fusion.confidence) {
      return `CASE WHEN count(*) = 1 THEN any_value(${name}) ELSE 1 - list_reduce(list_sort(list(1 - ${name})), (a, b) -> a * b) END AS ${name}`;
    }
    return `first(${name} ORDER BY ${ORDER}, ${rule}) AS ${name}`;
  });
  // A subquery, not a CTE: DuckDB numbers CTEs with a counter of the session, which would make equal plans look different.
  return `SELECT\n  ${columns.join(',\n  ')}\nFROM (\n  ${numbered.join('\n  UNION ALL\n  ')}\n) AS ${q('rows')}\nGROUP BY ${q(fusion.identity)}`;
}
