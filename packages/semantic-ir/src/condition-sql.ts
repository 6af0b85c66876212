import type { ResolvedCondition } from './inferred-view.js';
import type { ConditionValue } from './role-condition.js';
import { sqlLiteral } from './sql-literal.js';

/**
 * A DuckDB literal for a condition value.
 *
 * @example
 * sqlValue(true); // 'TRUE'
 */
export function sqlValue(value: Exclude<ConditionValue, null>): string {
  if (typeof value === 'string') return sqlLiteral(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

/**
 * The SQL predicate of a resolved condition on `expression`. NULL in the
 * list matches NULL, so `not-in` without NULL keeps rows whose value is NULL
 * (SQL's NOT IN alone would drop them).
 *
 * @example
 * conditionSql('"s"."ctx"', { column: 'ctx', test: 'in', values: ['load'] }); // "\"s\".\"ctx\" IN ('load')"
 */
export function conditionSql(expression: string, condition: ResolvedCondition): string {
  const present = condition.values.filter((v): v is Exclude<ConditionValue, null> => v !== null);
  const withNull = present.length < condition.values.length;
  const list = `(${present.map(sqlValue).join(', ')})`;
  if (condition.test === 'in') {
    const parts = [...(present.length > 0 ? [`${expression} IN ${list}`] : []), ...(withNull ? [`${expression} IS NULL`] : [])];
    return parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(' OR ')})`;
  }
  if (withNull) return present.length > 0 ? `(${expression} IS NOT NULL AND ${expression} NOT IN ${list})` : `${expression} IS NOT NULL`;
  return `(${expression} IS NULL OR ${expression} NOT IN ${list})`;
}
