import { estimatedRowsOf, planOperators } from './plan-operator.js';
import type { PlanOperator } from './plan-operator.js';
import type { NormalizedPlanStats, PlanScan } from './plan-bundle.js';

/**
 * Normalizes a physical plan's statistics. The result's estimate is the
 * root's, or the nearest one below it along first children when the root
 * operator carries none (a UNION, for instance).
 *
 * @example
 * planStats(bundle.physicalPlan).scans; // [{ table: 'evidence.ts_defs', estimatedRows: 1200 }]
 */
export function planStats(physicalPlan: unknown): NormalizedPlanStats {
  const roots = planOperators(physicalPlan);
  const operatorCounts: Record<string, number> = {};
  const scans: PlanScan[] = [];
  let operators = 0;
  const visit = (operator: PlanOperator): void => {
    operators += 1;
    operatorCounts[operator.name] = (operatorCounts[operator.name] ?? 0) + 1;
    const table = operator.extraInfo['Table'];
    if (typeof table === 'string' && table !== '') scans.push({ table, estimatedRows: estimatedRowsOf(operator) });
    for (const child of operator.children) visit(child);
  };
  for (const root of roots) visit(root);
  let estimatedRows: number | null = null;
  for (let op: PlanOperator | undefined = roots[0]; op !== undefined && estimatedRows === null; op = op.children[0]) {
    estimatedRows = estimatedRowsOf(op);
  }
  return { estimatedRows, operators, operatorCounts, scans };
}
