import { FingerprintSchema, RunIdSchema } from '@anatomy/contracts';
import { z } from 'zod';
import { ArtifactNameSchema } from './artifact-name.js';

/** The file an artifact is stored in inside a run bundle. */
export function artifactFileName(name: string): string {
  return `${name}.msgpack`;
}

/** One artifact listed in a run bundle's `index.json`. */
export const RunBundleEntrySchema = z
  .object({
    name: ArtifactNameSchema,
    version: z.number().int().positive(),
    file: z.string(),
    /** SHA-256 of the file's bytes, checked on every read. */
    sha256: FingerprintSchema,
  })
  .refine((entry) => entry.file === artifactFileName(entry.name), {
    // Fixing the file name also keeps a crafted index from pointing outside the bundle.
    message: "an artifact's file is '<name>.msgpack'",
    path: ['file'],
  });
export type RunBundleEntry = z.infer<typeof RunBundleEntrySchema>;

/**
 * The `index.json` of a run bundle: which run wrote it, when, and every
 * artifact it holds, sorted by name.
 *
 * @example
 * const index = RunBundleIndexSchema.parse(JSON.parse(text));
 */
export const RunBundleIndexSchema = z
  .object({
    bundleVersion: z.literal(1),
    runId: RunIdSchema,
    created: z.iso.datetime(),
    artifacts: z.array(RunBundleEntrySchema),
  })
  .superRefine((index, ctx) => {
    const seen = new Set<string>();
    index.artifacts.forEach((entry, i) => {
      if (seen.has(entry.name)) ctx.addIssue({ code: 'custom', path: ['artifacts', i, 'name'], message: `artifact '${entry.name}' is listed twice` });
      seen.add(entry.name);
    });
  });
export type RunBundleIndex = z.infer<typeof RunBundleIndexSchema>;
