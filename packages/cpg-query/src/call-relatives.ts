import { cpgNodesDataset, qualifiedName } from '@anatomy/schema-authority';
import type { BoundQuery } from './bound-query.js';
import { callLinkSql } from './call-link-sql.js';
import { CallRelativeSchema } from './call-relative.js';
import type { CallRelative } from './call-relative.js';
import { contractRows } from './contract-rows.js';
import type { CpgReader } from './cpg-reader.js';
import { rowStructSql } from './row-struct-sql.js';
import { subjectNode } from './subject-node.js';
import { TraversalOptionsSchema } from './traversal-options.js';
import type { TraversalOptions } from './traversal-options.js';
import { validOptions } from './valid-options.js';

/** Which way a traversal follows calls: to what the subject calls, or to what calls it. */
export type CallDirection = 'callees' | 'callers';

/**
 * The query for the definitions reached from `start` within `depth` calls,
 * each at its smallest depth, with the calls that link it to the level
 * before. A recursive CTE walks the call graph breadth-first; its UNION
 * keeps one row per (node, depth), so cycles end at the depth bound.
 *
 * @example
 * callRelativesQuery('def:…', 2, 'callers'); // { sql: 'WITH RECURSIVE …', params: { start: 'def:…', depth: 2 } }
 */
export function callRelativesQuery(start: string, depth: number, direction: CallDirection): BoundQuery {
  const nodes = qualifiedName(cpgNodesDataset);
  const [here, there] = direction === 'callees' ? ['caller', 'callee'] : ['callee', 'caller'];
  const sql = [
    `WITH RECURSIVE link AS (${callLinkSql()}),`,
    `step AS (SELECT ${here} AS here, ${there} AS there, call_id FROM link),`,
    `reach(node_id, depth) AS (SELECT CAST($start AS VARCHAR), 0 UNION SELECT s.there, r.depth + 1 FROM reach AS r JOIN step AS s ON s.here = r.node_id WHERE r.depth < $depth),`,
    `best AS (SELECT node_id, min(depth) AS depth FROM reach WHERE depth > 0 GROUP BY node_id),`,
    `front AS (SELECT node_id, depth FROM best UNION ALL SELECT CAST($start AS VARCHAR), 0),`,
    `pairs AS (SELECT DISTINCT b.node_id, b.depth, s.call_id FROM best AS b JOIN step AS s ON s.there = b.node_id JOIN front AS f ON f.node_id = s.here AND f.depth = b.depth - 1),`,
    `grouped AS (SELECT p.node_id, p.depth, list(${rowStructSql(cpgNodesDataset, 'c')} ORDER BY c."path", c."bstart", c."node_id") AS calls ` +
      `FROM pairs AS p JOIN ${nodes} AS c ON c."node_id" = p.call_id GROUP BY p.node_id, p.depth)`,
    `SELECT ${rowStructSql(cpgNodesDataset, 'n')} AS node, g.depth, g.calls FROM grouped AS g JOIN ${nodes} AS n ON n."node_id" = g.node_id`,
    `ORDER BY g.depth, n."path", n."bstart", n."node_id"`,
  ].join('\n');
  return Object.freeze({ sql, params: Object.freeze({ start, depth }) });
}

/**
 * Answers `callers` and `callees`: checks the subject (a DEF, or for callees
 * also a MODULE, whose module-level code makes calls), then walks the call
 * graph in DuckDB.
 *
 * @example
 * await callRelatives(reader, id, { depth: 2 }, 'callees');
 */
export async function callRelatives(reader: CpgReader, id: string, options: TraversalOptions, direction: CallDirection): Promise<readonly CallRelative[]> {
  const { depth } = validOptions(TraversalOptionsSchema, options, direction);
  const start = await subjectNode(reader, id, {
    kinds: direction === 'callees' ? ['DEF', 'MODULE'] : ['DEF'],
    role: direction,
    needs: ['cpg.edges'],
  });
  const rows = await reader.select(callRelativesQuery(start, depth, direction));
  return contractRows(CallRelativeSchema, rows, { file: reader.path, describe: (r) => `${direction} row ${describeNode(r)}` });
}

function describeNode(row: unknown): string {
  const node = (row as { node?: { node_id?: unknown } }).node;
  return String(node?.node_id);
}
