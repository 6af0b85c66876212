import { fingerprint, formatIssues, validate } from '@anatomy/contracts';
import type { Fingerprint } from '@anatomy/contracts';
import { z } from 'zod';
import { ArtifactNameSchema } from './artifact-name.js';
import type { ArtifactName } from './artifact-name.js';
import { ArtifactRegistryError } from './artifact-registry-error.js';

/**
 * A typed artifact: the only way Anatomy names, writes and reads a persisted
 * value. The payload schema validates both directions of the codec and its
 * fingerprint detects a schema that changed without a version bump.
 */
export interface ArtifactSpec<S extends z.ZodType = z.ZodType> {
  readonly name: ArtifactName;
  /** Format version of the payload; bump it whenever the payload schema changes. */
  readonly version: number;
  readonly description: string;
  readonly payload: S;
  /** Fingerprint of the payload's JSON Schema (documentation keywords excluded). */
  readonly schemaFingerprint: Fingerprint;
}

/** What {@link defineArtifact} needs. */
export interface ArtifactDefinition<S extends z.ZodType> {
  readonly name: string;
  readonly version: number;
  readonly payload: S;
  readonly description: string;
}

const ArtifactDefinitionSchema = z.object({
  name: ArtifactNameSchema,
  version: z.number().int().positive(),
  description: z.string().min(1),
  payload: z.custom<z.ZodType>((value) => value instanceof z.ZodType, 'the payload must be a zod schema'),
});

/**
 * Keywords that document a schema without constraining it. Leaving them out of
 * the fingerprint means rewording a `.describe()` does not orphan every
 * artifact written before.
 */
const DOCUMENTATION_KEYWORDS = ['title', 'description', 'examples', '$comment'] as const;

/**
 * JSON Schema has no word for bigint, Date or `z.instanceof`; rather than
 * failing, such members are written as `{ "x-zod-type": <zod type> }` so that
 * replacing one by another still changes the fingerprint.
 */
function payloadJsonSchema(payload: z.ZodType): unknown {
  return z.toJSONSchema(payload, {
    unrepresentable: 'any',
    override: (ctx) => {
      const json = ctx.jsonSchema as Record<string, unknown>;
      for (const keyword of DOCUMENTATION_KEYWORDS) delete json[keyword];
      const zodType: string = ctx.zodSchema._zod.def.type;
      if (Object.keys(json).length === 0 && zodType !== 'any' && zodType !== 'unknown') json['x-zod-type'] = zodType;
    },
  });
}

/**
 * Declares an artifact. Throws `artifact-registry/InvalidSpec` when the name is
 * not kebab-case, the version is not a positive integer, the description is
 * empty or the payload is not a zod schema.
 *
 * @example
 * const maintenanceReport = defineArtifact({
 *   name: 'maintenance-report', version: 1,
 *   payload: z.object({ actions: z.array(z.string()) }),
 *   description: 'maintenance actions decided after a run',
 * });
 */
export function defineArtifact<S extends z.ZodType>(definition: ArtifactDefinition<S>): ArtifactSpec<S> {
  const checked = validate(ArtifactDefinitionSchema, definition);
  if (!checked.ok) {
    throw ArtifactRegistryError.create('InvalidSpec', `artifact ${String(definition.name)} is not a valid spec:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: 'fix the defineArtifact call; each line above names the field and the problem',
    });
  }
  return Object.freeze({
    name: checked.value.name,
    version: checked.value.version,
    description: checked.value.description,
    payload: definition.payload,
    schemaFingerprint: fingerprint(payloadJsonSchema(definition.payload)),
  });
}
