import { formatIssues, validate } from '@anatomy/contracts';
import { z } from 'zod';
import type { ColumnBatch } from './column-batch.js';
import { DatasetSchemaSchema, SchemaAuthorityError } from './dataset-schema.js';

/** A version requirement such as `>=3.8`, or a space-separated conjunction (`>=3.8 <3.14`). */
const VersionRangeSchema = z
  .string()
  .regex(/^(?:>=|>|<=|<|=|\^|~)?\d+(?:\.\d+){0,2}(?: (?:>=|>|<=|<|=)\d+(?:\.\d+){0,2})*$/, "a version range like '>=3.8' or '>=3.8 <3.14'");

/**
 * What an extractor declares about itself, once: its name, the version of the
 * evidence it produces (change it whenever the same input would give other
 * rows — incremental builds re-extract on a change), the external tools it
 * needs with their versions, and every dataset it can emit.
 */
export const ExtractorDescriptorSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'an extractor name is lower-case letters, digits and dashes'),
    version: z.string().min(1),
    needs: z.record(z.string().regex(/^[a-z][a-z0-9._-]*$/, 'a tool is named as its executable'), VersionRangeSchema),
    datasets: z.array(DatasetSchemaSchema).min(1),
  })
  .superRefine((descriptor, ctx) => {
    const seen = new Set<string>();
    descriptor.datasets.forEach((ds, i) => {
      if (seen.has(ds.name)) ctx.addIssue({ code: 'custom', path: ['datasets', i, 'name'], message: `dataset '${ds.name}' is listed twice` });
      seen.add(ds.name);
      if (!ds.name.startsWith('evidence.')) ctx.addIssue({ code: 'custom', path: ['datasets', i, 'name'], message: "extractors emit into the 'evidence' schema" });
    });
  });
export type ExtractorDescriptor = z.infer<typeof ExtractorDescriptorSchema>;

/**
 * Validates and freezes an extractor's self-description. Throws
 * `schema-authority/InvalidSchema` listing every problem.
 *
 * @example
 * export const pythonExtractor = defineExtractor({ name: 'python', version: '1', needs: { python3: '>=3.8' }, datasets });
 */
export function defineExtractor(input: z.input<typeof ExtractorDescriptorSchema>): ExtractorDescriptor {
  const result = validate(ExtractorDescriptorSchema, input);
  if (!result.ok) {
    throw SchemaAuthorityError.create('InvalidSchema', `extractor ${String((input as { name?: unknown }).name)} is invalid:\n${formatIssues(result.issues)}`, {
      details: { issues: result.issues },
      hint: 'fix the extractor declaration; each line above names the field and the problem',
    });
  }
  return Object.freeze({ ...result.value, needs: Object.freeze({ ...result.value.needs }), datasets: Object.freeze([...result.value.datasets]) }) as ExtractorDescriptor;
}

/** Whether an extractor can run on this machine, and why not. */
export const ExtractorCapabilitySchema = z.object({
  extractor: z.string().min(1),
  available: z.boolean(),
  /** Versions of the tools found, e.g. `{ python3: '3.11.7' }`. */
  tools: z.record(z.string(), z.string()),
  /** Why it is unavailable, and what the user can do about it. */
  reason: z.string().optional(),
  hint: z.string().optional(),
});
export type ExtractorCapability = z.infer<typeof ExtractorCapabilitySchema>;

/** One file an extractor is asked to read (a subset of repo-scan's file record). */
export interface ExtractableFile {
  readonly file_id: string;
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly encoding: string;
}

/** What a run asks of an extractor. */
export interface ExtractionRequest {
  /** Absolute repository root; file paths are relative to it. */
  readonly root: string;
  readonly files: readonly ExtractableFile[];
  /**
   * The datasets the compiled program needs. An extractor emits only these
   * (it may skip work that feeds none of them), so unused evidence costs nothing.
   */
  readonly datasets: ReadonlySet<string>;
  /** Parallel workers; the extractor picks a default from the machine when absent. */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  /** Called as files finish: `done` of `total` files. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Called once per file with the wall time its extraction took in a worker
   * (reading, parsing, collecting rows), so a run can name its slowest files.
   */
  readonly onFileTimed?: (fileId: string, durationMs: number) => void;
}

/**
 * An extractor at run time. `extract` streams column batches as files finish,
 * each batch bounded in size, so memory stays flat whatever the repository
 * size; a file it cannot handle becomes diagnostic rows in its own datasets,
 * never a thrown error.
 */
export interface Extractor {
  readonly descriptor: ExtractorDescriptor;
  capability(): Promise<ExtractorCapability>;
  extract(request: ExtractionRequest): AsyncIterable<ColumnBatch>;
}
