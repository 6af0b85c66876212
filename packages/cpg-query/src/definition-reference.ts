import { z } from 'zod';
import { CpgEdgeSchema } from './cpg-edge.js';
import { CpgNodeSchema } from './cpg-node.js';

/**
 * A reference to a definition: the REF node, the RESOLVES_TO edge it leaves
 * by (its rule and confidence say how sure the resolution is) and, for a
 * name bound by an import, the IMPORT it resolves to, whose IMPORTS edge
 * leads to the definition (`through`; null for a direct reference).
 *
 * @example
 * const refs = await cpg.references(defId); // [{ node: { node_kind: 'REF', … }, edge: { edge_kind: 'RESOLVES_TO', … }, through: null }]
 */
export const DefinitionReferenceSchema = z.object({
  node: CpgNodeSchema,
  edge: CpgEdgeSchema,
  through: CpgNodeSchema.nullable(),
});
export type DefinitionReference = z.infer<typeof DefinitionReferenceSchema>;
