import { z } from 'zod';

/**
 * The name of an artifact: kebab-case (`execution-package`,
 * `maintenance-decisions`). Names double as bundle file names, so the pattern
 * also keeps them safe on every file system. The brand means a name can only
 * come from a parsed spec, never from a stray string.
 *
 * @example
 * ArtifactNameSchema.parse('execution-package');
 */
export const ArtifactNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "an artifact name is kebab-case, e.g. 'execution-package'")
  .brand<'ArtifactName'>();
export type ArtifactName = z.infer<typeof ArtifactNameSchema>;
