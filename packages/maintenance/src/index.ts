export { MaintenanceError } from './maintenance-error.js';
export { WriteMeasurementSchema } from './write-measurement.js';
export type { WriteMeasurement } from './write-measurement.js';
export {
  MaintenanceActionSchema,
  MaintenanceMetricSchema,
  MaintenanceTargetSchema,
  MaintenanceCauseSchema,
  MaintenanceDecisionSchema,
  MAINTENANCE_ACTION_TRIGGERS,
} from './maintenance-decision.js';
export type { MaintenanceAction, MaintenanceMetric, MaintenanceTarget, MaintenanceCause, MaintenanceDecision } from './maintenance-decision.js';
export { decideMaintenance } from './decide-maintenance.js';
export { maintenanceDecisionsArtifact } from './maintenance-decisions-artifact.js';
export { MaintenanceRecordSchema, MaintenanceLogEntrySchema } from './maintenance-record.js';
export type { MaintenanceRecord, MaintenanceLogEntry } from './maintenance-record.js';
export { runMaintenance } from './run-maintenance.js';
export type { RunMaintenanceOptions } from './run-maintenance.js';
export { appendMaintenanceLog, readMaintenanceLog } from './maintenance-log.js';
export { CalibrationSettingsSchema, ThresholdBoundsSchema, DEFAULT_CALIBRATION_SETTINGS } from './calibration-settings.js';
export type { CalibrationSettings, ThresholdBounds } from './calibration-settings.js';
export { ThresholdCalibrationSchema, ThresholdObservationSchema } from './threshold-calibration.js';
export type { ThresholdCalibration, ThresholdObservation } from './threshold-calibration.js';
export { calibrateThresholds } from './calibrate-thresholds.js';
export { thresholdCalibrationArtifact } from './threshold-calibration-artifact.js';
