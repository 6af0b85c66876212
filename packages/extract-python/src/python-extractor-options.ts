import { formatIssues, validate } from '@anatomy/contracts';
import { z } from 'zod';
import { ExtractPythonError } from './extract-python-error.js';

/**
 * How the python extractor runs. Every field has a default; the request's
 * `concurrency` (when given) overrides the pool size.
 */
export const PythonExtractorOptionsSchema = z
  .object({
    /** The interpreter to run: a command looked up on PATH, or a path to one. */
    python: z.string().min(1).default('python3'),
    /** A worker busy with one file longer than this is killed and replaced; the file gets a `timeout` row. */
    fileTimeoutMs: z.number().int().positive().default(30_000),
    /**
     * Files larger than this are not parsed (a `too-large` row instead):
     * CPython needs about 250 times a file's size in memory and tens of
     * seconds for a 20 MB generated module.
     */
    maxFileBytes: z.number().int().positive().default(4 * 1024 * 1024),
    /** Rows per emitted ColumnBatch, at most. */
    batchRows: z.number().int().positive().default(8192),
    /** Worker processes when the request does not say; defaults to the machine's parallelism, at most 8. */
    concurrency: z.number().int().positive().optional(),
    /**
     * Test hook: makes the worker exit (`exitOn`) or hang (`hangOn`) on a file
     * whose absolute path ends with the given suffix, so the pool's crash and
     * timeout recovery can be tested on real processes. Leave unset otherwise.
     */
    testHooks: z.object({ exitOn: z.string().min(1).optional(), hangOn: z.string().min(1).optional() }).strict().optional(),
  })
  .strict();
export type PythonExtractorOptions = z.input<typeof PythonExtractorOptionsSchema>;
export type ResolvedPythonExtractorOptions = z.output<typeof PythonExtractorOptionsSchema>;

/**
 * Validates options and fills in defaults, throwing
 * `extract-python/InvalidOptions` with every problem listed.
 *
 * @example
 * resolvePythonExtractorOptions({ fileTimeoutMs: 60_000 }).python; // 'python3'
 */
export function resolvePythonExtractorOptions(input: PythonExtractorOptions = {}): ResolvedPythonExtractorOptions {
  const result = validate(PythonExtractorOptionsSchema, input);
  if (!result.ok) {
    throw ExtractPythonError.create('InvalidOptions', `invalid python extractor options:\n${formatIssues(result.issues)}`, {
      details: { issues: result.issues },
      hint: 'fix the options named above',
    });
  }
  return Object.freeze(result.value);
}
