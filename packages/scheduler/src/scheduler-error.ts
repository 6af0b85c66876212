import { errorFamily } from '@anatomy/contracts';

/** Errors raised while building, analysing, scheduling or running the task graph. */
export const SchedulerError = errorFamily('scheduler', 'SchedulerError', [
  'CycleDetected',
  'InvalidDeps',
  'DuplicateTask',
  'UnknownTask',
  'InvalidCost',
  'ScheduleMismatch',
  'InvalidOptions',
  'RunFailed',
] as const);
