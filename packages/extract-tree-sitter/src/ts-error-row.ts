import { FileIdSchema } from '@anatomy/contracts';
import { z } from 'zod';

/**
 * A syntax problem tree-sitter recovered from: an ERROR node (text it could
 * not fit into the grammar), a MISSING node (a token it had to assume, with
 * an empty span), or bytes that could not be decoded at all. Positions follow
 * the same conventions as `TsDefRow`.
 *
 * @example
 * TsErrorRowSchema.parse({ file_id, bstart: 6, bend: 6, line: 1, col: 6, message: 'missing ")"' });
 */
export const TsErrorRowSchema = z
  .object({
    file_id: FileIdSchema,
    bstart: z.number().int().nonnegative(),
    bend: z.number().int().nonnegative(),
    line: z.number().int().positive(),
    col: z.number().int().nonnegative(),
    message: z.string().min(1),
  })
  .readonly();
export type TsErrorRow = z.infer<typeof TsErrorRowSchema>;
