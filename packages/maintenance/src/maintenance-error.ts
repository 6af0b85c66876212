import { errorFamily } from '@anatomy/contracts';

/** Errors of the maintenance package; codes are `maintenance/<Reason>`. */
export const MaintenanceError = errorFamily('maintenance', 'MaintenanceError', [
  'InvalidMeasurement',
  'InvalidThresholds',
  'InvalidDecisions',
  'InvalidHistory',
  'InvalidSettings',
  'ActionFailed',
] as const);
