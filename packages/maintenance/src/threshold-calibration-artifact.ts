import { defineArtifact } from '@anatomy/artifact-registry';
import type { ArtifactSpec } from '@anatomy/artifact-registry';
import { ThresholdCalibrationSchema } from './threshold-calibration.js';

/** A calibration of the maintenance thresholds, as persisted in a run bundle. */
export const thresholdCalibrationArtifact: ArtifactSpec<typeof ThresholdCalibrationSchema> = defineArtifact({
  name: 'maintenance-threshold-calibration',
  version: 1,
  payload: ThresholdCalibrationSchema,
  description: 'Maintenance thresholds moved a bounded step toward what past maintenance actions measured, with the evidence.',
});
