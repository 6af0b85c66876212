import { describe, expect, it } from 'vitest';
import { planFingerprint } from './plan-fingerprint.js';
import { planStats } from './plan-stats.js';

const scan = (table: string, rows: string, filters?: string): unknown => ({
  name: 'SEQ_SCAN',
  children: [],
  extra_info: { Table: table, Type: 'Sequential Scan', ...(filters === undefined ? {} : { Filters: filters }), 'Estimated Cardinality': rows },
});

/** The layout of DuckDB's `EXPLAIN (FORMAT JSON)`: a list of operator trees. */
const plan = (rows: string, filters?: string): unknown => [
  {
    name: 'UNION',
    children: [
      { name: 'PROJECTION', children: [scan('evidence.defs', rows, filters)], extra_info: { Projections: ['name'], 'Estimated Cardinality': rows } },
      scan('evidence.refs', '7'),
    ],
    extra_info: {},
  },
];

describe('planStats', () => {
  it('counts operators, lists scans in plan order and takes the estimate below a root that has none', () => {
    expect(planStats(plan('120'))).toEqual({
      estimatedRows: 120,
      operators: 4,
      operatorCounts: { UNION: 1, PROJECTION: 1, SEQ_SCAN: 2 },
      scans: [
        { table: 'evidence.defs', estimatedRows: 120 },
        { table: 'evidence.refs', estimatedRows: 7 },
      ],
    });
  });

  it('reads a missing estimate as null and an unexpected layout as an empty plan', () => {
    expect(planStats([{ name: 'EMPTY_RESULT', children: [] }]).estimatedRows).toBeNull();
    expect(planStats('not a plan')).toEqual({ estimatedRows: null, operators: 0, operatorCounts: {}, scans: [] });
  });
});

describe('planFingerprint', () => {
  it('ignores estimates and timings but not filters', () => {
    const profiled = [{ ...(plan('5') as object[])[0], operator_timing: 0.25, operator_cardinality: 9 }];
    expect(planFingerprint(plan('120'))).toBe(planFingerprint(plan('99999')));
    expect(planFingerprint(plan('120'))).toBe(planFingerprint(profiled));
    expect(planFingerprint(plan('120', "kind='class'"))).not.toBe(planFingerprint(plan('120')));
  });
});
