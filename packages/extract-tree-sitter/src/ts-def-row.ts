import { FileIdSchema } from '@anatomy/contracts';
import { z } from 'zod';

/** What kind of definition a row describes, as CPython's `ast` distinguishes them. */
export const DefKindSchema = z.enum(['function', 'async_function', 'class']);
export type DefKind = z.infer<typeof DefKindSchema>;

const Offset = z.number().int().nonnegative();

/**
 * One function, async function or class definition found by tree-sitter.
 * Spans are half-open UTF-8 byte offsets into the file: `[bstart, bend)` runs
 * from the `def`/`async`/`class` keyword (decorators excluded) to the last
 * token of the body, exactly as CPython's `ast` positions the node; `line` is
 * the 1-based line of `bstart` and `col` its 0-based byte column, counted from
 * the start of the line in the file's bytes.
 *
 * @example
 * TsDefRowSchema.parse({ file_id, def_kind: 'function', name: 'run', qualname: 'Job.run',
 *   bstart: 20, bend: 48, name_bstart: 24, name_bend: 27, line: 3, col: 4 });
 */
export const TsDefRowSchema = z
  .object({
    file_id: FileIdSchema,
    def_kind: DefKindSchema,
    /** The identifier, NFKC-normalised as Python normalises identifiers. */
    name: z.string().min(1),
    /** Dotted like `__qualname__`, with `<locals>` after an enclosing function. */
    qualname: z.string().min(1),
    bstart: Offset,
    bend: Offset,
    name_bstart: Offset,
    name_bend: Offset,
    line: z.number().int().positive(),
    col: Offset,
  })
  .readonly();
export type TsDefRow = z.infer<typeof TsDefRowSchema>;
