import { stableIdSql } from '@anatomy/contracts';
import { qualifiedName, quoteIdentifier } from '@anatomy/schema-authority';
import { castSql } from './cast-sql.js';
import { conditionSql } from './condition-sql.js';
import type { DiagnosticValue, InferredDiagnostic } from './inferred-view.js';
import { sqlLiteral } from './sql-literal.js';

const q = quoteIdentifier;
const S = q('s');

function valueSql(view: InferredDiagnostic, value: DiagnosticValue, type: Parameters<typeof castSql>[2]): string {
  switch (value.by) {
    case 'column':
      return castSql(`${S}.${q(value.column)}`, view.input.columns.find((c) => c.name === value.column)?.type, type);
    case 'literal':
      return sqlLiteral(value.value);
    case 'stable-id':
      return stableIdSql(value.namespace, value.parts.map((p) => `${S}.${q(p)}`));
    case 'message': {
      const parts = value.parts.map((p) => ('text' in p ? sqlLiteral(p.text) : `coalesce(CAST(${S}.${q(p.column)} AS VARCHAR), '?')`));
      return parts.length === 1 ? (parts[0] ?? "''") : `concat(${parts.join(', ')})`;
    }
  }
}

/**
 * Emits the SELECT of a diagnostic view: one row per input row meeting the
 * conditions, in the diagnostic template; with `unmatched`, only rows whose
 * identity has no edge in that relationship (`NOT EXISTS`).
 *
 * @example
 * emitDiagnosticSql(unresolvedImports);
 * // SELECT anatomy_stable_id('diag.unresolved_imports', …) AS "diagnostic_id", … FROM "norm"."imports" AS "s"
 * // WHERE NOT EXISTS (SELECT 1 FROM "rel"."import_targets" AS "m" WHERE "m"."src_node_id" = "s"."import_id")
 */
export function emitDiagnosticSql(view: InferredDiagnostic): string {
  const columns = view.columns.map((c) => `${valueSql(view, c.value, c.column.type)} AS ${q(c.column.name)}`);
  const filters = view.conditions.map((c) => conditionSql(`${S}.${q(c.column)}`, c));
  const unmatched = view.unmatched;
  if (unmatched !== undefined) {
    const m = q('m');
    const identity = unmatched.identity;
    const subject =
      identity.by === 'column'
        ? castSql(`${S}.${q(identity.column)}`, view.input.columns.find((c) => c.name === identity.column)?.type, 'utf8')
        : stableIdSql(identity.namespace, identity.parts.map((p) => `${S}.${q(p)}`));
    const relation = unmatched.view.split('.').map(q).join('.');
    filters.push(`NOT EXISTS (SELECT 1 FROM ${relation} AS ${m} WHERE ${m}.${q(unmatched.column)} = ${subject})`);
  }
  const where = filters.length === 0 ? '' : `\nWHERE ${filters.join('\n  AND ')}`;
  return `SELECT\n  ${columns.join(',\n  ')}\nFROM ${qualifiedName(view.input)} AS ${S}${where}`;
}
