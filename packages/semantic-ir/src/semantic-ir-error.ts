import { errorFamily } from '@anatomy/contracts';

/**
 * The errors of the semantic compiler. Declarations and programs are user
 * input, so `InvalidView`, `InvalidProgram` and `InferenceFailed` carry every
 * problem in `details.issues`; the `Unsupported…` codes mark capabilities the
 * compiler does not have yet.
 *
 * @example
 * if (SemanticIrError.is(error, 'InvalidProgram')) console.error(error.message);
 */
export const SemanticIrError = errorFamily('semantic-ir', 'SemanticIrError', [
  'InvalidView',
  'InvalidProgram',
  'InferenceFailed',
  'UnsupportedViewKind',
  'UnsupportedSpanUnit',
  'InvalidManifest',
] as const);
