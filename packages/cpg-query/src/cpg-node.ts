import { FileIdSchema, NodeIdSchema } from '@anatomy/contracts';
import { z } from 'zod';
import { KindNameSchema } from './kind-name.js';
import { ByteOffsetSchema, checkSpanColumns } from './span-columns.js';

/**
 * One row of `cpg.nodes` as read from DuckDB: ids branded, BIGINT spans kept
 * as `bigint`, INTEGER positions as numbers. The columns are those of
 * `cpgNodesDataset`; this schema adds what a column type cannot say (span
 * order, a position only with a span, 1-based lines).
 *
 * @example
 * const node = CpgNodeSchema.parse(row); // row from SELECT * FROM cpg.nodes
 */
export const CpgNodeSchema = z
  .object({
    node_id: NodeIdSchema,
    node_kind: KindNameSchema,
    name: z.string().nullable(),
    file_id: FileIdSchema.nullable(),
    path: z.string().min(1).nullable(),
    bstart: ByteOffsetSchema.nullable(),
    bend: ByteOffsetSchema.nullable(),
    line: z.number().int().min(1).max(2_147_483_647).nullable(),
    col: z.number().int().min(0).max(2_147_483_647).nullable(),
    origin: z.string().min(1),
  })
  .superRefine((node, ctx) => {
    checkSpanColumns(node, ctx);
    if ((node.line === null) !== (node.col === null)) {
      ctx.addIssue({ code: 'custom', path: [node.line === null ? 'line' : 'col'], message: 'line and col are given together or not at all' });
    }
    if (node.line !== null && node.bstart === null) {
      ctx.addIssue({ code: 'custom', path: ['line'], message: 'line and col give the position of bstart, which is missing' });
    }
  });
export type CpgNode = z.infer<typeof CpgNodeSchema>;
