import { errorFamily } from '@anatomy/contracts';

/** Errors raised by the orchestrator itself (the packages it composes raise their own). */
export const OrchestratorError = errorFamily('orchestrator', 'OrchestratorError', [
  'NotADirectory',
  'NoPythonFiles',
  'ViewMissing',
  'InvalidConfiguration',
  'SchemaDrift',
  'NoRuns',
  'RunNotFound',
  'NoStore',
  'UnknownName',
  'AmbiguousName',
  'NotAGitRepository',
  'UnknownGitRef',
  'PlanNotCached',
] as const);
