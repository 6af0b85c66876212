import { errorFamily } from '@anatomy/contracts';

/** Errors of the maintenance package; codes are `maintenance/<Reason>`. */
export const MaintenanceError = errorFamily('maintenance', 'MaintenanceError', ['InvalidMeasurement', 'InvalidThresholds'] as const);
