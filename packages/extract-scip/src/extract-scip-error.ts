import { errorFamily } from '@anatomy/contracts';

/**
 * Errors that stop the SCIP extractor as a whole. Problems inside one
 * document (a file missing from the scan, a range outside its file) never
 * throw: they become `evidence.scip_diagnostics` rows.
 */
export const ExtractScipError = errorFamily('extract-scip', 'ExtractScipError', [
  'InvalidOptions',
  'IndexUnreadable',
  'MalformedIndex',
  'Python3Missing',
  'PipMissing',
  'EnvironmentUnreadable',
  'RootNotADirectory',
  'OutputUnwritable',
  'IndexerMissing',
  'IndexerFailed',
  'IndexerTimedOut',
  'Aborted',
] as const);
