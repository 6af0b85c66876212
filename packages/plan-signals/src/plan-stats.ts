import { estimatedRowsOf, planOperators } from './plan-operator.js';
import type { PlanOperator } from './plan-operator.js';
import type { NormalizedPlanStats, PlanScan } from './plan-bundle.js';

/** DuckDB writes a one-item list as a bare string: `"Filters": "kind='class'"`. */
function textList(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Normalizes a physical plan's statistics. The result's estimate is the
 * root's, or the nearest one below it along first children when the root
 * operator carries none (a UNION, for instance) or a zero that a deeper
 * operator contradicts.
 *
 * @example
 * planStats(bundle.physicalPlan).scans; // [{ table: 'evidence.ts_defs', estimatedRows: 1200 }]
 */
export function planStats(physicalPlan: unknown): NormalizedPlanStats {
  const roots = planOperators(physicalPlan);
  const operatorCounts: Record<string, number> = {};
  const scans: PlanScan[] = [];
  let operators = 0;
  let work: number | null = null;
  const visit = (operator: PlanOperator): void => {
    operators += 1;
    const rows = estimatedRowsOf(operator);
    if (rows !== null) work = (work ?? 0) + rows;
    operatorCounts[operator.name] = (operatorCounts[operator.name] ?? 0) + 1;
    const table = operator.extraInfo['Table'];
    if (typeof table === 'string' && table !== '') {
      scans.push({
        table,
        columns: textList(operator.extraInfo['Projections']),
        filters: textList(operator.extraInfo['Filters']),
        estimatedRows: estimatedRowsOf(operator),
      });
    }
    for (const child of operator.children) visit(child);
  };
  for (const root of roots) visit(root);
  // DuckDB writes 0 on the projection it puts above an ORDER BY (which carries no estimate
  // itself), so a zero is only believed when nothing further down says more.
  let estimatedRows: number | null = null;
  for (let op: PlanOperator | undefined = roots[0]; op !== undefined && !(estimatedRows !== null && estimatedRows > 0); op = op.children[0]) {
    const rows = estimatedRowsOf(op);
    if (rows !== null && (estimatedRows === null || rows > estimatedRows)) estimatedRows = rows;
  }
  return { estimatedRows, estimatedWork: work, operators, operatorCounts, scans };
}
