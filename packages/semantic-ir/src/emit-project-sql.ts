import { stableIdSql } from '@anatomy/contracts';
import { duckDbType, qualifiedName, quoteIdentifier } from '@anatomy/schema-authority';
import type { ColumnType } from '@anatomy/schema-authority';
import type { FilledColumn, InferredProject, ProjectionSource } from './inferred-view.js';
import { sqlLiteral } from './sql-literal.js';

const SOURCE = quoteIdentifier('s');
const FILE = quoteIdentifier('f');

/** Casts when the value's type differs from the column's, so every branch of the UNION ALL has the contract's types. */
function typed(expression: string, from: ColumnType | undefined, to: ColumnType): string {
  return from === to ? expression : `CAST(${expression} AS ${duckDbType(to)})`;
}

function columnExpression(source: ProjectionSource, filled: FilledColumn): string {
  const { column, fill } = filled;
  switch (fill.by) {
    case 'column': {
      const joined = fill.dataset !== source.dataset.name && source.fileJoin?.dataset.name === fill.dataset;
      const dataset = joined ? source.fileJoin?.dataset : source.dataset;
      const type = dataset?.columns.find((c) => c.name === fill.column)?.type;
      return typed(`${joined ? FILE : SOURCE}.${quoteIdentifier(fill.column)}`, type, column.type);
    }
    case 'literal':
      // A bare integer would take DuckDB's INTEGER type; the cast gives every UNION ALL branch the contract's type.
      return typeof fill.value === 'number' ? typed(String(fill.value), undefined, column.type) : typed(sqlLiteral(fill.value), 'utf8', column.type);
    case 'stable-id':
      return typed(stableIdSql(fill.namespace, fill.parts.map((p) => `${SOURCE}.${quoteIdentifier(p)}`)), 'utf8', column.type);
    case 'null':
      return typed('NULL', undefined, column.type);
  }
}

function sourceSelect(source: ProjectionSource): string {
  const columns = source.columns.map((c) => `${columnExpression(source, c)} AS ${quoteIdentifier(c.column.name)}`);
  const from = `FROM ${qualifiedName(source.dataset)} AS ${SOURCE}`;
  const join = source.fileJoin;
  const joinClause =
    join === undefined
      ? ''
      : `\nLEFT JOIN ${qualifiedName(join.dataset)} AS ${FILE} ON ${FILE}.${quoteIdentifier(join.fileColumn)} = ${SOURCE}.${quoteIdentifier(join.sourceColumn)}`;
  return `SELECT\n  ${columns.join(',\n  ')}\n${from}${joinClause}`;
}

/**
 * Emits the SELECT of a project view: one branch per row source, combined
 * with UNION ALL and ordered by the contract's identity column so the output
 * order is deterministic.
 *
 * @example
 * emitProjectSql(cpgNodes);
 * // SELECT … FROM "evidence"."files" AS "s"
 * // UNION ALL
 * // SELECT … FROM "norm"."defs" AS "s" LEFT JOIN "evidence"."files" AS "f" ON "f"."file_id" = "s"."file_id"
 * // ORDER BY "node_id"
 */
export function emitProjectSql(view: InferredProject): string {
  return `${view.sources.map(sourceSelect).join('\nUNION ALL\n')}\nORDER BY ${quoteIdentifier(view.orderBy)}`;
}
