import { cpgEdgesDataset, qualifiedName } from '@anatomy/schema-authority';

/**
 * A CTE body listing the call graph between definitions, one row per call:
 * `caller` (the DEF or MODULE whose code holds the CALL, by its CONTAINS
 * edge), `callee` (the DEF the CALL resolves to, by its CALLS edge) and
 * `call_id`. CALLS edges start at CALL nodes, so the enclosing definition is
 * what turns them into definition-to-definition steps.
 *
 * @example
 * `WITH link AS (${callLinkSql()}) SELECT * FROM link`;
 */
export function callLinkSql(): string {
  const edges = qualifiedName(cpgEdgesDataset);
  return (
    `SELECT c."src_node_id" AS caller, k."dst_node_id" AS callee, k."src_node_id" AS call_id ` +
    `FROM ${edges} AS k JOIN ${edges} AS c ON c."dst_node_id" = k."src_node_id" AND c."edge_kind" = 'CONTAINS' ` +
    `WHERE k."edge_kind" = 'CALLS'`
  );
}
