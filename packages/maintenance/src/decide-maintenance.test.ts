import { DEFAULT_MAINTENANCE_THRESHOLDS } from '@anatomy/execution-policy';
import type { MaintenanceThresholds } from '@anatomy/execution-policy';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideMaintenance } from './decide-maintenance.js';
import { MaintenanceDecisionSchema } from './maintenance-decision.js';
import { MaintenanceError } from './maintenance-error.js';
import type { WriteMeasurement } from './write-measurement.js';

const thresholds: MaintenanceThresholds = {
  walBytesCheckpoint: 1000,
  deletedFractionRewrite: 0.25,
  freeBlockRatioCompact: 0.5,
  statsRefreshRowsChanged: 100,
};

/**
 * A write that triggers nothing, changed by `over`. Unless told otherwise the
 * rows it deleted stay stored, as DuckDB keeps them until a rewrite or checkpoint.
 */
function write(over: Partial<WriteMeasurement> = {}): WriteMeasurement {
  const base = { target: 'evidence.py_defs', rowsInserted: 10, rowsDeleted: 0, tableRowCount: 10, walBytes: 0, totalBlocks: 10, freeBlocks: 0, ...over };
  return { ...base, storedRowCount: over.storedRowCount ?? base.tableRowCount + base.rowsDeleted };
}

type Summary = [action: string, target: string, metric: string, measured: number];

function summary(outcomes: readonly WriteMeasurement[], t: MaintenanceThresholds = thresholds): Summary[] {
  return decideMaintenance(outcomes, t).map((d) => [d.action, d.target.scope === 'table' ? d.target.table : '(database)', d.cause.metric, d.cause.measured]);
}

