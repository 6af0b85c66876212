import { EdgeIdSchema, FileIdSchema, NodeIdSchema } from '@anatomy/contracts';
import { z } from 'zod';
import { KindNameSchema } from './kind-name.js';
import { ByteOffsetSchema, checkSpanColumns } from './span-columns.js';

/**
 * One row of `cpg.edges` as read from DuckDB. The columns are those of
 * `cpgEdgesDataset`; the schema adds the span order and a confidence in
 * [0, 1]. That both ends exist in `cpg.nodes` is a table-level rule no row
 * schema can check.
 *
 * @example
 * const edge = CpgEdgeSchema.parse(row); // row from SELECT * FROM cpg.edges
 */
export const CpgEdgeSchema = z
  .object({
    edge_id: EdgeIdSchema,
    edge_kind: KindNameSchema,
    src_node_id: NodeIdSchema,
    dst_node_id: NodeIdSchema,
    file_id: FileIdSchema.nullable(),
    path: z.string().min(1).nullable(),
    bstart: ByteOffsetSchema.nullable(),
    bend: ByteOffsetSchema.nullable(),
    origin: z.string().min(1),
    rule: z.string().min(1),
    confidence: z.number().min(0).max(1),
  })
  .superRefine(checkSpanColumns);
export type CpgEdge = z.infer<typeof CpgEdgeSchema>;
