import { errorFamily } from '@anatomy/contracts';

/** Errors of the execution policy; codes are `execution-policy/<Reason>`. */
export const ExecutionPolicyError = errorFamily('execution-policy', 'ExecutionPolicyError', ['InvalidEstimate', 'InvalidThresholds', 'InvalidInput'] as const);
