/** A node of DuckDB's JSON physical plan, read defensively. */
export interface PlanOperator {
  readonly name: string;
  readonly extraInfo: Readonly<Record<string, unknown>>;
  readonly children: readonly PlanOperator[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the root operators of an `EXPLAIN (FORMAT JSON)` plan (a list of
 * trees of `{name, children, extra_info}`); anything else reads as no
 * operators rather than throwing, since the layout belongs to DuckDB.
 */
export function planOperators(physicalPlan: unknown): readonly PlanOperator[] {
  const roots = Array.isArray(physicalPlan) ? physicalPlan : [physicalPlan];
  return roots.filter(isRecord).map(readOperator);
}

function readOperator(node: Record<string, unknown>): PlanOperator {
  const children = Array.isArray(node['children']) ? node['children'].filter(isRecord).map(readOperator) : [];
  const extraInfo = isRecord(node['extra_info']) ? node['extra_info'] : {};
  return { name: typeof node['name'] === 'string' ? node['name'] : '?', extraInfo, children };
}

/**
 * Parses DuckDB's estimated cardinality, which the JSON plan writes as text
 * (`"200"`); null when missing or unreadable.
 */
export function estimatedRowsOf(operator: PlanOperator): number | null {
  const raw = operator.extraInfo['Estimated Cardinality'];
  if (typeof raw === 'number') return Number.isFinite(raw) && raw >= 0 ? raw : null;
  if (typeof raw !== 'string' || !/[0-9]/.test(raw)) return null;
  const value = Number(raw.replace(/[^0-9.]/g, ''));
  return Number.isFinite(value) ? value : null;
}
