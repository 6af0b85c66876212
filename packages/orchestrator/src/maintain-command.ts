import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRunBundle } from '@anatomy/artifact-registry';
import { DEFAULT_MAINTENANCE_THRESHOLDS } from '@anatomy/execution-policy';
import { calibrateThresholds, decideMaintenance, readMaintenanceLog, runMaintenance } from '@anatomy/maintenance';
import type { MaintenanceDecision, MaintenanceRecord, ThresholdCalibration } from '@anatomy/maintenance';
import { openStore } from '@anatomy/store';
import { STORE_RELATIVE_PATH } from './build-cpg.js';
import { OrchestratorError } from './orchestrator-error.js';
import { runWriteOutcomesArtifact } from './run-artifacts.js';
import { findRun } from './run-directory.js';

/** What `anatomy maintain` needs. */
export interface MaintainOptions {
  readonly root: string;
  readonly storePath?: string;
  /** Measure and decide, but change nothing. */
  readonly dryRun: boolean;
}

/** What `anatomy maintain` decided and did. */
export interface MaintainResult {
  /** The run whose recorded writes the decisions come from. */
  readonly runId: string;
  readonly calibration: ThresholdCalibration;
  readonly decisions: readonly MaintenanceDecision[];
  readonly records: readonly MaintenanceRecord[];
}

/**
 * Maintains a store after the fact: decides from the write outcomes the
 * latest run recorded, with thresholds calibrated from the store's
 * maintenance log, then carries the decisions out (or, with `dryRun`, only
 * measures). Throws `orchestrator/NoRuns` when no build was recorded and
 * `orchestrator/NoStore` when the store is missing.
 *
 * @example
 * const { records } = await maintainCommand({ root: 'path/to/project', dryRun: true });
 * for (const r of records) console.log(r.decision.action, r.status);
 */
export async function maintainCommand(options: MaintainOptions): Promise<MaintainResult> {
  const root = resolve(options.root);
  const storePath = resolve(options.storePath ?? join(root, STORE_RELATIVE_PATH));
  const run = await findRun(root);
  const outcomes = (await readRunBundle(run.dir)).read(runWriteOutcomesArtifact);
  if (!existsSync(storePath)) {
    throw OrchestratorError.create('NoStore', `there is no store at ${storePath} to maintain`, {
      hint: 'pass the store the build wrote with --store, or build first',
    });
  }
  const store = await openStore({ path: storePath });
  try {
    const history = (await readMaintenanceLog(store)).map((e) => e.record);
    const calibration = calibrateThresholds(history, DEFAULT_MAINTENANCE_THRESHOLDS);
    const decisions = decideMaintenance(outcomes, calibration.thresholds);
    const records = await runMaintenance(store, decisions, { dryRun: options.dryRun, runId: run.runId });
    return Object.freeze({ runId: run.runId, calibration, decisions, records });
  } finally {
    await store.close();
  }
}
