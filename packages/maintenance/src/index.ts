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
