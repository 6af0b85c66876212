import { decisionSchema } from '@anatomy/contracts';
import { z } from 'zod';

/**
 * The measurements above which the store is maintained. Fractions are of the
 * physical rows of a table (`deletedFractionRewrite`) or of the blocks of the
 * database file (`freeBlockRatioCompact`).
 */
export const MaintenanceThresholdsSchema = z.object({
  /** Checkpoint once the write-ahead log holds at least this many bytes. */
  walBytesCheckpoint: z.number().int().positive(),
  /** Rewrite a table once at least this fraction of its stored rows are deleted. */
  deletedFractionRewrite: z.number().gt(0).max(1),
  /** Compact the database once at least this fraction of its blocks are free. */
  freeBlockRatioCompact: z.number().gt(0).max(1),
  /** Refresh a table's statistics once at least this many of its rows were inserted or deleted. */
  statsRefreshRowsChanged: z.number().int().positive(),
});
export type MaintenanceThresholds = z.infer<typeof MaintenanceThresholdsSchema>;

/** The maintenance thresholds as compiled into a policy: each one a Decision. */
export const MaintenanceThresholdDecisionsSchema = z.object({
  walBytesCheckpoint: decisionSchema(MaintenanceThresholdsSchema.shape.walBytesCheckpoint),
  deletedFractionRewrite: decisionSchema(MaintenanceThresholdsSchema.shape.deletedFractionRewrite),
  freeBlockRatioCompact: decisionSchema(MaintenanceThresholdsSchema.shape.freeBlockRatioCompact),
  statsRefreshRowsChanged: decisionSchema(MaintenanceThresholdsSchema.shape.statsRefreshRowsChanged),
});
export type MaintenanceThresholdDecisions = z.infer<typeof MaintenanceThresholdDecisionsSchema>;

/** The thresholds a policy starts from before calibration from past runs. */
export const DEFAULT_MAINTENANCE_THRESHOLDS: MaintenanceThresholds = Object.freeze({
  // 16 MiB is DuckDB's own automatic checkpoint threshold: checkpointing at the
  // same size keeps recovery time what DuckDB users expect, but at a moment we
  // choose (between views) instead of inside a write.
  walBytesCheckpoint: 16 * 1024 * 1024,
  // DuckDB only marks deleted rows; scans still read them. At a quarter dead,
  // every scan of the table reads a third more than it needs, which is when a
  // rewrite starts to pay for itself across the readers of a run.
  deletedFractionRewrite: 0.25,
  // DuckDB reuses free blocks but never shrinks its file. Compaction copies the
  // whole database, so it waits until half the file is reclaimable.
  freeBlockRatioCompact: 0.5,
  // One row group's worth of changed rows (122,880) can move distinct-count
  // estimates enough to change join orders; fewer changes stay within noise.
  statsRefreshRowsChanged: 122_880,
});

/** Why each default threshold has its value: the rationale of the Decision a policy records for it. */
export const DEFAULT_MAINTENANCE_REASONS: Readonly<Record<keyof MaintenanceThresholds, string>> = Object.freeze({
  walBytesCheckpoint: "DuckDB's own automatic checkpoint size, so recovery time stays what DuckDB users expect while the checkpoint happens between views",
  deletedFractionRewrite: 'at a quarter of rows deleted every scan reads a third more than it needs, when a rewrite starts to pay for itself',
  freeBlockRatioCompact: 'compaction copies the whole database, so it waits until half the file is reclaimable',
  statsRefreshRowsChanged: "one row group's worth of changed rows can move distinct-count estimates enough to change join orders",
});
