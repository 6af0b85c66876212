import { errorFamily } from '@anatomy/contracts';

/** Errors of scan policy; codes are `scan-policy/<Reason>`. */
export const ScanPolicyError = errorFamily('scan-policy', 'ScanPolicyError', ['InvalidDataset', 'InvalidOptions', 'MeasureFailed'] as const);
