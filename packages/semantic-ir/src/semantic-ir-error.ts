import { errorFamily } from '@anatomy/contracts';

/**
 * The errors of the semantic compiler. Declarations and programs are user
 * input, so `InvalidView`, `InvalidProgram` and `InferenceFailed` carry every
 * problem in `details.issues`; `UnsupportedSpanUnit` marks a line/column
 * dataset read where only byte spans will do.
 *
 * @example
 * if (SemanticIrError.is(error, 'InvalidProgram')) console.error(error.message);
 */
export const SemanticIrError = errorFamily('semantic-ir', 'SemanticIrError', [
  'InvalidView',
  'InvalidProgram',
  'InferenceFailed',
  'UnsupportedSpanUnit',
  'InvalidManifest',
] as const);
