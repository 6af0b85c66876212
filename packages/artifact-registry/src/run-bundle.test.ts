import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ArtifactRegistryError } from './artifact-registry-error.js';
import { defineArtifact } from './define-artifact.js';
import { RunBundleIndexSchema } from './run-bundle-index.js';
import { artifactEntry, readRunBundle, writeRunBundle } from './run-bundle.js';

const viewRows = defineArtifact({ name: 'view-rows', version: 1, payload: z.record(z.string(), z.bigint()), description: 'rows per view' });
const runNotes = defineArtifact({ name: 'run-notes', version: 2, payload: z.object({ notes: z.array(z.string()) }), description: 'free-form notes' });
const absent = defineArtifact({ name: 'never-written', version: 1, payload: z.null(), description: 'not in any bundle' });

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'anatomy-run-bundle-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('writeRunBundle / readRunBundle', () => {
  it('writes one msgpack file per artifact plus index.json, and reads them back', async () => {
    const dir = join(root, 'runs', 'run-0001');
    const index = await writeRunBundle(dir, 'run-0001', [
      artifactEntry(viewRows, { 'cpg.nodes': 10n, 'cpg.edges': 2n ** 40n }),
      artifactEntry(runNotes, { notes: ['first'] }),
    ]);
    expect((await readdir(dir)).sort()).toEqual(['index.json', 'run-notes.msgpack', 'view-rows.msgpack']);
    expect(index.runId).toBe('run-0001');
    expect(index.artifacts.map((a) => [a.name, a.version, a.file])).toEqual([
      ['run-notes', 2, 'run-notes.msgpack'],
      ['view-rows', 1, 'view-rows.msgpack'],
    ]);
    expect(Object.isFrozen(index)).toBe(true);

    const onDisk = RunBundleIndexSchema.parse(JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')));
    for (const entry of onDisk.artifacts) {
      const digest = createHash('sha256').update(await readFile(join(dir, entry.file))).digest('hex');
      expect(digest).toBe(entry.sha256);
    }

    const bundle = await readRunBundle(dir);
    expect(bundle.index).toEqual(index);
    expect(bundle.read(viewRows)).toEqual({ 'cpg.nodes': 10n, 'cpg.edges': 2n ** 40n });
    expect(bundle.read(runNotes)).toEqual({ notes: ['first'] });
    expect(bundle.has(runNotes)).toBe(true);
    expect(bundle.has(absent)).toBe(false);
    const missing = await errorOf(async () => bundle.read(absent));
    expect(ArtifactRegistryError.is(missing, 'MissingArtifact')).toBe(true);
  });

  it('writes equal artifacts to identical files in two bundles', async () => {
    const entries = [artifactEntry(runNotes, { notes: ['a', 'b'] })];
    await writeRunBundle(join(root, 'one'), 'run-0001', entries);
    await writeRunBundle(join(root, 'two'), 'run-0002', entries);
    const a = await readFile(join(root, 'one', 'run-notes.msgpack'));
    const b = await readFile(join(root, 'two', 'run-notes.msgpack'));
    expect(a.equals(b)).toBe(true);
  });

  it('never overwrites a bundle and leaves no staging directory behind', async () => {
    const dir = join(root, 'run-0001');
    await writeRunBundle(dir, 'run-0001', [artifactEntry(runNotes, { notes: ['first'] })]);
    const error = await errorOf(() => writeRunBundle(dir, 'run-0001', [artifactEntry(runNotes, { notes: ['second'] })]));
    expect(ArtifactRegistryError.is(error, 'BundleExists')).toBe(true);
    expect((await readRunBundle(dir)).read(runNotes)).toEqual({ notes: ['first'] });
    expect(await readdir(root)).toEqual(['run-0001']);
  });

  it('touches nothing on disk when a payload is invalid, the run id is bad or an artifact is repeated', async () => {
    const dir = join(root, 'run-0001');
    const bad = await errorOf(() => writeRunBundle(dir, 'run-0001', [artifactEntry(runNotes, { notes: 'oops' } as never)]));
    expect(ArtifactRegistryError.is(bad, 'InvalidPayload')).toBe(true);
    const badId = await errorOf(() => writeRunBundle(dir, 'run 1', []));
    expect(ArtifactRegistryError.is(badId, 'InvalidRunId')).toBe(true);
    const twice = await errorOf(() =>
      writeRunBundle(dir, 'run-0001', [artifactEntry(runNotes, { notes: [] }), artifactEntry(runNotes, { notes: ['x'] })]),
    );
    expect(ArtifactRegistryError.is(twice, 'DuplicateArtifact')).toBe(true);
    expect(await readdir(root)).toEqual([]);
  });

  it('detects a file changed after writing', async () => {
    const dir = join(root, 'run-0001');
    await writeRunBundle(dir, 'run-0001', [artifactEntry(runNotes, { notes: ['first'] })]);
    const file = join(dir, 'run-notes.msgpack');
    const bytes = await readFile(file);
    const last = bytes.length - 1;
    bytes[last] = bytes[last]! ^ 1;
    await writeFile(file, bytes);
    expect(ArtifactRegistryError.is(await errorOf(() => readRunBundle(dir)), 'CorruptArtifact')).toBe(true);
  });

  it('rejects a directory without an index, a broken index, and an index pointing outside the bundle', async () => {
    const dir = join(root, 'not-a-bundle');
    await mkdir(dir);
    expect(ArtifactRegistryError.is(await errorOf(() => readRunBundle(dir)), 'InvalidBundle')).toBe(true);
    await writeFile(join(dir, 'index.json'), '{ not json');
    expect(ArtifactRegistryError.is(await errorOf(() => readRunBundle(dir)), 'InvalidBundle')).toBe(true);
    const sneaky = {
      bundleVersion: 1,
      runId: 'run-0001',
      created: new Date(0).toISOString(),
      artifacts: [{ name: 'run-notes', version: 2, file: '../../secret.msgpack', sha256: '0'.repeat(64) }],
    };
    await writeFile(join(dir, 'index.json'), JSON.stringify(sneaky));
    const error = await errorOf(() => readRunBundle(dir));
    expect(ArtifactRegistryError.is(error, 'InvalidBundle')).toBe(true);
    expect((error as Error).message).toMatch(/artifacts\.0\.file: /);
  });
});

describe('RunBundleIndexSchema', () => {
  const entry = { name: 'run-notes', version: 1, file: 'run-notes.msgpack', sha256: 'a'.repeat(64) };
  const index = { bundleVersion: 1, runId: 'run-0001', created: '2024-01-02T03:04:05.000Z', artifacts: [entry] };

  it('accepts a well-formed index', () => {
    expect(RunBundleIndexSchema.safeParse(index).success).toBe(true);
  });

  it.each([
    ['a repeated artifact', { artifacts: [entry, entry] }, 'artifacts.1.name'],
    ['a bad run id', { runId: 'x' }, 'runId'],
    ['a date that is not ISO-8601', { created: 'yesterday' }, 'created'],
    ['an unknown bundle version', { bundleVersion: 2 }, 'bundleVersion'],
    ['a short digest', { artifacts: [{ ...entry, sha256: 'abc' }] }, 'artifacts.0.sha256'],
  ])('rejects %s', (_label, change, path) => {
    const result = RunBundleIndexSchema.safeParse({ ...index, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
