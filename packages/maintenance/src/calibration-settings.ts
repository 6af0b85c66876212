import { z } from 'zod';

/** The range a calibrated threshold must stay in. */
export const ThresholdBoundsSchema = z
  .object({ min: z.number().positive(), max: z.number().positive() })
  .refine((b) => b.min <= b.max, { message: 'min cannot exceed max', path: ['min'] });
export type ThresholdBounds = z.infer<typeof ThresholdBoundsSchema>;

/**
 * The rules calibration follows. A threshold moves toward the median of
 * what the history suggests, at most `maxStep` of its value per calibration,
 * and never leaves its bounds.
 */
export const CalibrationSettingsSchema = z
  .object({
    /** Largest move per calibration, as a fraction of the current value. */
    maxStep: z.number().gt(0).max(1),
    /**
     * The share of a table's blocks (rewrite) or of the file (compaction) an
     * action must give back to be worth its copy.
     */
    worthwhileReclaim: z.object({
      rewriteTable: z.number().gt(0).max(1),
      compactDatabase: z.number().gt(0).max(1),
    }),
    /** How long a checkpoint may pause a build. */
    checkpointBudgetMs: z.number().positive(),
    bounds: z.object({
      walBytesCheckpoint: ThresholdBoundsSchema,
      deletedFractionRewrite: ThresholdBoundsSchema,
      freeBlockRatioCompact: ThresholdBoundsSchema,
      statsRefreshRowsChanged: ThresholdBoundsSchema,
    }),
  })
  .superRefine((s, ctx) => {
    for (const key of ['deletedFractionRewrite', 'freeBlockRatioCompact'] as const) {
      if (s.bounds[key].max > 1) ctx.addIssue({ code: 'custom', path: ['bounds', key, 'max'], message: 'a fraction cannot exceed 1' });
    }
    for (const key of ['walBytesCheckpoint', 'statsRefreshRowsChanged'] as const) {
      const b = s.bounds[key];
      if (!Number.isInteger(b.min) || !Number.isInteger(b.max)) ctx.addIssue({ code: 'custom', path: ['bounds', key], message: 'a count threshold has whole-number bounds' });
    }
  });
export type CalibrationSettings = z.infer<typeof CalibrationSettingsSchema>;

/** The calibration rules Anatomy uses unless told otherwise. */
export const DEFAULT_CALIBRATION_SETTINGS: CalibrationSettings = Object.freeze({
  // A quarter per run: a single odd run cannot swing a threshold, yet a
  // threshold that is off by 2× is corrected within three runs.
  maxStep: 0.25,
  // The same fractions as the default thresholds, so a rewrite or compaction
  // that reclaims what its trigger promised leaves its threshold where it is;
  // only a payoff above or below that moves it.
  worthwhileReclaim: Object.freeze({ rewriteTable: 0.25, compactDatabase: 0.5 }),
  // Half a second between two views goes unnoticed in a build that takes minutes.
  checkpointBudgetMs: 500,
  bounds: Object.freeze({
    walBytesCheckpoint: Object.freeze({ min: 1024 * 1024, max: 1024 * 1024 * 1024 }),
    deletedFractionRewrite: Object.freeze({ min: 0.05, max: 0.9 }),
    freeBlockRatioCompact: Object.freeze({ min: 0.1, max: 0.9 }),
    statsRefreshRowsChanged: Object.freeze({ min: 1024, max: 100_000_000 }),
  }),
});
