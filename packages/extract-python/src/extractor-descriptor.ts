import { DatasetSchemaSchema } from '@anatomy/schema-authority';
import { z } from 'zod';

/** A version requirement such as `>=3.8`, or a space-separated conjunction (`>=3.8 <3.14`). */
const VersionRangeSchema = z
  .string()
  .regex(/^(?:>=|>|<=|<|=|\^|~)?\d+(?:\.\d+){0,2}(?: (?:>=|>|<=|<|=)\d+(?:\.\d+){0,2})*$/, "a version range like '>=3.8' or '>=3.8 <3.14'");

/**
 * What an extractor declares about itself: its name, the version of the
 * evidence it produces (bump it when the same input would give other rows),
 * the external tools it needs on PATH with their versions, and the datasets
 * it emits. The capability snapshot checks `needs`; the schema registry takes
 * `datasets`.
 *
 * Its natural home is @anatomy/schema-authority, next to the datasets it
 * lists: extract-python and extract-scip may not import each other, so each
 * holds this same declaration until it moves there.
 *
 * @example
 * ExtractorDescriptorSchema.parse({ name: 'python', version: 1, needs: { python3: '>=3.8' }, datasets });
 */
export const ExtractorDescriptorSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'an extractor name is lower-case letters, digits and dashes'),
    version: z.number().int().positive(),
    needs: z.record(z.string().regex(/^[a-z][a-z0-9._-]*$/, 'a tool is named as its executable'), VersionRangeSchema).readonly(),
    datasets: z.array(DatasetSchemaSchema).min(1).readonly(),
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
