import { decodeArtifact, encodeArtifact } from '@anatomy/artifact-registry';
import { DEFAULT_MAINTENANCE_THRESHOLDS } from '@anatomy/execution-policy';
import { describe, expect, it } from 'vitest';
import { calibrateThresholds } from './calibrate-thresholds.js';
import { thresholdCalibrationArtifact } from './threshold-calibration-artifact.js';

describe('thresholdCalibrationArtifact', () => {
  it('round-trips a calibration and refuses one whose thresholds leave their schema', () => {
    const history = [
      {
        decision: {
          action: 'checkpoint' as const,
          target: { scope: 'database' as const },
          cause: { metric: 'walBytes' as const, measured: 40_000_000, threshold: 16_777_216 },
          confidence: 0.7,
          rationale: 'the WAL is large',
          evidence: [{ source: 'write-outcome', detail: 'walBytes=40000000' }],
        },
        status: 'done' as const,
        before: { fileBytes: 1e8, walBytes: 40_000_000, blockSize: 262144, totalBlocks: 400, usedBlocks: 400, freeBlocks: 0 },
        after: { fileBytes: 1.4e8, walBytes: 0, blockSize: 262144, totalBlocks: 560, usedBlocks: 560, freeBlocks: 0 },
        durationMs: 2000,
      },
    ];
    const calibration = calibrateThresholds(history, DEFAULT_MAINTENANCE_THRESHOLDS);
    // 40 MB in 2 s is 10 MB per 500 ms budget: the threshold comes down a quarter at most.
    expect(calibration.thresholds.walBytesCheckpoint).toBe(12_582_912);
    const bytes = encodeArtifact(thresholdCalibrationArtifact, calibration);
    expect(decodeArtifact(thresholdCalibrationArtifact, bytes)).toEqual(calibration);
    expect(() => encodeArtifact(thresholdCalibrationArtifact, { ...calibration, thresholds: { ...calibration.thresholds, deletedFractionRewrite: 2 } })).toThrow();
  });
});
