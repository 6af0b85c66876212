import { describe, expect, it } from 'vitest';
import { DEFAULT_MAINTENANCE_THRESHOLDS, MaintenanceThresholdDecisionsSchema, MaintenanceThresholdsSchema } from './maintenance-thresholds.js';

describe('MaintenanceThresholdsSchema', () => {
  it('accepts the defaults, which are frozen', () => {
    expect(MaintenanceThresholdsSchema.parse(DEFAULT_MAINTENANCE_THRESHOLDS)).toEqual(DEFAULT_MAINTENANCE_THRESHOLDS);
    expect(Object.isFrozen(DEFAULT_MAINTENANCE_THRESHOLDS)).toBe(true);
  });

  it.each([
    ['a zero WAL threshold', { walBytesCheckpoint: 0 }, 'walBytesCheckpoint'],
    ['a fractional byte count', { walBytesCheckpoint: 1.5 }, 'walBytesCheckpoint'],
    ['a deleted fraction of 0', { deletedFractionRewrite: 0 }, 'deletedFractionRewrite'],
    ['a free-block ratio above 1', { freeBlockRatioCompact: 1.1 }, 'freeBlockRatioCompact'],
    ['a negative row count', { statsRefreshRowsChanged: -5 }, 'statsRefreshRowsChanged'],
  ])('rejects %s', (_label, change, path) => {
    const result = MaintenanceThresholdsSchema.safeParse({ ...DEFAULT_MAINTENANCE_THRESHOLDS, ...change });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([path]);
  });
});

describe('MaintenanceThresholdDecisionsSchema', () => {
  const decided = (value: number): object => ({ value, confidence: 0.5, rationale: 'default', evidence: [{ source: 'defaults', detail: String(value) }] });

  it('wraps each threshold in a decision and keeps its bounds', () => {
    const decisions = Object.fromEntries(Object.entries(DEFAULT_MAINTENANCE_THRESHOLDS).map(([k, v]) => [k, decided(v)]));
    expect(MaintenanceThresholdDecisionsSchema.safeParse(decisions).success).toBe(true);
    const outOfBounds = { ...decisions, deletedFractionRewrite: decided(2) };
    expect(MaintenanceThresholdDecisionsSchema.safeParse(outOfBounds).error?.issues.map((i) => i.path.join('.'))).toEqual(['deletedFractionRewrite.value']);
  });
});
