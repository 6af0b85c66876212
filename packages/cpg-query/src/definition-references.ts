import { cpgEdgesDataset, cpgNodesDataset, qualifiedName } from '@anatomy/schema-authority';
import type { BoundQuery } from './bound-query.js';
import { contractRows } from './contract-rows.js';
import type { CpgReader } from './cpg-reader.js';
import { DefinitionReferenceSchema } from './definition-reference.js';
import type { DefinitionReference } from './definition-reference.js';
import { rowStructSql } from './row-struct-sql.js';
import { subjectNode } from './subject-node.js';

/**
 * The query for the references of a node: REF nodes whose RESOLVES_TO edge
 * ends at it, and REF nodes resolving to an IMPORT whose IMPORTS edge ends at
 * it. The second kind is how the contract resolves a name used in another
 * file: go-to-definition stops at the import, the import leads on.
 *
 * @example
 * definitionReferencesQuery('def:…'); // { sql: 'SELECT … RESOLVES_TO …', params: { target: 'def:…' } }
 */
export function definitionReferencesQuery(target: string): BoundQuery {
  const nodes = qualifiedName(cpgNodesDataset);
  const edges = qualifiedName(cpgEdgesDataset);
  const ref = rowStructSql(cpgNodesDataset, 'r');
  const edge = rowStructSql(cpgEdgesDataset, 'e');
  const sql = [
    `SELECT node, edge, through FROM (`,
    `SELECT ${ref} AS node, ${edge} AS edge, NULL AS through, r."path" AS path, r."bstart" AS bstart, r."node_id" AS id`,
    `FROM ${edges} AS e JOIN ${nodes} AS r ON r."node_id" = e."src_node_id"`,
    `WHERE e."edge_kind" = 'RESOLVES_TO' AND e."dst_node_id" = $target`,
    `UNION ALL`,
    `SELECT ${ref}, ${edge}, ${rowStructSql(cpgNodesDataset, 'i')}, r."path", r."bstart", r."node_id"`,
    `FROM ${edges} AS b JOIN ${nodes} AS i ON i."node_id" = b."src_node_id" AND i."node_kind" = 'IMPORT'`,
    `JOIN ${edges} AS e ON e."dst_node_id" = i."node_id" AND e."edge_kind" = 'RESOLVES_TO'`,
    `JOIN ${nodes} AS r ON r."node_id" = e."src_node_id"`,
    `WHERE b."edge_kind" = 'IMPORTS' AND b."dst_node_id" = $target`,
    `) ORDER BY path, bstart, id, edge.edge_id`,
  ].join('\n');
  return Object.freeze({ sql, params: Object.freeze({ target }) });
}

/**
 * Answers `references`: checks that the node exists, then lists what
 * resolves to it, directly or through an import, by path and position.
 *
 * @example
 * await definitionReferences(reader, defId);
 */
export async function definitionReferences(reader: CpgReader, id: string): Promise<readonly DefinitionReference[]> {
  const target = await subjectNode(reader, id, {
    kinds: ['DEF', 'PARAM', 'IMPORT', 'REF'],
    role: 'references',
    needs: ['cpg.edges'],
  });
  const rows = await reader.select(definitionReferencesQuery(target));
  return contractRows(DefinitionReferenceSchema, rows, {
    file: reader.path,
    describe: (r) => `reference ${String((r as { edge?: { edge_id?: unknown } }).edge?.edge_id)}`,
  });
}
