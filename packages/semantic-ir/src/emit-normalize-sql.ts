import { stableIdSql } from '@anatomy/contracts';
import { qualifiedName, quoteIdentifier } from '@anatomy/schema-authority';
import type { InferredNormalize } from './inferred-view.js';

/**
 * Emits the SELECT of a normalize view: the stable-id expression for the
 * identity column, then every input column by name.
 *
 * @example
 * emitNormalizeSql(normDefs);
 * // SELECT
 * //   anatomy_stable_id('def', [CAST("file_id" AS VARCHAR), …]::VARCHAR[]) AS "def_id",
 * //   "file_id", …
 * // FROM "evidence"."ts_defs"
 */
export function emitNormalizeSql(view: InferredNormalize): string {
  const { fill, column } = view.identity;
  const id = `${stableIdSql(fill.namespace, fill.parts.map(quoteIdentifier))} AS ${quoteIdentifier(column.name)}`;
  const columns = view.input.columns.map((c) => quoteIdentifier(c.name));
  return `SELECT\n  ${[id, ...columns].join(',\n  ')}\nFROM ${qualifiedName(view.input)}`;
}
