import { decide, formatIssues, validate } from '@anatomy/contracts';
import type { Decision } from '@anatomy/contracts';
import { MaintenanceThresholdsSchema } from '@anatomy/execution-policy';
import type { MaintenanceThresholdDecisions, MaintenanceThresholds } from '@anatomy/execution-policy';
import { z } from 'zod';
import { CalibrationSettingsSchema, DEFAULT_CALIBRATION_SETTINGS } from './calibration-settings.js';
import type { CalibrationSettings } from './calibration-settings.js';
import { MaintenanceError } from './maintenance-error.js';
import { MaintenanceRecordSchema } from './maintenance-record.js';
import type { MaintenanceRecord } from './maintenance-record.js';
import type { ThresholdCalibration, ThresholdObservation } from './threshold-calibration.js';

type ThresholdName = keyof MaintenanceThresholds;

const THRESHOLDS: readonly ThresholdName[] = ['walBytesCheckpoint', 'deletedFractionRewrite', 'freeBlockRatioCompact', 'statsRefreshRowsChanged'];

const COUNTS: ReadonlySet<ThresholdName> = new Set(['walBytesCheckpoint', 'statsRefreshRowsChanged']);

/**
 * A payoff of nothing would ask for an infinite threshold; this floor keeps
 * the arithmetic finite, and the step limit and bounds do the rest.
 */
const PAYOFF_FLOOR = 1e-3;

const HistorySchema = z.array(MaintenanceRecordSchema);

const share = (before: number, after: number): number => (before <= 0 ? 0 : Math.max(0, (before - after) / before));

/**
 * The threshold value one executed action points to. A reclaiming action is
 * assumed to pay in proportion to the metric that triggered it, so the value
 * at which it would just have paid the worthwhile share is
 * `measured × worthwhile / payoff`. A checkpoint is judged by time instead:
 * the WAL size it would have written back within the budget.
 */
function targetOf(name: ThresholdName, record: MaintenanceRecord, settings: CalibrationSettings): number | null {
  const { decision, before, after } = record;
  if (record.status !== 'done' || after === null) return null;
  const measured = decision.cause.measured;
  switch (name) {
    case 'walBytesCheckpoint':
      if (decision.action !== 'checkpoint' || before.walBytes <= 0 || record.durationMs <= 0) return null;
      return (before.walBytes * settings.checkpointBudgetMs) / record.durationMs;
    case 'deletedFractionRewrite': {
      if (decision.action !== 'rewrite-table' || before.table === undefined || after.table === undefined || before.table.blocks <= 0) return null;
      const payoff = share(before.table.blocks, after.table.blocks);
      return (measured * settings.worthwhileReclaim.rewriteTable) / Math.max(payoff, PAYOFF_FLOOR);
    }
    case 'freeBlockRatioCompact': {
      if (decision.action !== 'compact-database' || before.fileBytes <= 0) return null;
      const payoff = share(before.fileBytes, after.fileBytes);
      return (measured * settings.worthwhileReclaim.compactDatabase) / Math.max(payoff, PAYOFF_FLOOR);
    }
    case 'statsRefreshRowsChanged':
      // ANALYZE changes estimates, not storage: nothing in a record measures whether it paid.
      return null;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value));

function shown(name: ThresholdName, value: number): string {
  return COUNTS.has(name) ? String(Math.round(value)) : value.toFixed(4);
}

function calibrateOne(
  name: ThresholdName,
  current: number,
  targets: readonly number[],
  settings: CalibrationSettings,
): { readonly decision: Decision<number>; readonly observation: ThresholdObservation } {
  const bounds = settings.bounds[name];
  const rules = `maxStep=${settings.maxStep}, bounds=[${bounds.min}, ${bounds.max}]`;
  if (targets.length === 0) {
    const kept = clamp(current, bounds.min, bounds.max);
    return {
      observation: { samples: 0, medianTarget: null },
      decision: decide({
        value: kept,
        confidence: 0.5,
        rationale:
          name === 'statsRefreshRowsChanged'
            ? `statistics refreshes leave no measurable trace in storage, so ${name} keeps its compiled value${kept === current ? '' : ' (clamped to its bounds)'}`
            : `no executed action in the history measured ${name}, so it keeps its compiled value${kept === current ? '' : ' (clamped to its bounds)'}`,
        evidence: [
          { source: 'maintenance-log', detail: `0 samples for ${name}` },
          { source: 'calibration-settings', detail: rules },
        ],
      }),
    };
  }
  const target = median(targets);
  const limit = settings.maxStep * current;
  let value = clamp(current + clamp(target - current, -limit, limit), bounds.min, bounds.max);
  if (COUNTS.has(name)) value = Math.round(value);
  const direction = value > current ? 'raised' : value < current ? 'lowered' : 'kept';
  return {
    observation: { samples: targets.length, medianTarget: target },
    decision: decide({
      value,
      // More actions agreeing make a surer estimate, approaching but never reaching certainty.
      confidence: 0.5 + (0.45 * targets.length) / (targets.length + 3),
      rationale: `${direction} ${name} from ${shown(name, current)} to ${shown(name, value)}, toward the median ${shown(name, target)} that ${targets.length} past action(s) point to, moving at most ${settings.maxStep * 100}% per calibration within its bounds`,
      evidence: [
        { source: 'maintenance-log', detail: `${targets.length} sample(s) for ${name}, median target ${target}` },
        { source: 'calibration-settings', detail: rules },
      ],
    }),
  };
}

