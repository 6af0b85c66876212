import { z } from 'zod';
import { CpgQueryError } from './cpg-query-error.js';

/**
 * How far the local name resolution (RESOLVES_TO edges made by rules other
 * than SCIP's own) agrees with SCIP's definitions on one built CPG.
 * `precision` = agreeing / local edges whose reference SCIP resolves;
 * `recall` = references with an agreeing edge / references SCIP resolves to
 * a definition in the repository. NaN-free: a ratio over nothing is null.
 */
export const ResolutionAgreementSchema = z
  .object({
    /** RESOLVES_TO edges a local rule made (fused ones included). */
    localEdges: z.number().int().nonnegative(),
    /** Those whose reference SCIP resolves to a definition in the repository: precision's denominator. */
    comparableEdges: z.number().int().nonnegative(),
    /** Those whose target's definition site holds SCIP's definition occurrence. */
    agreeingEdges: z.number().int().nonnegative(),
    /** REF nodes SCIP resolves to a definition in the repository: recall's denominator. */
    scipResolvedRefs: z.number().int().nonnegative(),
    /** Those with an agreeing local edge. */
    agreeingRefs: z.number().int().nonnegative(),
    precision: z.number().min(0).max(1).nullable(),
    recall: z.number().min(0).max(1).nullable(),
  })
  .readonly();
export type ResolutionAgreement = z.infer<typeof ResolutionAgreementSchema>;

/**
 * The SQL of the measure. A local edge's target is taken to its definition
 * site: a DEF's name, a PARAM's or REF's own span, an IMPORT's target through
 * its IMPORTS edges (a DEF's name, or the start of a MODULE's file, where
 * SCIP puts a module's definition). SCIP resolves a reference when an
 * occurrence of the same span names a symbol with a definition occurrence
 * in an indexed file (a document-local symbol only in its own file); they
 * agree when that occurrence lies within the site.
 */
export const RESOLUTION_AGREEMENT_SQL = `
WITH
local_rule AS (
  SELECT e.edge_id, e.src_node_id, e.dst_node_id FROM cpg.edges AS e
  WHERE e.edge_kind = 'RESOLVES_TO' AND len(list_filter(string_split(e.rule, '+'), r -> NOT starts_with(r, 'rel.scip_'))) > 0
),
def_name AS (
  SELECT n.node_id, n.file_id,
         max(p.value_int) FILTER (p.prop_key = 'name_bstart') AS bstart,
         max(p.value_int) FILTER (p.prop_key = 'name_bend') AS bend
  FROM cpg.nodes AS n JOIN cpg.props AS p ON p.entity_id = n.node_id
  WHERE n.node_kind = 'DEF' GROUP BY n.node_id, n.file_id
),
site AS (
  SELECT node_id, file_id, bstart, bend FROM def_name
  UNION ALL
  SELECT node_id, file_id, bstart, bend FROM cpg.nodes WHERE node_kind IN ('PARAM', 'REF')
  UNION ALL
  SELECT i.src_node_id, coalesce(d.file_id, m.file_id), coalesce(d.bstart, 0), coalesce(d.bend, 0)
  FROM cpg.edges AS i
  LEFT JOIN def_name AS d ON d.node_id = i.dst_node_id
  LEFT JOIN cpg.nodes AS m ON m.node_id = i.dst_node_id AND m.node_kind = 'MODULE'
  WHERE i.edge_kind = 'IMPORTS' AND (d.node_id IS NOT NULL OR m.node_id IS NOT NULL)
),
scip_target AS (
  SELECT DISTINCT r.node_id AS ref_id, d.file_id, d.bstart, d.bend
  FROM cpg.nodes AS r
  JOIN evidence.scip_occurrences AS o ON o.file_id = r.file_id AND o.bstart = r.bstart AND o.bend = r.bend AND NOT o.is_definition
  JOIN evidence.scip_occurrences AS d ON d.symbol = o.symbol AND d.is_definition AND (NOT o.is_local_symbol OR d.file_id = o.file_id)
  WHERE r.node_kind = 'REF'
),
judged AS (
  SELECT l.edge_id, l.src_node_id,
         EXISTS (SELECT 1 FROM scip_target AS t WHERE t.ref_id = l.src_node_id) AS comparable,
         EXISTS (SELECT 1 FROM scip_target AS t JOIN site AS s ON s.node_id = l.dst_node_id
                 WHERE t.ref_id = l.src_node_id AND t.file_id = s.file_id AND s.bstart <= t.bstart AND t.bend <= s.bend) AS agrees
  FROM local_rule AS l
)
SELECT
  (SELECT count(*) FROM local_rule)::INTEGER AS local_edges,
  (SELECT count(*) FROM judged WHERE comparable)::INTEGER AS comparable_edges,
  (SELECT count(*) FROM judged WHERE agrees)::INTEGER AS agreeing_edges,
  (SELECT count(DISTINCT ref_id) FROM scip_target)::INTEGER AS scip_resolved_refs,
  (SELECT count(DISTINCT src_node_id) FROM judged WHERE agrees)::INTEGER AS agreeing_refs`;

/** Something that runs SQL and returns rows, as an opened CPG does. */
export interface SqlRunner {
  sql(query: string): Promise<readonly Readonly<Record<string, unknown>>[]>;
}

/**
 * Measures on a CPG built with SCIP evidence (`anatomy build --scip`) how
 * many local RESOLVES_TO edges agree with SCIP's definitions: the precision
 * and recall of the local resolution, taking SCIP as the reference.
 * Throws `cpg-query/MissingTable` when the store holds no SCIP occurrences.
 *
 * @example
 * const cpg = await openCpg('repo/.anatomy/anatomy.duckdb');
 * const { precision, recall } = await measureResolutionAgreement(cpg);
 */
export async function measureResolutionAgreement(cpg: SqlRunner): Promise<ResolutionAgreement> {
  const [present] = await cpg.sql(
    "SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_schema = 'evidence' AND table_name = 'scip_occurrences'",
  );
  if (Number(present?.['n'] ?? 0) === 0) {
    throw CpgQueryError.create('MissingTable', 'the store holds no SCIP evidence (evidence.scip_occurrences), so there is nothing to compare the resolution with', {
      hint: 'build with SCIP: anatomy build <dir> --scip (or --scip-index FILE)',
    });
  }
  const [row] = await cpg.sql(RESOLUTION_AGREEMENT_SQL);
  const n = (key: string): number => Number(row?.[key] ?? 0);
  const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
  return ResolutionAgreementSchema.parse({
    localEdges: n('local_edges'),
    comparableEdges: n('comparable_edges'),
    agreeingEdges: n('agreeing_edges'),
    scipResolvedRefs: n('scip_resolved_refs'),
    agreeingRefs: n('agreeing_refs'),
    precision: ratio(n('agreeing_edges'), n('comparable_edges')),
    recall: ratio(n('agreeing_refs'), n('scip_resolved_refs')),
  });
}
