import { fingerprint } from '@anatomy/contracts';
import type { Fingerprint } from '@anatomy/contracts';
import { planOperators } from './plan-operator.js';
import type { PlanOperator } from './plan-operator.js';

/**
 * Keys whose values change with the data or the machine, not with what the
 * plan does: estimates, cardinalities, timings and memory figures (the last
 * ones appear when a profiled plan is fingerprinted).
 */
const VOLATILE_KEY = /estimat|cardinalit|timing|time|rows_scanned|result_set_size|memory|latency|blocked/i;

interface CanonicalOperator {
  readonly name: string;
  readonly info: Readonly<Record<string, unknown>>;
  readonly children: readonly CanonicalOperator[];
}

/** Numbers the binder assigns (table and CTE indexes), which count every relation planned before in the session. */
const BINDER_INDEX_KEY = /^(table|cte) index$/i;
/** Names DuckDB gives the subplans it finds twice and plans once, numbered in the order it happened to find them. */
const GENERATED_CTE = /__common_subplan_\d+/g;

/**
 * The canonical form of a plan. DuckDB factors subplans a query repeats
 * into CTEs (`__common_subplan_N`) numbered, and nested, in an order that
 * can differ between two stores holding the same data, and its binder
 * numbers tables by everything planned before in the session. So a chain of
 * CTE definitions becomes one node whose definitions are sorted by content,
 * a CTE scan names the content of the definition it reads instead of its
 * number, and the remaining binder numbers and generated names are dropped.
 */
function canonicalizer(): (operator: PlanOperator) => CanonicalOperator {
  const definitions = new Map<string, string>();
  const canonical = (operator: PlanOperator): CanonicalOperator => {
    if (isCteDefinition(operator)) {
      const defined: CanonicalOperator[] = [];
      let node: PlanOperator = operator;
      while (isCteDefinition(node)) {
        const [definition, body] = node.children as [PlanOperator, PlanOperator];
        const form = canonical(definition);
        definitions.set(String(node.extraInfo['Table Index']), fingerprint(form));
        defined.push(form);
        node = body;
      }
      const sorted = defined.map((form) => ({ form, key: fingerprint(form) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return { name: 'CTE', info: {}, children: [...sorted.map((d) => d.form), canonical(node)] };
    }
    const info: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(operator.extraInfo)) {
      if (VOLATILE_KEY.test(key)) continue;
      if (key === 'CTE Index') info[key] = definitions.get(String(value)) ?? '#';
      else if (BINDER_INDEX_KEY.test(key)) info[key] = '#';
      else info[key] = withoutGeneratedNames(value);
    }
    const children = operator.children.map(canonical);
    // A CTE planned as a root of its own (its definition its one child) is named by that definition too.
    const [only] = children;
    if (operator.name === 'CTE' && children.length === 1 && only !== undefined && operator.extraInfo['Table Index'] !== undefined) {
      definitions.set(String(operator.extraInfo['Table Index']), fingerprint(only));
    }
    return { name: operator.name, info, children };
  };
  return canonical;
}

function withoutGeneratedNames(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(GENERATED_CTE, '__common_subplan');
  if (Array.isArray(value)) return value.map(withoutGeneratedNames);
  return value;
}

function isCteDefinition(operator: PlanOperator): boolean {
  return operator.name === 'CTE' && operator.children.length === 2 && operator.extraInfo['Table Index'] !== undefined;
}

/**
 * Fingerprints a physical plan by its shape: operator names, their order and
 * their structural details (tables, projections, filters, join conditions),
 * with estimates, cardinalities and timings left out, and the planner's own
 * numbering (binder indexes, `__common_subplan_N`, the order of factored
 * subplans) made irrelevant. The same SQL over the same schema and
 * statistics gives the same fingerprint in any store; a change of meaning
 * (a filter added, another table read) changes it.
 *
 * @example
 * planFingerprint(bundle.physicalPlan) === bundle.planFingerprint; // true
 */
export function planFingerprint(physicalPlan: unknown): Fingerprint {
  return fingerprint(planOperators(physicalPlan).map(canonicalizer()));
}
