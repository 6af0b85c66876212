export { main } from './cli.js';
export type { CliIo } from './cli.js';
export { buildCpg, STORE_RELATIVE_PATH } from './build-cpg.js';
export type { BuildOptions, BuildSummary, BuildModeSummary } from './build-cpg.js';
export { DEFAULT_FULL_BUILD_MEMORY_LIMIT } from './memory-cap.js';
export { ProcessTreeMemory, processTreeResidentBytes } from './process-tree-memory.js';
export type { ProcessTreeMemoryOptions, ProcessTreePeak } from './process-tree-memory.js';
export { fileManifestDataset, buildStateDataset, readStoredBuild, writeStoredBuild, BUILD_STATE_VERSION } from './build-state.js';
export type { BuildState, ManifestFile, StoredBuild } from './build-state.js';
export { planIncrement } from './incremental-plan.js';
export type { IncrementalPlan } from './incremental-plan.js';
export { removeFileEvidence, unownedEvidence } from './replace-file-evidence.js';
export { ExitCode } from './exit-code.js';
export { formatRows } from './format-rows.js';
export type { RowFormat } from './format-rows.js';
export { lineProgress, silentProgress, formatDuration } from './progress-reporter.js';
export type { ProgressReporter } from './progress-reporter.js';
export { OrchestratorError } from './orchestrator-error.js';
export { planReport, formatPlanReport, PlanReportSchema, PlanReportTaskSchema, PlanReportDecisionSchema } from './plan-report.js';
export type { PlanReport, PlanReportTask, PlanReportDecision, PlanReportOptions } from './plan-report.js';
export { AnatomyConfigSchema, loadConfig, buildOptionsFromConfig, anatomyConfigJsonSchema, CONFIG_FILE_NAME, PYPROJECT_FILE_NAME, CONFIG_ENV_VARS } from './anatomy-config.js';
export type { AnatomyConfig, AnatomyConfigInput, LoadConfigOptions, LoadedConfig, ConfigSource } from './anatomy-config.js';
export { doctor, formatDoctor, DoctorCheckSchema, DoctorReportSchema } from './doctor-command.js';
export type { DoctorCheck, DoctorReport, DoctorOptions } from './doctor-command.js';
export { replayCommand } from './replay-command.js';
export type { ReplayOptions, ReplayResult, ReplayTable } from './replay-command.js';
export { maintainCommand } from './maintain-command.js';
export type { MaintainOptions, MaintainResult } from './maintain-command.js';
export { planCommand } from './plan-command.js';
export type { PlanCommandOptions } from './plan-command.js';
export { planInTransaction } from './plan-report.js';
export type { PlannedExecution } from './plan-report.js';
export { writeBuildBundle } from './run-bundle-writer.js';
export type { BuildBundleInput } from './run-bundle-writer.js';
export { runsDirectory, newRunId, findRun } from './run-directory.js';
export {
  runManifestArtifact,
  runPolicyArtifact,
  runCapabilitiesArtifact,
  runPlanReportArtifact,
  runPlanBundlesArtifact,
  runScanPayoffsArtifact,
  ScanPayoffsSchema,
  PlanBundlesSchema,
  runScheduleArtifact,
  runWriteOutcomesArtifact,
  runMaintenanceRecordsArtifact,
  runDiagnosticsSummaryArtifact,
  runOutputFingerprintsArtifact,
  DiagnosticsSummarySchema,
  OutputFingerprintsSchema,
  OUTPUT_TABLES,
} from './run-artifacts.js';
export type { DiagnosticsSummary, OutputFingerprints } from './run-artifacts.js';
export { runsDataset, recordRun } from './run-record.js';
export type { RunRecord } from './run-record.js';
export { reportCommand, collectReportData, REPORT_RELATIVE_PATH } from './report-command.js';
export type { ReportOptions, ReportResult } from './report-command.js';
export { ReportDataSchema, ReportViewSchema, KindCountSchema } from './report-data.js';
export type { ReportData, ReportView, KindCount } from './report-data.js';
export { renderReportHtml } from './render-report-html.js';
export { layoutDag, DAG_BOX } from './dag-layout.js';
export type { DagLayout, DagNode, DagEdge, DagViewInput } from './dag-layout.js';
export { htmlText } from './html-text.js';
export { runTimingsArtifact, RunTimingsSchema } from './run-artifacts.js';
export type { RunTimings } from './run-artifacts.js';
export { answerQuestion, askCpg } from './graph-questions.js';
export type { GraphQuestion, GraphAnswer, AnswerRow } from './graph-questions.js';
export { codeEntities, matchEntities, findDefinitions, resolveEntity, resolveModule, fullName } from './code-entity.js';
export type { CodeEntity } from './code-entity.js';
export { closeMatches } from './close-matches.js';
export { barProgress } from './progress-reporter.js';
export type { BarProgressOptions } from './progress-reporter.js';
export { renderProgressFrame } from './progress-frame.js';
export type { ProgressCounter, ProgressState } from './progress-frame.js';
export { countingCpg, exportRowTotal } from './export-progress.js';
