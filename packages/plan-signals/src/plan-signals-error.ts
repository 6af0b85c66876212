import { errorFamily } from '@anatomy/contracts';

/**
 * Errors raised while asking DuckDB about a view: its SQL does not parse, its
 * plan cannot be built, or the view description itself is malformed.
 */
export const PlanSignalsError = errorFamily('plan-signals', 'PlanSignalsError', [
  'InvalidView',
  'ParseFailed',
  'ExplainFailed',
  'CatalogFailed',
] as const);
