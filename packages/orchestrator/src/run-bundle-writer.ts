import { join } from 'node:path';
import { artifactEntry, createExecutionPackage, executionPackageArtifact, writeRunBundle } from '@anatomy/artifact-registry';
import type { ExecutionPackage } from '@anatomy/artifact-registry';
import type { CompiledExecutionPolicy } from '@anatomy/execution-policy';
import type { PlanBundle } from '@anatomy/plan-signals';
import type { ScanPolicyDecision } from '@anatomy/scan-policy';
import { maintenanceDecisionsArtifact, thresholdCalibrationArtifact } from '@anatomy/maintenance';
import type { MaintenanceDecision, MaintenanceRecord, ThresholdCalibration } from '@anatomy/maintenance';
import type { CapabilitySnapshot } from '@anatomy/plan-signals';
import type { Schedule } from '@anatomy/scheduler';
import type { SemanticProgramManifest } from '@anatomy/semantic-ir';
import type { WriteOutcome } from '@anatomy/store';
import type { PlanReport } from './plan-report.js';
import {
  runCapabilitiesArtifact,
  runDiagnosticsSummaryArtifact,
  runMaintenanceRecordsArtifact,
  runManifestArtifact,
  runOutputFingerprintsArtifact,
  runPlanReportArtifact,
  runPolicyArtifact,
  runScheduleArtifact,
  runWriteOutcomesArtifact, runPlanBundlesArtifact, runScanPayoffsArtifact, runTimingsArtifact } from './run-artifacts.js';
import type { DiagnosticsSummary, OutputFingerprints, RunTimings } from './run-artifacts.js';
import { runsDirectory } from './run-directory.js';

/** Everything a finished build records about itself. */
export interface BuildBundleInput {
  readonly root: string;
  readonly runId: string;
  readonly manifest: SemanticProgramManifest;
  readonly policy: CompiledExecutionPolicy;
  readonly capabilities: CapabilitySnapshot;
  readonly planReport: PlanReport;
  readonly planBundles: readonly PlanBundle[];
  readonly scanPayoffs: readonly ScanPolicyDecision[];
  readonly schedule: Schedule;
  readonly writeOutcomes: readonly WriteOutcome[];
  readonly maintenanceDecisions: readonly MaintenanceDecision[];
  /** Absent when maintenance was off for the run. */
  readonly calibration?: ThresholdCalibration;
  readonly maintenanceRecords: readonly MaintenanceRecord[];
  readonly diagnostics: DiagnosticsSummary;
  readonly outputFingerprints: OutputFingerprints;
  /** Absent for callers that measured nothing (tests); a build always records them. */
  readonly timings?: RunTimings;
}

/**
 * Settings that depend on the machine's state rather than on the run: DuckDB
 * sizes its temporary-file limit from the free disk space, which changes from
 * one build to the next without changing any result.
 */
const VOLATILE_SETTINGS = new Set(['max_temp_directory_size']);

/**
 * The DuckDB session settings that go into an execution package: those of
 * the capability snapshot minus the volatile ones. Run ids and times never
 * enter, so equal inputs give equal packages.
 *
 * @example
 * sessionSettingsOf(await captureCapabilities(store)); // { threads: '2', TimeZone: 'UTC', … }
 */
export function sessionSettingsOf(capabilities: CapabilitySnapshot): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(Object.entries(capabilities.settings).filter(([name]) => !VOLATILE_SETTINGS.has(name))));
}

/**
 * Writes the run bundle of a build to `<root>/.anatomy/runs/<runId>/`: every
 * artifact of the run plus its ExecutionPackage, whose fingerprint covers the
 * manifest, the policy, the capabilities, the plan fingerprints and the
 * session settings. The bundle appears whole or not at all.
 *
 * @example
 * const { dir, executionPackage } = await writeBuildBundle({ root, runId: newRunId(), manifest, policy, ... });
 */
export async function writeBuildBundle(input: BuildBundleInput): Promise<{ readonly dir: string; readonly executionPackage: ExecutionPackage }> {
  const executionPackage = createExecutionPackage({
    manifestFingerprint: input.manifest.fingerprint,
    policyFingerprint: input.policy.fingerprint,
    capabilityFingerprint: input.capabilities.fingerprint,
    planFingerprints: Object.fromEntries(input.planReport.tasks.map((t) => [t.name, t.planFingerprint])),
    sessionSettings: sessionSettingsOf(input.capabilities),
  });
  const dir = join(runsDirectory(input.root), input.runId);
  await writeRunBundle(dir, input.runId, [
    artifactEntry(executionPackageArtifact, executionPackage),
    artifactEntry(runManifestArtifact, input.manifest),
    artifactEntry(runPolicyArtifact, input.policy),
    artifactEntry(runCapabilitiesArtifact, input.capabilities),
    artifactEntry(runPlanReportArtifact, input.planReport),
    artifactEntry(runPlanBundlesArtifact, [...input.planBundles]),
    artifactEntry(runScanPayoffsArtifact, [...input.scanPayoffs]),
    artifactEntry(runScheduleArtifact, input.schedule),
    artifactEntry(runWriteOutcomesArtifact, input.writeOutcomes),
    artifactEntry(maintenanceDecisionsArtifact, input.maintenanceDecisions),
    ...(input.calibration === undefined ? [] : [artifactEntry(thresholdCalibrationArtifact, input.calibration)]),
    artifactEntry(runMaintenanceRecordsArtifact, input.maintenanceRecords),
    artifactEntry(runDiagnosticsSummaryArtifact, input.diagnostics),
    artifactEntry(runOutputFingerprintsArtifact, input.outputFingerprints),
    ...(input.timings === undefined ? [] : [artifactEntry(runTimingsArtifact, input.timings)]),
  ]);
  return Object.freeze({ dir, executionPackage });
}
