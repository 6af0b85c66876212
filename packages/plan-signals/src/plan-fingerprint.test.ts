import { describe, expect, it } from 'vitest';
import { planFingerprint } from './plan-fingerprint.js';

// The layout of DuckDB's EXPLAIN (FORMAT JSON): a CTE operator holds the definition, then the plan that reads it.
const scan = (table: string): unknown => ({ name: 'SEQ_SCAN', children: [], extra_info: { Table: table, 'Estimated Cardinality': '20' } });
const cteScan = (index: string): unknown => ({ name: 'CTE_SCAN', children: [], extra_info: { 'CTE Index': index } });
const cte = (name: string, index: string, definition: unknown, body: unknown): unknown => ({ name: 'CTE', children: [definition, body], extra_info: { 'CTE Name': name, 'Table Index': index } });
const union = (...children: unknown[]): unknown => ({ name: 'UNION', children, extra_info: {} });

describe('planFingerprint', () => {
  it('does not depend on the order and numbers DuckDB gives the subplans it factors into CTEs', () => {
    const first = [cte('__common_subplan_1', '10', scan('evidence.ts_calls'), cte('__common_subplan_2', '16', scan('evidence.ts_refs'), union(cteScan('10'), cteScan('16'))))];
    const second = [cte('__common_subplan_1', '12', scan('evidence.ts_refs'), cte('__common_subplan_2', '18', scan('evidence.ts_calls'), union(cteScan('18'), cteScan('12'))))];
    expect(planFingerprint(second)).toBe(planFingerprint(first));
  });

  it('changes when a factored subplan reads something else, or when the plan reads the subplans in another order', () => {
    const plan = [cte('a', '10', scan('evidence.ts_calls'), cte('b', '16', scan('evidence.ts_refs'), union(cteScan('10'), cteScan('16'))))];
    const otherTable = [cte('a', '10', scan('evidence.ts_defs'), cte('b', '16', scan('evidence.ts_refs'), union(cteScan('10'), cteScan('16'))))];
    const swappedReads = [cte('a', '10', scan('evidence.ts_calls'), cte('b', '16', scan('evidence.ts_refs'), union(cteScan('16'), cteScan('10'))))];
    expect(planFingerprint(otherTable)).not.toBe(planFingerprint(plan));
    expect(planFingerprint(swappedReads)).not.toBe(planFingerprint(plan));
  });

  it('leaves out estimates', () => {
    const withEstimate = [{ name: 'SEQ_SCAN', children: [], extra_info: { Table: 't', 'Estimated Cardinality': '5' } }];
    const otherEstimate = [{ name: 'SEQ_SCAN', children: [], extra_info: { Table: 't', 'Estimated Cardinality': '500' } }];
    expect(planFingerprint(otherEstimate)).toBe(planFingerprint(withEstimate));
  });
});
