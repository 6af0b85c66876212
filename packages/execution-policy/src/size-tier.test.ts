import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutionPolicyError } from './execution-policy-error.js';
import { DEFAULT_SIZE_TIER_THRESHOLDS, sizeTier, SizeTierSchema, SizeTierThresholdsSchema } from './size-tier.js';

const thresholds = { smallMaxRows: 100, mediumMaxRows: 10_000 };

describe('sizeTier', () => {
  it.each([
    [0, 'small'],
    [100, 'small'],
    [100.5, 'medium'],
    [101, 'medium'],
    [10_000, 'medium'],
    [10_001, 'large'],
    [1e300, 'large'],
    [0n, 'small'],
    [100n, 'small'],
    [101n, 'medium'],
    [2n ** 80n, 'large'],
  ] as const)('puts %s rows in the %s tier', (rows, tier) => {
    expect(sizeTier(rows, thresholds)).toBe(tier);
  });

  it('never puts more rows in a smaller tier (property)', () => {
    const rank = SizeTierSchema.options;
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat({ max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (a, b, small, gap) => {
        const t = { smallMaxRows: small, mediumMaxRows: small + gap };
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(rank.indexOf(sizeTier(lo, t))).toBeLessThanOrEqual(rank.indexOf(sizeTier(hi, t)));
        expect(sizeTier(BigInt(lo), t)).toBe(sizeTier(lo, t));
      }),
    );
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], [-1n]])('rejects the estimate %s', (rows) => {
    let error: unknown;
    try {
      sizeTier(rows, thresholds);
    } catch (e) {
      error = e;
    }
    expect(ExecutionPolicyError.is(error, 'InvalidEstimate')).toBe(true);
  });

  it('rejects thresholds that do not form tiers', () => {
    let error: unknown;
    try {
      sizeTier(1, { smallMaxRows: 10, mediumMaxRows: 10 });
    } catch (e) {
      error = e;
    }
    expect(ExecutionPolicyError.is(error, 'InvalidThresholds')).toBe(true);
  });
});

describe('SizeTierThresholdsSchema', () => {
  it('accepts the defaults, which are frozen', () => {
    expect(SizeTierThresholdsSchema.safeParse(DEFAULT_SIZE_TIER_THRESHOLDS).success).toBe(true);
    expect(Object.isFrozen(DEFAULT_SIZE_TIER_THRESHOLDS)).toBe(true);
    expect(sizeTier(DEFAULT_SIZE_TIER_THRESHOLDS.smallMaxRows, DEFAULT_SIZE_TIER_THRESHOLDS)).toBe('small');
  });

  it.each([
    ['inverted bounds', { smallMaxRows: 10, mediumMaxRows: 5 }, 'mediumMaxRows'],
    ['a fractional bound', { smallMaxRows: 1.5, mediumMaxRows: 5 }, 'smallMaxRows'],
    ['a negative bound', { smallMaxRows: -1, mediumMaxRows: 5 }, 'smallMaxRows'],
  ])('rejects %s', (_label, input, path) => {
    const result = SizeTierThresholdsSchema.safeParse(input);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([path]);
  });
});
