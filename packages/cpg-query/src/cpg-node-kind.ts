import { z } from 'zod';

/**
 * The node kinds of CPG contract v1. `cpg.nodes.node_kind` may hold kinds
 * added by later minor versions, so row schemas accept any kind string; this
 * enum is for callers that want to name a v1 kind.
 *
 * @example
 * CpgNodeKindSchema.parse('DEF');
 */
export const CpgNodeKindSchema = z.enum([
  'FILE',
  'MODULE',
  'DEF',
  'PARAM',
  'CALL',
  'IMPORT',
  'REF',
  'SCOPE',
  'BINDING',
  'SYMBOL',
  'DIAGNOSTIC',
  'DECORATOR',
  'DOCSTRING',
  'CALL_ARG',
  'CODE_OBJECT',
  'BASIC_BLOCK',
]);
export type CpgNodeKind = z.infer<typeof CpgNodeKindSchema>;
