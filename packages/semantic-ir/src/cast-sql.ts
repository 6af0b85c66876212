import { duckDbType } from '@anatomy/schema-authority';
import type { ColumnType } from '@anatomy/schema-authority';

/**
 * An SQL expression of type `to`: casts unless the value already has that
 * type, so that every branch of a UNION ALL and every template column has
 * the type its schema declares.
 *
 * @example
 * castSql('"s"."bstart"', 'int32', 'int64'); // 'CAST("s"."bstart" AS BIGINT)'
 */
export function castSql(expression: string, from: ColumnType | undefined, to: ColumnType): string {
  return from === to ? expression : `CAST(${expression} AS ${duckDbType(to)})`;
}
