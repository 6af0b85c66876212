import { errorFamily } from '@anatomy/contracts';

/**
 * Errors raised by the tree-sitter extractor. Problems inside a file never
 * throw (they become `evidence.ts_errors` rows); these stop the extractor
 * itself.
 */
export const ExtractTreeSitterError = errorFamily('extract-tree-sitter', 'ExtractTreeSitterError', [
  'GrammarUnavailable',
  'Disposed',
  'ParseFailed',
  'WorkerFailed',
  'InvalidOptions',
] as const);
