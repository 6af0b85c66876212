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
      estimatedWork: 120 + 120 + 7,
      operators: 4,
      operatorCounts: { UNION: 1, PROJECTION: 1, SEQ_SCAN: 2 },
      scans: [
        { table: 'evidence.defs', columns: [], filters: [], estimatedRows: 120 },
        { table: 'evidence.refs', columns: [], filters: [], estimatedRows: 7 },
      ],
    });
  });

  it('reads the projections and pushed filters of a scan, whether DuckDB wrote a list or a single string', () => {
    const withLists = [{ name: 'SEQ_SCAN', children: [], extra_info: { Table: 't.a', Projections: ['x', 'y'], Filters: ['x>1', "y='q'"] } }];
    const withStrings = [{ name: 'SEQ_SCAN', children: [], extra_info: { Table: 't.a', Projections: 'x', Filters: 'x>1' } }];
    expect(planStats(withLists).scans[0]).toEqual({ table: 't.a', columns: ['x', 'y'], filters: ['x>1', "y='q'"], estimatedRows: null });
    expect(planStats(withStrings).scans[0]).toEqual({ table: 't.a', columns: ['x'], filters: ['x>1'], estimatedRows: null });
  });

  it('looks past the zero DuckDB writes above an ORDER BY, but believes a zero nothing contradicts', () => {
    const ordered = [
      {
        name: 'PROJECTION',
        extra_info: { 'Estimated Cardinality': '0' },
        children: [{ name: 'ORDER_BY', extra_info: {}, children: [scan('evidence.defs', '5000')] }],
      },
    ];
    expect(planStats(ordered).estimatedRows).toBe(5000);
    expect(planStats([{ name: 'PROJECTION', extra_info: { 'Estimated Cardinality': '0' }, children: [scan('evidence.defs', '0')] }]).estimatedRows).toBe(0);
  });

  it('reads a missing estimate as null and an unexpected layout as an empty plan', () => {
    expect(planStats([{ name: 'EMPTY_RESULT', children: [] }]).estimatedRows).toBeNull();
    expect(planStats([{ name: 'EMPTY_RESULT', children: [] }]).estimatedWork).toBeNull();
    expect(planStats('not a plan')).toEqual({ estimatedRows: null, estimatedWork: null, operators: 0, operatorCounts: {}, scans: [] });
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