/**
 * Moves the maintenance thresholds toward what past actions measured, with
 * bounded, deterministic rules: per threshold, each executed action of the
 * history yields a target (see the rules below); the threshold moves toward
 * the median target by at most `maxStep` of its current value and is clamped
 * to its bounds. Equal inputs give equal output whatever the history's order.
 *
 * - `walBytesCheckpoint`: the WAL size a checkpoint writes back within
 *   `checkpointBudgetMs`, from each checkpoint's WAL bytes and duration;
 * - `deletedFractionRewrite` / `freeBlockRatioCompact`: the trigger value at
 *   which a rewrite (table blocks given back) or compaction (file bytes given
 *   back) would just reclaim the worthwhile share;
 * - `statsRefreshRowsChanged`: kept, since no storage measurement shows what
 *   a statistics refresh bought.
 *
 * A threshold without samples keeps its value with confidence 0.5 and says
 * so. Throws `maintenance/InvalidHistory`, `maintenance/InvalidThresholds` or
 * `maintenance/InvalidSettings`, each listing every problem.
 *
 * @example
 * const history = await readMaintenanceLog(store);
 * const calibration = calibrateThresholds(history.map((e) => e.record), DEFAULT_MAINTENANCE_THRESHOLDS);
 * await writeRunBundle(dir, runId, [artifactEntry(thresholdCalibrationArtifact, calibration)]);
 * decideMaintenance(outcomes, calibration.thresholds);
 */
export function calibrateThresholds(
  history: readonly MaintenanceRecord[],
  current: MaintenanceThresholds,
  settings: CalibrationSettings = DEFAULT_CALIBRATION_SETTINGS,
): ThresholdCalibration {
  const records = validate(HistorySchema, history);
  if (!records.ok) {
    throw MaintenanceError.create('InvalidHistory', `the maintenance history is invalid:\n${formatIssues(records.issues)}`, {
      details: { issues: records.issues },
      hint: 'pass the records runMaintenance returned or readMaintenanceLog read back',
    });
  }
  const thresholds = validate(MaintenanceThresholdsSchema, current);
  if (!thresholds.ok) {
    throw MaintenanceError.create('InvalidThresholds', `maintenance thresholds are invalid:\n${formatIssues(thresholds.issues)}`, {
      details: { issues: thresholds.issues },
      hint: 'take the thresholds from the compiled execution policy',
    });
  }
  const rules = validate(CalibrationSettingsSchema, settings);
  if (!rules.ok) {
    throw MaintenanceError.create('InvalidSettings', `calibration settings are invalid:\n${formatIssues(rules.issues)}`, {
      details: { issues: rules.issues },
      hint: 'start from DEFAULT_CALIBRATION_SETTINGS and change only what you mean to',
    });
  }
  const calibrated = Object.fromEntries(
    THRESHOLDS.map((name) => {
      const targets = records.value.flatMap((r) => {
        const t = targetOf(name, r, rules.value);
        return t === null || !Number.isFinite(t) ? [] : [t];
      });
      return [name, calibrateOne(name, thresholds.value[name], targets, rules.value)];
    }),
  ) as Record<ThresholdName, ReturnType<typeof calibrateOne>>;
  const pick = <T>(f: (c: ReturnType<typeof calibrateOne>) => T): Record<ThresholdName, T> =>
    Object.freeze(Object.fromEntries(THRESHOLDS.map((name) => [name, f(calibrated[name])]))) as Record<ThresholdName, T>;
  return Object.freeze({
    previous: Object.freeze({ ...thresholds.value }),
    thresholds: pick((c) => c.decision.value) as MaintenanceThresholds,
    decisions: pick((c) => c.decision) as MaintenanceThresholdDecisions,
    observations: pick((c) => Object.freeze(c.observation)),
    settings: Object.freeze(rules.value),
  });
}
