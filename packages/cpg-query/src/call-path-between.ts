import { cpgNodesDataset, qualifiedName } from '@anatomy/schema-authority';
import { DirectedGraph } from 'graphology';
import type { BoundQuery } from './bound-query.js';
import { callLinkSql } from './call-link-sql.js';
import { CallPathSchema } from './call-path.js';
import type { CallPath } from './call-path.js';
import { contractRows } from './contract-rows.js';
import type { CpgReader } from './cpg-reader.js';
import { CpgNodeSchema } from './cpg-node.js';
import type { CpgNode } from './cpg-node.js';
import { CpgQueryError } from './cpg-query-error.js';
import { rowStructSql } from './row-struct-sql.js';
import { shortestCallPath } from './shortest-call-path.js';
import { subjectNode } from './subject-node.js';

/**
 * The query for the part of the call graph that can lie on a path from
 * `from` to `to`: nodes reachable from `from` that also reach `to`, each
 * found by a recursive CTE, and the calls between them (one per ordered
 * pair, the smallest call id, for a stable answer). Only this region leaves
 * DuckDB, however large the whole call graph.
 *
 * @example
 * callRegionQuery('def:main', 'def:save'); // rows { caller, callee, call_id }
 */
export function callRegionQuery(from: string, to: string): BoundQuery {
  const sql = [
    `WITH RECURSIVE link AS (${callLinkSql()}),`,
    `forward(node_id) AS (SELECT CAST($from AS VARCHAR) UNION SELECT l.callee FROM forward AS f JOIN link AS l ON l.caller = f.node_id),`,
    `backward(node_id) AS (SELECT CAST($to AS VARCHAR) UNION SELECT l.caller FROM backward AS b JOIN link AS l ON l.callee = b.node_id),`,
    `region AS (SELECT node_id FROM forward INTERSECT SELECT node_id FROM backward)`,
    `SELECT l.caller, l.callee, min(l.call_id) AS call_id FROM link AS l`,
    `WHERE l.caller IN (SELECT node_id FROM region) AND l.callee IN (SELECT node_id FROM region)`,
    `GROUP BY l.caller, l.callee ORDER BY l.caller, l.callee`,
  ].join('\n');
  return Object.freeze({ sql, params: Object.freeze({ from, to }) });
}

/**
 * Answers `pathBetween`: loads the region of the call graph between the two
 * definitions into a graphology graph and searches it breadth-first for a
 * shortest call chain. Returns null when `to` cannot be reached from `from`.
 *
 * @example
 * await callPathBetween(reader, mainId, saveId); // { nodes: [main, load, save], calls: [c1, c2] }
 */
export async function callPathBetween(reader: CpgReader, fromId: string, toId: string): Promise<CallPath | null> {
  const from = await subjectNode(reader, fromId, { kinds: ['DEF', 'MODULE'], role: 'pathBetween (from)', needs: ['cpg.edges'] });
  const to = await subjectNode(reader, toId, { kinds: ['DEF'], role: 'pathBetween (to)', needs: ['cpg.edges'] });
  const graph = new DirectedGraph<Record<string, never>, { readonly call: string }>();
  graph.mergeNode(from);
  graph.mergeNode(to);
  for (const row of await reader.select(callRegionQuery(from, to))) {
    const caller = String(row['caller']);
    const callee = String(row['callee']);
    graph.mergeNode(caller);
    graph.mergeNode(callee);
    // One CALL may resolve to several definitions, so the call is an attribute, not the edge key.
    graph.addDirectedEdge(caller, callee, { call: String(row['call_id']) });
  }
  const found = shortestCallPath(graph, from, to);
  if (found === undefined) return null;
  const calls = found.edges.map((edge) => graph.getEdgeAttribute(edge, 'call'));
  const byId = await nodesById(reader, [...found.nodes, ...calls]);
  const path = contractRows(CallPathSchema, [{ nodes: found.nodes.map((id) => byId.get(id)), calls: calls.map((id) => byId.get(id)) }], {
    file: reader.path,
    describe: () => `path from ${from} to ${to}`,
  });
  return path[0]!;
}

async function nodesById(reader: CpgReader, ids: readonly string[]): Promise<ReadonlyMap<string, CpgNode>> {
  const unique = [...new Set(ids)];
  const params = Object.fromEntries(unique.map((id, i) => [`id${i}`, id]));
  const rows = await reader.select({
    sql: `SELECT ${rowStructSql(cpgNodesDataset, 'n')} AS node FROM ${qualifiedName(cpgNodesDataset)} AS n WHERE n."node_id" IN (${unique.map((_, i) => `$id${i}`).join(', ')})`,
    params,
  });
  const nodes = contractRows(CpgNodeSchema, rows.map((r) => r['node']), { file: reader.path, describe: (n) => `node ${String((n as { node_id?: unknown }).node_id)}` });
  const byId = new Map(nodes.map((n) => [n.node_id as string, n]));
  const missing = unique.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    throw CpgQueryError.create('ContractViolation', `edges of ${reader.path} name nodes that cpg.nodes does not hold: ${missing.join(', ')}`, {
      details: { path: reader.path, missing },
      hint: 'rebuild the CPG with `anatomy build <dir>`; if it persists, report it as a bug of the build',
    });
  }
  return byId;
}
