import { DEFAULT_MAINTENANCE_THRESHOLDS } from '@anatomy/execution-policy';
import type { MaintenanceThresholds } from '@anatomy/execution-policy';
import type { StorageSnapshot } from '@anatomy/store';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrateThresholds } from './calibrate-thresholds.js';
import { DEFAULT_CALIBRATION_SETTINGS } from './calibration-settings.js';
import { MAINTENANCE_ACTION_TRIGGERS } from './maintenance-decision.js';
import type { MaintenanceAction } from './maintenance-decision.js';
import { MaintenanceError } from './maintenance-error.js';
import type { MaintenanceRecord } from './maintenance-record.js';
import { ThresholdCalibrationSchema } from './threshold-calibration.js';

const MiB = 1024 * 1024;

function snapshot(over: Partial<StorageSnapshot> = {}): StorageSnapshot {
  return { fileBytes: 100 * MiB, walBytes: 0, blockSize: 262144, totalBlocks: 400, usedBlocks: 400, freeBlocks: 0, ...over };
}

/** A record of an action done at `measured` (with the threshold it crossed), from `before` to `after`. */
function done(action: MaintenanceAction, measured: number, before: StorageSnapshot, after: StorageSnapshot, durationMs = 10, status: MaintenanceRecord['status'] = 'done'): MaintenanceRecord {
  const trigger = MAINTENANCE_ACTION_TRIGGERS[action];
  return {
    decision: {
      action,
      target: trigger.scope === 'table' ? { scope: 'table', table: 'evidence.defs' } : { scope: 'database' },
      cause: { metric: trigger.metric, measured, threshold: measured },
      confidence: 0.5,
      rationale: 'test',
      evidence: [{ source: 'test', detail: 'test' }],
    },
    status,
    before,
    after: status === 'done' ? after : null,
    durationMs: status === 'done' ? durationMs : 0,
  };
}

const table = (blocks: number): StorageSnapshot['table'] => ({ table: 'evidence.defs', liveRows: 1000, storedRows: 1000, rowGroups: 1, blocks });

