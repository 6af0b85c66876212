import { z } from 'zod';

const GlobSchema = z
  .string()
  .min(1, 'a glob must not be empty')
  .refine((g) => !g.startsWith('/'), { message: 'globs are relative to the repository root; drop the leading "/"' });

/** The include globs used when none are given: every Python source file. */
export const DEFAULT_INCLUDE: readonly string[] = Object.freeze(['**/*.py']);

/**
 * What to scan: a root directory and picomatch globs over repository-relative
 * POSIX paths. `include` defaults to {@link DEFAULT_INCLUDE}; a directory that
 * matches an `exclude` glob is skipped with everything below it.
 *
 * @example
 * ScanOptionsSchema.parse({ root: '.', exclude: ['**\/tests'] });
 */
export const ScanOptionsSchema = z
  .object({
    root: z.string().min(1, 'the root directory is required'),
    include: z.array(GlobSchema).min(1, 'give at least one include glob, or leave include out').optional(),
    exclude: z.array(GlobSchema).optional(),
  })
  .strict();
export type ScanOptions = z.input<typeof ScanOptionsSchema>;
