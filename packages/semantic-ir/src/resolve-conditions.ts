import { canonicalJson, decide } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import { columnsWithRole } from '@anatomy/schema-authority';
import type { ColumnSpec, ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import type { CompilerDecision } from './compiler-decision.js';
import type { ResolvedCondition } from './inferred-view.js';
import { roleEvidence } from './role-evidence.js';
import type { ConditionValue, RoleCondition } from './role-condition.js';

/** Conditions resolved to columns, with the decisions recording how, or the problems that prevent it. */
export interface ResolvedConditions {
  readonly conditions: readonly ResolvedCondition[];
  readonly decisions: readonly CompilerDecision[];
  readonly problems: readonly ValidationIssue[];
}

const INTEGER_TYPES: ReadonlySet<ColumnType> = new Set(['int32', 'int64']);

function fits(value: ConditionValue, type: ColumnType): boolean {
  if (value === null) return true;
  if (typeof value === 'string') return type === 'utf8';
  if (typeof value === 'number') return INTEGER_TYPES.has(type);
  return type === 'bool';
}

/** Sorts values by type then value, so `['b', 'a']` and `['a', 'b']` give the same SQL. */
function canonicalValues(values: readonly ConditionValue[]): readonly ConditionValue[] {
  const keyed = new Map(values.map((v) => [canonicalJson(v), v]));
  return Object.freeze([...keyed.keys()].sort().map((k) => keyed.get(k) ?? null));
}

function findColumn(ds: DatasetSchema, condition: RoleCondition): { column: ColumnSpec } | { problem: string } {
  if (condition.column !== undefined) {
    const column = ds.columns.find((c) => c.name === condition.column);
    return column === undefined ? { problem: `${ds.name} has no column ${condition.column}` } : { column };
  }
  const role = condition.role ?? 'attribute';
  const found = columnsWithRole(ds, role);
  const [only] = found;
  if (only === undefined) return { problem: `${ds.name} has no column with the role ${role} to test` };
  if (found.length > 1) {
    return { problem: `${ds.name} has several columns with the role ${role} (${found.map((c) => c.name).join(', ')}); name the one to test with column` };
  }
  return { column: only };
}

/**
 * Resolves role conditions against a dataset: each role must name exactly
 * one column (a named `column` must exist), and the values must fit its
 * type. Resolved conditions are sorted by column, test and values, so the
 * order they were written in does not change the SQL; each gets a Decision.
 *
 * @example
 * resolveConditions(tsRefs, [{ role: 'kind', in: ['load'] }], 'views[2].where').conditions;
 * // [{ column: 'ctx', test: 'in', values: ['load'] }]
 */
export function resolveConditions(ds: DatasetSchema, conditions: readonly RoleCondition[] | undefined, path: string): ResolvedConditions {
  const problems: ValidationIssue[] = [];
  const resolved: { condition: ResolvedCondition; decision: CompilerDecision }[] = [];
  (conditions ?? []).forEach((condition, i) => {
    const found = findColumn(ds, condition);
    if ('problem' in found) {
      problems.push({ path: `${path}[${i}]`, message: found.problem });
      return;
    }
    const { column } = found;
    const test = condition.in === undefined ? ('not-in' as const) : ('in' as const);
    const values = canonicalValues(condition.in ?? condition.notIn ?? []);
    const misfit = values.filter((v) => !fits(v, column.type));
    if (misfit.length > 0) {
      problems.push({ path: `${path}[${i}]`, message: `${ds.name}.${column.name} holds ${column.type} values, not ${misfit.map((v) => JSON.stringify(v)).join(', ')}` });
      return;
    }
    const byRole = condition.role !== undefined;
    resolved.push({
      condition: Object.freeze({ column: column.name, test, values }),
      decision: decide({
        value: { topic: 'condition' as const, source: ds.name, column: column.name, test, values },
        confidence: byRole ? 0.95 : 1,
        rationale: byRole
          ? `${column.name} is the only column of ${ds.name} with the role ${condition.role ?? ''}, so the condition on that role tests it`
          : `the declaration names ${column.name} of ${ds.name}`,
        evidence: [byRole ? roleEvidence(ds, column) : { source: 'semantic-program', detail: `the condition names ${column.name}` }],
      }),
    });
  });
  resolved.sort((a, b) => {
    const ka = canonicalJson(a.condition);
    const kb = canonicalJson(b.condition);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return {
    conditions: Object.freeze(resolved.map((r) => r.condition)),
    decisions: Object.freeze(resolved.map((r) => r.decision)),
    problems,
  };
}
