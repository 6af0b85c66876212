import { cpgEdgesDataset, cpgNodesDataset, qualifiedName } from '@anatomy/schema-authority';
import { z } from 'zod';
import type { BoundQuery } from './bound-query.js';
import { contractRows } from './contract-rows.js';
import type { CpgReader } from './cpg-reader.js';
import { CpgQueryError } from './cpg-query-error.js';
import { ModuleImportsSchema } from './module-imports.js';
import type { ModuleImports } from './module-imports.js';
import { rowStructSql } from './row-struct-sql.js';
import { requireTables } from './subject-node.js';
import { validOptions } from './valid-options.js';

/** Which side of the import relation to answer: what a module imports, or who imports it. */
export type ImportDirection = 'importsOf' | 'importersOf';

const ModuleNameSchema = z.string().min(1, 'a module name is a dotted name such as pkg.util');

/**
 * The query for the modules on the other side of a module's imports. An
 * IMPORTS edge ends at a MODULE (`import pkg.util`) or at a DEF
 * (`from pkg.util import load`); a DEF counts as its file's module. Imports
 * anywhere in the module's file count, also those inside functions.
 *
 * @example
 * moduleImportsQuery('pkg.app', 'importsOf'); // { sql: 'WITH subject AS …', params: { module: 'pkg.app' } }
 */
export function moduleImportsQuery(module: string, direction: ImportDirection): BoundQuery {
  const nodes = qualifiedName(cpgNodesDataset);
  const edges = qualifiedName(cpgEdgesDataset);
  const pairs =
    direction === 'importsOf'
      ? `SELECT DISTINCT l.target_module AS module_id, l.import_id FROM links AS l JOIN subject AS s ON s."file_id" = l.import_file ` +
        `WHERE l.target_module IS NOT NULL AND l.target_module NOT IN (SELECT "node_id" FROM subject)`
      : `SELECT DISTINCT m."node_id" AS module_id, l.import_id FROM links AS l JOIN subject AS s ON s."node_id" = l.target_module ` +
        `JOIN ${nodes} AS m ON m."node_kind" = 'MODULE' AND m."file_id" = l.import_file WHERE m."node_id" NOT IN (SELECT "node_id" FROM subject)`;
  const sql = [
    `WITH subject AS (SELECT "node_id", "file_id" FROM ${nodes} WHERE "node_kind" = 'MODULE' AND "name" = $module),`,
    `links AS (SELECT i."node_id" AS import_id, i."file_id" AS import_file,`,
    `  CASE WHEN d."node_kind" = 'MODULE' THEN d."node_id" ELSE dm."node_id" END AS target_module`,
    `  FROM ${edges} AS e JOIN ${nodes} AS i ON i."node_id" = e."src_node_id" AND i."node_kind" = 'IMPORT'`,
    `  JOIN ${nodes} AS d ON d."node_id" = e."dst_node_id"`,
    `  LEFT JOIN ${nodes} AS dm ON d."node_kind" <> 'MODULE' AND dm."node_kind" = 'MODULE' AND dm."file_id" = d."file_id"`,
    `  WHERE e."edge_kind" = 'IMPORTS'),`,
    `pairs AS (${pairs}),`,
    `grouped AS (SELECT p.module_id, list(${rowStructSql(cpgNodesDataset, 'i')} ORDER BY i."path", i."bstart", i."node_id") AS imports`,
    `  FROM pairs AS p JOIN ${nodes} AS i ON i."node_id" = p.import_id GROUP BY p.module_id)`,
    `SELECT ${rowStructSql(cpgNodesDataset, 'm')} AS module, g.imports FROM grouped AS g JOIN ${nodes} AS m ON m."node_id" = g.module_id`,
    `ORDER BY m."name", m."path", m."node_id"`,
  ].join('\n');
  return Object.freeze({ sql, params: Object.freeze({ module }) });
}

/**
 * Answers `importsOf` and `importersOf` for a dotted module name, failing
 * with `cpg-query/UnknownModule` when no MODULE node has that name.
 *
 * @example
 * await moduleImportsOf(reader, 'pkg.util', 'importersOf');
 */
export async function moduleImportsOf(reader: CpgReader, moduleName: string, direction: ImportDirection): Promise<readonly ModuleImports[]> {
  const module = validOptions(ModuleNameSchema, moduleName, direction);
  requireTables(reader, ['cpg.edges'], direction);
  const known = await reader.select({
    sql: `SELECT count(*) AS n FROM ${qualifiedName(cpgNodesDataset)} WHERE "node_kind" = 'MODULE' AND "name" = $module`,
    params: { module },
  });
  if (Number(known[0]?.['n'] ?? 0) === 0) {
    throw CpgQueryError.create('UnknownModule', `${direction}: no module named ${module} in ${reader.path}`, {
      details: { module },
      hint: `list the modules with: SELECT name FROM cpg.nodes WHERE node_kind = 'MODULE' ORDER BY name`,
    });
  }
  const rows = await reader.select(moduleImportsQuery(module, direction));
  return contractRows(ModuleImportsSchema, rows, {
    file: reader.path,
    describe: (r) => `${direction} module ${String((r as { module?: { node_id?: unknown } }).module?.node_id)}`,
  });
}
