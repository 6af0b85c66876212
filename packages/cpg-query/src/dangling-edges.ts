import { cpgEdgesDataset, cpgNodesDataset, qualifiedName } from '@anatomy/schema-authority';
import { CpgQueryError } from './cpg-query-error.js';
import type { Cpg } from './open-cpg.js';

/**
 * Fails with `cpg-query/ContractViolation` when an edge names a node that
 * `cpg.nodes` does not hold. The contract forbids it, and graph formats
 * would either drop such an edge or invent an empty node for it; an export
 * refuses instead, naming the first offenders.
 *
 * @example
 * await assertEdgesConnect(cpg); // before writing GraphML or Neo4j CSV
 */
export async function assertEdgesConnect(cpg: Cpg): Promise<void> {
  if (!(cpg.tables as readonly string[]).includes(cpgEdgesDataset.name)) return;
  const nodes = qualifiedName(cpgNodesDataset);
  const rows = await cpg.sql(
    `SELECT e."edge_id" AS edge, e."src_node_id" AS src, e."dst_node_id" AS dst FROM ${qualifiedName(cpgEdgesDataset)} AS e ` +
      `WHERE e."src_node_id" NOT IN (SELECT "node_id" FROM ${nodes}) OR e."dst_node_id" NOT IN (SELECT "node_id" FROM ${nodes}) ` +
      `ORDER BY e."edge_id" LIMIT 20`,
  );
  if (rows.length === 0) return;
  const problems = rows.map((r) => `edge ${String(r['edge'])}: ${String(r['src'])} → ${String(r['dst'])}`);
  throw CpgQueryError.create('ContractViolation', `cpg.edges in ${cpg.path} has edges whose ends are not in cpg.nodes:\n${problems.join('\n')}`, {
    details: { path: cpg.path, problems },
    hint: 'rebuild the CPG with `anatomy build <dir>`; if it persists, report it as a bug of the build',
  });
}
