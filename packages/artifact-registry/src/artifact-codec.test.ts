import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeArtifact, encodeArtifact } from './artifact-codec.js';
import { ArtifactRegistryError } from './artifact-registry-error.js';
import { defineArtifact } from './define-artifact.js';

const ViewStats = z.object({
  views: z.array(z.object({ name: z.string(), rows: z.bigint(), cost: z.number() })),
  blob: z.instanceof(Uint8Array).optional(),
  note: z.string().optional(),
});
const viewStats = defineArtifact({ name: 'view-stats', version: 2, payload: ViewStats, description: 'rows and cost per view' });
const sample = { views: [{ name: 'cpg.nodes', rows: 12n, cost: 1.5 }] };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    return ArtifactRegistryError.is(e) ? e.code : `not an artifact error: ${String(e)}`;
  }
  return undefined;
}

describe('encodeArtifact / decodeArtifact', () => {
  it('round-trips a payload', () => {
    const payload = { ...sample, blob: new Uint8Array([0, 1, 255]), note: 'naïve 🐍' };
    const decoded = decodeArtifact(viewStats, encodeArtifact(viewStats, payload));
    expect(decoded.views).toEqual(payload.views);
    expect([...decoded.blob!]).toEqual([0, 1, 255]);
    expect(decoded.note).toBe('naïve 🐍');
  });

  it('round-trips bigints as bigints, including beyond 64 bits, and keeps numbers numbers', () => {
    const spec = defineArtifact({ name: 'numbers', version: 1, payload: z.object({ b: z.array(z.bigint()), n: z.array(z.number()) }), description: 'd' });
    const payload = { b: [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n, -(2n ** 100n)], n: [0, 2 ** 40, Number.MAX_SAFE_INTEGER, -7, 0.25] };
    const decoded = decodeArtifact(spec, encodeArtifact(spec, payload));
    expect(decoded).toEqual(payload);
    expect(decoded.b.every((v) => typeof v === 'bigint')).toBe(true);
    expect(decoded.n.every((v) => typeof v === 'number')).toBe(true);
  });

  it('round-trips bigints (property)', () => {
    const spec = defineArtifact({ name: 'big', version: 1, payload: z.array(z.bigint()), description: 'd' });
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n })), (values) => {
        expect(decodeArtifact(spec, encodeArtifact(spec, values))).toEqual(values);
      }),
    );
  });

  it('gives identical bytes for equal payloads whatever the key order (property)', () => {
    const spec = defineArtifact({ name: 'json', version: 1, payload: z.json(), description: 'any JSON' });
    const reverseKeys = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(reverseKeys);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]));
      return v;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = encodeArtifact(spec, value as z.input<typeof spec.payload>);
        const again = encodeArtifact(spec, value as z.input<typeof spec.payload>);
        const reordered = encodeArtifact(spec, reverseKeys(value) as z.input<typeof spec.payload>);
        expect(Buffer.from(again).equals(once)).toBe(true);
        expect(Buffer.from(reordered).equals(once)).toBe(true);
      }),
    );
  });

  it('returns bytes that later encodings do not overwrite', () => {
    const first = encodeArtifact(viewStats, sample);
    const copy = Uint8Array.from(first);
    encodeArtifact(viewStats, { views: [{ name: 'x'.repeat(500), rows: 1n, cost: 0 }] });
    expect(first).toEqual(copy);
    expect(first.constructor).toBe(Uint8Array);
  });

  it('validates the payload before encoding, naming each bad field', () => {
    let error: unknown;
    try {
      encodeArtifact(viewStats, { views: [{ name: 3, rows: 1, cost: 'x' }] } as unknown as z.input<typeof ViewStats>);
    } catch (e) {
      error = e;
    }
    expect(ArtifactRegistryError.is(error, 'InvalidPayload')).toBe(true);
    expect((error as Error).message).toMatch(/views\.0\.name: /);
    expect((error as Error).message).toMatch(/views\.0\.rows: /);
    expect((error as Error).message).toMatch(/views\.0\.cost: /);
  });

  it('refuses values msgpack cannot round-trip', () => {
    const spec = defineArtifact({ name: 'loose', version: 1, payload: z.object({ m: z.any() }), description: 'd' });
    expect(codeOf(() => encodeArtifact(spec, { m: new Map([[1, 2]]) }))).toBe('artifact-registry/InvalidPayload');
  });

  it("rejects another artifact's bytes", () => {
    const other = defineArtifact({ name: 'other-stats', version: 2, payload: ViewStats, description: 'd' });
    expect(codeOf(() => decodeArtifact(other, encodeArtifact(viewStats, sample)))).toBe('artifact-registry/WrongArtifact');
  });

  it('rejects a newer and an older version', () => {
    const older = defineArtifact({ name: 'view-stats', version: 1, payload: ViewStats, description: 'd' });
    const newer = defineArtifact({ name: 'view-stats', version: 3, payload: ViewStats, description: 'd' });
    const bytes = encodeArtifact(viewStats, sample);
    expect(codeOf(() => decodeArtifact(older, bytes))).toBe('artifact-registry/NewerVersion');
    expect(codeOf(() => decodeArtifact(newer, bytes))).toBe('artifact-registry/UnknownVersion');
  });

  it('rejects bytes written with another payload schema under the same version', () => {
    const changed = defineArtifact({ name: 'view-stats', version: 2, payload: ViewStats.extend({ extra: z.number() }), description: 'd' });
    let error: unknown;
    try {
      decodeArtifact(changed, encodeArtifact(viewStats, sample));
    } catch (e) {
      error = e;
    }
    expect(ArtifactRegistryError.is(error, 'SchemaMismatch')).toBe(true);
    expect((error as { hint?: string }).hint).toMatch(/bump its version/);
  });

  it('rejects bytes that are not msgpack, or msgpack that is not an envelope', () => {
    const packr = new Packr({ useRecords: false });
    expect(codeOf(() => decodeArtifact(viewStats, new Uint8Array()))).toBe('artifact-registry/Undecodable');
    expect(codeOf(() => decodeArtifact(viewStats, encodeArtifact(viewStats, sample).subarray(0, 20)))).toBe('artifact-registry/Undecodable');
    expect(codeOf(() => decodeArtifact(viewStats, packr.pack({ hello: 'world' })))).toBe('artifact-registry/InvalidEnvelope');
  });

  it('validates the payload after decoding', () => {
    const packr = new Packr({ useRecords: false });
    const forged = packr.pack({ name: viewStats.name, version: viewStats.version, schemaFingerprint: viewStats.schemaFingerprint, payload: { views: 'none' } });
    expect(codeOf(() => decodeArtifact(viewStats, forged))).toBe('artifact-registry/InvalidPayload');
  });
});
