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

function canonical(operator: PlanOperator): CanonicalOperator {
  const info: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(operator.extraInfo)) if (!VOLATILE_KEY.test(key)) info[key] = value;
  return { name: operator.name, info, children: operator.children.map(canonical) };
}

/**
 * Fingerprints a physical plan by its shape: operator names, their order and
 * their structural details (tables, projections, filters, join conditions),
 * with estimates, cardinalities and timings left out. The same SQL over the
 * same schema and statistics gives the same fingerprint in any store; a
 * change of meaning (a filter added, another table read) changes it.
 *
 * @example
 * planFingerprint(bundle.physicalPlan) === bundle.planFingerprint; // true
 */
export function planFingerprint(physicalPlan: unknown): Fingerprint {
  return fingerprint(planOperators(physicalPlan).map(canonical));
}
