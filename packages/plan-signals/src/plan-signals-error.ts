import { errorFamily } from '@anatomy/contracts';

/**
 * Errors raised while asking DuckDB about a view: its SQL does not parse, its
 * plan cannot be built or run, its profile cannot be read, or the view
 * description (or the bundle and lineage given together) is malformed.
 */
export const PlanSignalsError = errorFamily('plan-signals', 'PlanSignalsError', [
  'InvalidView',
  'ParseFailed',
  'ExplainFailed',
  'CatalogFailed',
  'ProfileFailed',
  'MismatchedInputs',
] as const);
