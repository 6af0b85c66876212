import { errorFamily } from '@anatomy/contracts';

/**
 * Errors that stop the python extractor itself. Problems inside a file never
 * throw: they become `evidence.py_parse_errors` rows.
 */
export const ExtractPythonError = errorFamily('extract-python', 'ExtractPythonError', [
  'InvalidOptions',
  'PythonUnavailable',
  'WorkerFailed',
  'WorkerProtocol',
  'Aborted',
] as const);
