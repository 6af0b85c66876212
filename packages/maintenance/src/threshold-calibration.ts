import { MaintenanceThresholdDecisionsSchema, MaintenanceThresholdsSchema } from '@anatomy/execution-policy';
import { z } from 'zod';
import { CalibrationSettingsSchema } from './calibration-settings.js';

/** What the history said about one threshold: how many actions spoke, and the median value they point to. */
export const ThresholdObservationSchema = z.object({
  samples: z.number().int().nonnegative(),
  /** Null when no action in the history measured anything for this threshold. */
  medianTarget: z.number().positive().nullable(),
});
export type ThresholdObservation = z.infer<typeof ThresholdObservationSchema>;

/**
 * One calibration of the maintenance thresholds: the thresholds before, the
 * thresholds after (plain, and as Decisions for the compiled policy), what
 * the history showed, and the rules applied.
 */
export const ThresholdCalibrationSchema = z.object({
  previous: MaintenanceThresholdsSchema,
  thresholds: MaintenanceThresholdsSchema,
  decisions: MaintenanceThresholdDecisionsSchema,
  observations: z.object({
    walBytesCheckpoint: ThresholdObservationSchema,
    deletedFractionRewrite: ThresholdObservationSchema,
    freeBlockRatioCompact: ThresholdObservationSchema,
    statsRefreshRowsChanged: ThresholdObservationSchema,
  }),
  settings: CalibrationSettingsSchema,
});
export type ThresholdCalibration = z.infer<typeof ThresholdCalibrationSchema>;
