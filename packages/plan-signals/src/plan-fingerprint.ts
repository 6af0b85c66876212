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
const GENERATED_CTE = /^__common_subplan_\d+$/;

/**
 * Renumbers what the planner numbers by the order of its own work (binder
 * indexes, generated subplan names) in the order they first appear in a
 * depth-first walk of the plan, so two plans of the same shape read the same
 * while a scan still names the subplan it reads.
 */
function renumbering(): (key: string, value: unknown) => unknown {
  const indexes = new Map<string, number>();
  const names = new Map<string, number>();
  const ordinal = (seen: Map<string, number>, value: string): number => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, seen.size);
    return seen.size - 1;
  };
  return (key, value) => {
    if (BINDER_INDEX_KEY.test(key) && (typeof value === 'string' || typeof value === 'number')) return `#${ordinal(indexes, String(value))}`;
    if (typeof value === 'string' && GENERATED_CTE.test(value)) return `__common_subplan_#${ordinal(names, value)}`;
    return value;
  };
}

function canonical(operator: PlanOperator, renumber: (key: string, value: unknown) => unknown): CanonicalOperator {
  const info: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(operator.extraInfo)) if (!VOLATILE_KEY.test(key)) info[key] = renumber(key, value);
  return { name: operator.name, info, children: operator.children.map((child) => canonical(child, renumber)) };
}

/**
 * Fingerprints a physical plan by its shape: operator names, their order and
 * their structural details (tables, projections, filters, join conditions),
 * with estimates, cardinalities and timings left out, and the planner's own
 * numbering (binder indexes, `__common_subplan_N`) renumbered by appearance. The same SQL over the
 * same schema and statistics gives the same fingerprint in any store; a
 * change of meaning (a filter added, another table read) changes it.
 *
 * @example
 * planFingerprint(bundle.physicalPlan) === bundle.planFingerprint; // true
 */
export function planFingerprint(physicalPlan: unknown): Fingerprint {
  const renumber = renumbering();
  return fingerprint(planOperators(physicalPlan).map((root) => canonical(root, renumber)));
}
