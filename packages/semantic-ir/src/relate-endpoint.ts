import { z } from 'zod';
import { DatasetNameSchema, EntityNamespaceSchema } from './declaration-names.js';

/**
 * One side of a relationship: a dataset whose rows carry an entity identity,
 * or `{ from, entity }` for rows that have none, whose ids are then computed
 * in the `entity` namespace exactly as a projection row with `entity` does
 * (so `{ from: 'evidence.files', entity: 'file' }` names the FILE nodes).
 */
export const RelateEndpointSchema = z.union([
  DatasetNameSchema,
  z.object({ from: DatasetNameSchema, entity: EntityNamespaceSchema }).readonly(),
]);
export type RelateEndpoint = z.infer<typeof RelateEndpointSchema>;

/**
 * The dataset an endpoint reads.
 *
 * @example
 * endpointDataset({ from: 'evidence.files', entity: 'file' }); // 'evidence.files'
 */
export function endpointDataset(endpoint: RelateEndpoint): string {
  return typeof endpoint === 'string' ? endpoint : endpoint.from;
}