describe('decideMaintenance', () => {
  it.each<[string, WriteMeasurement[], Summary[]]>([
    ['no writes', [], []],
    ['a small clean write', [write()], []],
    ['deletes just below the rewrite threshold', [write({ rowsInserted: 0, rowsDeleted: 24, tableRowCount: 76 })], []],
    ['deletes exactly at the rewrite threshold', [write({ rowsInserted: 0, rowsDeleted: 25, tableRowCount: 75 })], [['rewrite-table', 'evidence.py_defs', 'deletedFraction', 0.25]]],
    ['a table emptied by deletes', [write({ rowsInserted: 0, rowsDeleted: 10, tableRowCount: 0 })], [['rewrite-table', 'evidence.py_defs', 'deletedFraction', 1]]],
    ['many inserts', [write({ rowsInserted: 100, tableRowCount: 100 })], [['refresh-statistics', 'evidence.py_defs', 'rowsChanged', 100]]],
    ['inserts and deletes both counting as changes', [write({ rowsInserted: 60, rowsDeleted: 40, tableRowCount: 1000 })], [['refresh-statistics', 'evidence.py_defs', 'rowsChanged', 100]]],
    [
      'a table replaced whole: it keeps no deleted rows, so only its statistics are refreshed',
      [write({ rowsInserted: 500, rowsDeleted: 500, tableRowCount: 500, storedRowCount: 500 })],
      [['refresh-statistics', 'evidence.py_defs', 'rowsChanged', 1000]],
    ],
    [
      'deleted rows a checkpoint already dropped',
      [write({ rowsInserted: 0, rowsDeleted: 90, tableRowCount: 10, storedRowCount: 10 })],
      [],
    ],
    [
      'many deletes still stored: rewritten, so no separate statistics refresh',
      [write({ rowsInserted: 0, rowsDeleted: 500, tableRowCount: 500 })],
      [['rewrite-table', 'evidence.py_defs', 'deletedFraction', 0.5]],
    ],
    ['a table replaced whole in this run', [write({ operation: 'materialize-table', rowsInserted: 500, rowsDeleted: 500, tableRowCount: 500, storedRowCount: 500 })], []],
    [
      'a table replaced whole, then grown',
      [write({ operation: 'materialize-table', rowsInserted: 50, tableRowCount: 50 }), write({ operation: 'ingest', rowsInserted: 100, tableRowCount: 150 })],
      [],
    ],
    ['an empty table filled', [write({ operation: 'ingest', rowsInserted: 100, tableRowCount: 100 })], []],
    [
      'an empty table filled, holding deleted rows still',
      [write({ operation: 'ingest', rowsInserted: 100, tableRowCount: 100, storedRowCount: 120 })],
      [['refresh-statistics', 'evidence.py_defs', 'rowsChanged', 100]],
    ],
    ['a table that held rows, grown', [write({ operation: 'ingest', rowsInserted: 100, tableRowCount: 110 })], [['refresh-statistics', 'evidence.py_defs', 'rowsChanged', 100]]],
    [
      'a table replaced whole, then rows replaced in it',
      [write({ operation: 'materialize-table', rowsInserted: 500, tableRowCount: 500 }), write({ operation: 'replace', rowsInserted: 5, rowsDeleted: 5, tableRowCount: 500 })],
      [['refresh-statistics', 'evidence.py_defs', 'rowsChanged', 510]],
    ],
    [
      'an empty table filled, then replaced whole',
      [write({ operation: 'delete', rowsInserted: 0, rowsDeleted: 1, tableRowCount: 0, storedRowCount: 0 }), write({ operation: 'materialize-table', rowsInserted: 200, tableRowCount: 200 })],
      [],
    ],
    ['a WAL one byte short', [write({ walBytes: 999 })], []],
    ['a WAL at the threshold', [write({ walBytes: 1000 })], [['checkpoint', '(database)', 'walBytes', 1000]]],
    ['half the blocks free', [write({ totalBlocks: 8, freeBlocks: 4 })], [['compact-database', '(database)', 'freeBlockRatio', 0.5]]],
    ['an empty database file', [write({ totalBlocks: 0, freeBlocks: 0 })], []],
    [
      'writes to one table summed over a run',
      [write({ rowsInserted: 0, rowsDeleted: 20, tableRowCount: 100 }), write({ rowsInserted: 0, rowsDeleted: 20, tableRowCount: 80, storedRowCount: 120 })],
      [['rewrite-table', 'evidence.py_defs', 'deletedFraction', 1 / 3]],
    ],
    [
      'database numbers taken from the last write, not the largest',
      [write({ target: 'a.x', walBytes: 5000, totalBlocks: 10, freeBlocks: 9 }), write({ target: 'a.y', walBytes: 10, totalBlocks: 10, freeBlocks: 1 })],
      [],
    ],
  ])('%s', (_label, outcomes, expected) => {
    expect(summary(outcomes)).toEqual(expected);
  });

  it('orders decisions by action, then by table name', () => {
    const outcomes = [
      write({ target: 'evidence.py_calls', rowsInserted: 200, tableRowCount: 200 }),
      write({ target: 'evidence.py_defs', rowsInserted: 0, rowsDeleted: 50, tableRowCount: 50 }),
      write({ target: 'cpg.nodes', rowsInserted: 150, tableRowCount: 150 }),
      write({ target: 'cpg.edges', rowsInserted: 0, rowsDeleted: 9, tableRowCount: 1, walBytes: 4000, totalBlocks: 10, freeBlocks: 6 }),
    ];
    expect(summary(outcomes).map(([action, target]) => `${action} ${target}`)).toEqual([
      'rewrite-table cpg.edges',
      'rewrite-table evidence.py_defs',
      'refresh-statistics cpg.nodes',
      'refresh-statistics evidence.py_calls',
      'checkpoint (database)',
      'compact-database (database)',
    ]);
  });

  it('gives the same decisions whatever order the tables were written in, when the last write is the same', () => {
    const tables = ['b.t', 'a.t', 'c.t'].map((target, i) => write({ target, rowsInserted: 0, rowsDeleted: 30 + i, tableRowCount: 70 }));
    const last = write({ target: 'z.t', walBytes: 2000 });
    expect(decideMaintenance([...tables, last], thresholds)).toEqual(decideMaintenance([...tables].reverse().concat(last), thresholds));
  });

  it('explains each decision with its cause, the measurement and the threshold, and grows confidence with the margin', () => {
    const [atThreshold] = decideMaintenance([write({ walBytes: 1000 })], thresholds);
    const [farAbove] = decideMaintenance([write({ walBytes: 4000 })], thresholds);
    expect(atThreshold!.cause).toEqual({ metric: 'walBytes', measured: 1000, threshold: 1000 });
    expect(atThreshold!.confidence).toBe(0.5);
    expect(farAbove!.confidence).toBe(0.875);
    expect(farAbove!.rationale).toMatch(/write-ahead log holds/);
    expect(farAbove!.evidence.map((e) => e.source)).toEqual(['write-outcome', 'execution-policy']);
    expect(farAbove!.evidence[1]!.detail).toBe('walBytesCheckpoint=1000');
  });

  it('returns frozen decisions that satisfy the decision schema (property)', () => {
    const measurement = fc
      .record({
        target: fc.constantFrom('a.t', 'b.t', 'c.t'),
        rowsInserted: fc.nat({ max: 500 }),
        rowsDeleted: fc.nat({ max: 500 }),
        tableRowCount: fc.nat({ max: 500 }),
        storedRowCount: fc.nat({ max: 1000 }),
        walBytes: fc.nat({ max: 5000 }),
        totalBlocks: fc.nat({ max: 100 }),
        freeRatio: fc.double({ min: 0, max: 1, noNaN: true }),
      })
      .map(({ freeRatio, ...m }) => ({ ...m, freeBlocks: Math.floor(m.totalBlocks * freeRatio) }));
    fc.assert(
      fc.property(fc.array(measurement, { maxLength: 8 }), (outcomes) => {
        const decisions = decideMaintenance(outcomes, thresholds);
        expect(Object.isFrozen(decisions)).toBe(true);
        for (const d of decisions) {
          expect(MaintenanceDecisionSchema.safeParse(d).success).toBe(true);
          expect(Object.isFrozen(d)).toBe(true);
        }
        const keys = decisions.map((d) => `${d.action}|${d.target.scope === 'table' ? d.target.table : ''}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(decideMaintenance(outcomes, thresholds)).toEqual(decisions);
      }),
    );
  });

  it('works with the default thresholds', () => {
    expect(summary([write({ walBytes: 16 * 1024 * 1024 })], DEFAULT_MAINTENANCE_THRESHOLDS)).toEqual([['checkpoint', '(database)', 'walBytes', 16 * 1024 * 1024]]);
  });

  it('lists every invalid measurement', () => {
    let error: unknown;
    try {
      decideMaintenance([write({ rowsDeleted: -1 }), write({ freeBlocks: 11 })], thresholds);
    } catch (e) {
      error = e;
    }
    expect(MaintenanceError.is(error, 'InvalidMeasurement')).toBe(true);
    expect((error as Error).message).toMatch(/0\.rowsDeleted: [\s\S]*1\.freeBlocks: freeBlocks cannot exceed totalBlocks/);
  });

  it('rejects thresholds outside their bounds', () => {
    let error: unknown;
    try {
      decideMaintenance([write()], { ...thresholds, deletedFractionRewrite: 0 });
    } catch (e) {
      error = e;
    }
    expect(MaintenanceError.is(error, 'InvalidThresholds')).toBe(true);
  });
});
