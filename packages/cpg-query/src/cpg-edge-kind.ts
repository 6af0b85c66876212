import { z } from 'zod';

/**
 * The edge kinds of CPG contract v1. Like node kinds, the set may grow in a
 * minor version, so edge rows accept any kind string.
 *
 * @example
 * CpgEdgeKindSchema.parse('CALLS');
 */
export const CpgEdgeKindSchema = z.enum([
  'CONTAINS',
  'PARENT_SCOPE',
  'DECLARES',
  'BINDS_DEF',
  'RESOLVES_TO',
  'CALLS',
  'IMPORTS',
  'INHERITS_FROM',
  'REFERS_TO_SYMBOL',
  'HAS_DIAGNOSTIC',
  'CFG_NEXT',
]);
export type CpgEdgeKind = z.infer<typeof CpgEdgeKindSchema>;
