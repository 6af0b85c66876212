import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ArtifactRegistryError } from './artifact-registry-error.js';
import { defineArtifact } from './define-artifact.js';

const payload = z.object({ views: z.array(z.string()), rows: z.bigint() });

describe('defineArtifact', () => {
  it('returns a frozen spec with a fingerprint of the payload schema', () => {
    const spec = defineArtifact({ name: 'view-rows', version: 1, payload, description: 'rows per view' });
    expect(Object.isFrozen(spec)).toBe(true);
    expect(spec.name).toBe('view-rows');
    expect(spec.payload).toBe(payload);
    expect(spec.schemaFingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives equal schemas equal fingerprints, whatever the spec name or object identity', () => {
    const a = defineArtifact({ name: 'a', version: 1, payload, description: 'd' });
    const b = defineArtifact({ name: 'b', version: 3, payload: z.object({ views: z.array(z.string()), rows: z.bigint() }), description: 'other' });
    expect(a.schemaFingerprint).toBe(b.schemaFingerprint);
  });

  it('ignores documentation but not constraints', () => {
    const base = defineArtifact({ name: 'a', version: 1, payload: z.object({ n: z.number() }), description: 'd' }).schemaFingerprint;
    const described = defineArtifact({ name: 'a', version: 1, payload: z.object({ n: z.number().describe('a count') }).describe('x'), description: 'd' });
    const constrained = defineArtifact({ name: 'a', version: 1, payload: z.object({ n: z.number().int() }), description: 'd' });
    expect(described.schemaFingerprint).toBe(base);
    expect(constrained.schemaFingerprint).not.toBe(base);
  });

  it('tells apart members JSON Schema cannot express', () => {
    const fp = (member: z.ZodType): string => defineArtifact({ name: 'a', version: 1, payload: z.object({ v: member }), description: 'd' }).schemaFingerprint;
    const prints = [fp(z.bigint()), fp(z.date()), fp(z.instanceof(Uint8Array)), fp(z.unknown()), fp(z.string())];
    expect(new Set(prints).size).toBe(prints.length);
  });

  it.each([
    ['a name with capitals', { name: 'ViewRows', version: 1 }, 'name'],
    ['a snake_case name', { name: 'view_rows', version: 1 }, 'name'],
    ['a name with a trailing dash', { name: 'view-', version: 1 }, 'name'],
    ['a path as name', { name: '../x', version: 1 }, 'name'],
    ['version 0', { name: 'view-rows', version: 0 }, 'version'],
    ['a fractional version', { name: 'view-rows', version: 1.5 }, 'version'],
  ])('rejects %s', (_label, partial, field) => {
    let error: unknown;
    try {
      defineArtifact({ ...partial, payload, description: 'd' });
    } catch (e) {
      error = e;
    }
    expect(ArtifactRegistryError.is(error, 'InvalidSpec')).toBe(true);
    expect((error as Error).message).toContain(`${field}:`);
  });

  it('rejects an empty description and a payload that is not a zod schema', () => {
    expect(() => defineArtifact({ name: 'x', version: 1, payload, description: '' })).toThrow(/description/);
    expect(() => defineArtifact({ name: 'x', version: 1, payload: { parse: () => 1 } as unknown as z.ZodType, description: 'd' })).toThrow(
      /payload: the payload must be a zod schema/,
    );
  });
});