describe('calibrateThresholds', () => {
  it('keeps every threshold, with confidence 0.5, when the history measured nothing', () => {
    const calibration = calibrateThresholds([], DEFAULT_MAINTENANCE_THRESHOLDS);
    expect(calibration.thresholds).toEqual(DEFAULT_MAINTENANCE_THRESHOLDS);
    expect(calibration.previous).toEqual(DEFAULT_MAINTENANCE_THRESHOLDS);
    for (const d of Object.values(calibration.decisions)) expect(d.confidence).toBe(0.5);
    expect(calibration.decisions.walBytesCheckpoint.rationale).toMatch(/no executed action/);
    expect(calibration.decisions.statsRefreshRowsChanged.rationale).toMatch(/no measurable trace/);
    expect(calibration.observations.walBytesCheckpoint).toEqual({ samples: 0, medianTarget: null });
  });

  it('raises the checkpoint threshold by at most a quarter toward the WAL a checkpoint writes within its budget', () => {
    // 32 MiB written back in 100 ms: within 500 ms a checkpoint would handle 160 MiB.
    const history = [done('checkpoint', 32 * MiB, snapshot({ walBytes: 32 * MiB }), snapshot(), 100)];
    const calibration = calibrateThresholds(history, DEFAULT_MAINTENANCE_THRESHOLDS);
    expect(calibration.observations.walBytesCheckpoint).toEqual({ samples: 1, medianTarget: 160 * MiB });
    expect(calibration.thresholds.walBytesCheckpoint).toBe(20 * MiB);
    expect(calibration.decisions.walBytesCheckpoint.rationale).toMatch(/^raised walBytesCheckpoint from 16777216 to 20971520/);
    expect(calibration.decisions.walBytesCheckpoint.confidence).toBeGreaterThan(0.5);
  });

  it('raises the compaction threshold when compacting gave back less than the free blocks promised, and keeps it when it paid as promised', () => {
    const poor = done('compact-database', 0.6, snapshot({ fileBytes: 100 * MiB }), snapshot({ fileBytes: 90 * MiB }));
    expect(calibrateThresholds([poor], DEFAULT_MAINTENANCE_THRESHOLDS).thresholds.freeBlockRatioCompact).toBe(0.625);
    const fair = done('compact-database', 0.6, snapshot({ fileBytes: 100 * MiB }), snapshot({ fileBytes: 40 * MiB }));
    const kept = calibrateThresholds([fair], DEFAULT_MAINTENANCE_THRESHOLDS);
    expect(kept.thresholds.freeBlockRatioCompact).toBeCloseTo(0.5, 12);
    expect(kept.decisions.freeBlockRatioCompact.rationale).toMatch(/^kept|^lowered|^raised/);
  });

  it('lowers the rewrite threshold when rewrites gave back more than their trigger promised', () => {
    // Deleted rows were 30% of the table, yet the rewrite freed 60% of its blocks.
    const generous = done('rewrite-table', 0.3, snapshot({ table: table(100) }), snapshot({ table: table(40) }));
    const calibration = calibrateThresholds([generous, generous], DEFAULT_MAINTENANCE_THRESHOLDS);
    expect(calibration.observations.deletedFractionRewrite).toEqual({ samples: 2, medianTarget: 0.125 });
    expect(calibration.thresholds.deletedFractionRewrite).toBeCloseTo(0.1875, 12);
  });

  it('stays inside the bounds, and ignores dry runs and skipped actions', () => {
    const useless = done('compact-database', 0.85, snapshot({ fileBytes: 100 * MiB }), snapshot({ fileBytes: 100 * MiB }));
    const calibration = calibrateThresholds([useless], { ...DEFAULT_MAINTENANCE_THRESHOLDS, freeBlockRatioCompact: 0.85 });
    expect(calibration.thresholds.freeBlockRatioCompact).toBe(0.9);
    const notDone = [
      done('checkpoint', 32 * MiB, snapshot({ walBytes: 32 * MiB }), snapshot(), 100, 'dry-run'),
      done('checkpoint', 32 * MiB, snapshot({ walBytes: 32 * MiB }), snapshot(), 100, 'skipped'),
    ];
    expect(calibrateThresholds(notDone, DEFAULT_MAINTENANCE_THRESHOLDS).thresholds).toEqual(DEFAULT_MAINTENANCE_THRESHOLDS);
  });

  it('rejects an invalid history, thresholds or settings, listing every problem', () => {
    const bad = { ...done('checkpoint', 10, snapshot(), snapshot()), durationMs: -1, after: null };
    const catchError = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const history = catchError(() => calibrateThresholds([bad], DEFAULT_MAINTENANCE_THRESHOLDS));
    expect(MaintenanceError.is(history, 'InvalidHistory')).toBe(true);
    expect((history as Error).message).toMatch(/0\.durationMs[\s\S]*0\.after/);
    expect(MaintenanceError.is(catchError(() => calibrateThresholds([], { ...DEFAULT_MAINTENANCE_THRESHOLDS, walBytesCheckpoint: 0 })), 'InvalidThresholds')).toBe(true);
    const settings = catchError(() =>
      calibrateThresholds([], DEFAULT_MAINTENANCE_THRESHOLDS, {
        ...DEFAULT_CALIBRATION_SETTINGS,
        maxStep: 0,
        bounds: { ...DEFAULT_CALIBRATION_SETTINGS.bounds, freeBlockRatioCompact: { min: 0.5, max: 2 } },
      }),
    );
    expect(MaintenanceError.is(settings, 'InvalidSettings')).toBe(true);
    expect((settings as Error).message).toMatch(/maxStep[\s\S]*bounds\.freeBlockRatioCompact\.max/);
  });

  describe('properties', () => {
    const bytes = fc.integer({ min: 0, max: 2 ** 40 });
    const snapshotArb = fc.record({
      fileBytes: bytes,
      walBytes: bytes,
      blockSize: fc.constant(262144),
      totalBlocks: fc.nat({ max: 10_000 }),
      usedBlocks: fc.nat({ max: 10_000 }),
      freeBlocks: fc.nat({ max: 10_000 }),
      table: fc.option(
        fc.record({ table: fc.constant('evidence.defs'), liveRows: fc.nat(), storedRows: fc.nat(), rowGroups: fc.nat({ max: 100 }), blocks: fc.nat({ max: 10_000 }) }),
        { nil: undefined },
      ),
    }).map(({ table: t, ...rest }) => (t === undefined ? rest : { ...rest, table: t }));
    const recordArb = fc
      .record({
        action: fc.constantFrom<MaintenanceAction>('checkpoint', 'rewrite-table', 'refresh-statistics', 'compact-database'),
        measured: fc.double({ min: 0.01, max: 1, noNaN: true }),
        scale: fc.integer({ min: 1, max: 2 ** 30 }),
        before: snapshotArb,
        after: snapshotArb,
        durationMs: fc.double({ min: 0, max: 60_000, noNaN: true }),
        status: fc.constantFrom<MaintenanceRecord['status']>('done', 'done', 'done', 'dry-run'),
      })
      .map(({ action, measured, scale, before, after, durationMs, status }) => {
        const counted = MAINTENANCE_ACTION_TRIGGERS[action].metric === 'walBytes' || MAINTENANCE_ACTION_TRIGGERS[action].metric === 'rowsChanged';
        return done(action, counted ? Math.ceil(measured * scale) : measured, before, after, durationMs, status);
      });
    const bounds = DEFAULT_CALIBRATION_SETTINGS.bounds;
    const thresholdsArb: fc.Arbitrary<MaintenanceThresholds> = fc.record({
      walBytesCheckpoint: fc.integer({ min: bounds.walBytesCheckpoint.min, max: bounds.walBytesCheckpoint.max }),
      deletedFractionRewrite: fc.double({ min: bounds.deletedFractionRewrite.min, max: bounds.deletedFractionRewrite.max, noNaN: true }),
      freeBlockRatioCompact: fc.double({ min: bounds.freeBlockRatioCompact.min, max: bounds.freeBlockRatioCompact.max, noNaN: true }),
      statsRefreshRowsChanged: fc.integer({ min: bounds.statsRefreshRowsChanged.min, max: bounds.statsRefreshRowsChanged.max }),
    });

    it('is deterministic and ignores the order of the history', () => {
      fc.assert(
        fc.property(fc.array(recordArb, { maxLength: 12 }), thresholdsArb, fc.infiniteStream(fc.nat()), (history, current, keys) => {
          const once = calibrateThresholds(history, current);
          expect(calibrateThresholds(history, current)).toEqual(once);
          const sortKeys = history.map(() => keys.next().value as number);
          const shuffled = history.map((r, i) => [sortKeys[i]!, r] as const).sort((a, b) => a[0] - b[0]).map(([, r]) => r);
          expect(calibrateThresholds(shuffled, current)).toEqual(once);
        }),
      );
    });

    it('moves each threshold at most maxStep toward its median target, inside its bounds', () => {
      fc.assert(
        fc.property(fc.array(recordArb, { maxLength: 12 }), thresholdsArb, (history, current) => {
          const calibration = calibrateThresholds(history, current);
          expect(ThresholdCalibrationSchema.safeParse(calibration).success).toBe(true);
          expect(Object.isFrozen(calibration.thresholds)).toBe(true);
          for (const name of Object.keys(current) as (keyof MaintenanceThresholds)[]) {
            const before = current[name];
            const after = calibration.thresholds[name];
            const rounding = name === 'walBytesCheckpoint' || name === 'statsRefreshRowsChanged' ? 0.5 : 1e-9;
            expect(after).toBeGreaterThanOrEqual(bounds[name].min);
            expect(after).toBeLessThanOrEqual(bounds[name].max);
            expect(Math.abs(after - before)).toBeLessThanOrEqual(DEFAULT_CALIBRATION_SETTINGS.maxStep * before + rounding);
            expect(calibration.decisions[name].value).toBe(after);
            const target = calibration.observations[name].medianTarget;
            if (target === null) expect(after).toBe(before);
            else if (target > before) expect(after).toBeGreaterThanOrEqual(before);
            else expect(after).toBeLessThanOrEqual(before);
          }
          expect(calibration.thresholds.statsRefreshRowsChanged).toBe(current.statsRefreshRowsChanged);
        }),
      );
    });
  });
});
