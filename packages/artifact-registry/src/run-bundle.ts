import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { formatIssues, RunIdSchema, validate } from '@anatomy/contracts';
import type { Fingerprint } from '@anatomy/contracts';
import type { z } from 'zod';
import { decodeArtifact, encodeArtifact } from './artifact-codec.js';
import { ArtifactRegistryError } from './artifact-registry-error.js';
import type { ArtifactSpec } from './define-artifact.js';
import { artifactFileName, RunBundleIndexSchema } from './run-bundle-index.js';
import type { RunBundleEntry, RunBundleIndex } from './run-bundle-index.js';

/** The name of a run bundle's index file. */
const INDEX_FILE = 'index.json';

/** A payload paired with the spec that names, validates and encodes it. */
export interface ArtifactEntry<S extends z.ZodType = z.ZodType> {
  readonly spec: ArtifactSpec<S>;
  readonly payload: z.input<S>;
}

/**
 * Pairs a spec with its payload, checking at compile time that the payload
 * fits the spec — an array of entries is otherwise typed loosely.
 *
 * @example
 * await writeRunBundle(dir, runId, [artifactEntry(executionPackageArtifact, pkg)]);
 */
export function artifactEntry<S extends z.ZodType>(spec: ArtifactSpec<S>, payload: z.input<S>): ArtifactEntry {
  return Object.freeze({ spec, payload });
}

/** A run bundle read back from disk, every file already checked against its SHA-256. */
export interface RunBundle {
  readonly dir: string;
  readonly index: RunBundleIndex;
  /** True when the bundle holds an artifact with this spec's name. */
  has(spec: ArtifactSpec): boolean;
  /** Decodes the spec's artifact; throws `artifact-registry/MissingArtifact` when absent. */
  read<S extends z.ZodType>(spec: ArtifactSpec<S>): z.output<S>;
}

function sha256(bytes: Uint8Array): Fingerprint {
  return createHash('sha256').update(bytes).digest('hex') as Fingerprint;
}

function isErrnoException(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? '');
}

/**
 * Writes a run bundle: one `<name>.msgpack` per artifact plus `index.json`.
 * Every payload is validated and encoded before the disk is touched, the files
 * are written and flushed into a temporary sibling directory, and that
 * directory is renamed to `dir` — so `dir` appears complete or not at all.
 * Bundles are immutable: an existing non-empty `dir` is
 * `artifact-registry/BundleExists`.
 *
 * @example
 * const index = await writeRunBundle('.anatomy/runs/run-0001', 'run-0001', [
 *   artifactEntry(executionPackageArtifact, pkg),
 * ]);
 */
export async function writeRunBundle(dir: string, runId: string, entries: readonly ArtifactEntry[]): Promise<RunBundleIndex> {
  const checkedRunId = validate(RunIdSchema, runId);
  if (!checkedRunId.ok) {
    throw ArtifactRegistryError.create('InvalidRunId', `cannot write a run bundle for run id ${JSON.stringify(runId)}: ${formatIssues(checkedRunId.issues)}`, {
      details: { runId },
      hint: 'run ids are 6 to 64 letters, digits, dashes or underscores',
    });
  }
  const byName = new Map<string, ArtifactEntry>();
  for (const entry of entries) {
    if (byName.has(entry.spec.name)) {
      throw ArtifactRegistryError.create('DuplicateArtifact', `artifact '${entry.spec.name}' is given twice for run ${runId}`, {
        details: { artifact: entry.spec.name, runId },
        hint: 'a bundle holds one payload per artifact; merge the payloads or define a second artifact',
      });
    }
    byName.set(entry.spec.name, entry);
  }
  const files = [...byName.values()]
    .sort((a, b) => (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0))
    .map((entry) => ({ spec: entry.spec, bytes: encodeArtifact(entry.spec, entry.payload) }));
  const index: RunBundleIndex = RunBundleIndexSchema.parse({
    bundleVersion: 1,
    runId: checkedRunId.value,
    created: new Date().toISOString(),
    artifacts: files.map(({ spec, bytes }): RunBundleEntry => ({
      name: spec.name,
      version: spec.version,
      file: artifactFileName(spec.name),
      sha256: sha256(bytes),
    })),
  });

  await mkdir(dirname(dir), { recursive: true });
  const staging = await mkdtemp(join(dirname(dir), `.${basename(dir)}.partial-`));
  try {
    for (const [i, { bytes }] of files.entries()) {
      await writeFile(join(staging, index.artifacts[i]!.file), bytes, { flush: true });
    }
    await writeFile(join(staging, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`, { encoding: 'utf8', flush: true });
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (isErrnoException(error, 'ENOTEMPTY', 'EEXIST')) {
      throw ArtifactRegistryError.create('BundleExists', `a run bundle already exists at ${dir}`, {
        details: { dir, runId },
        cause: error,
        hint: 'bundles are never overwritten: write the run under a new run id, or delete the old bundle first',
      });
    }
    throw error;
  }
  return deepFreezeIndex(index);
}

function deepFreezeIndex(index: RunBundleIndex): RunBundleIndex {
  return Object.freeze({ ...index, artifacts: Object.freeze(index.artifacts.map((a) => Object.freeze({ ...a }))) }) as RunBundleIndex;
}

function invalidBundle(dir: string, problem: string, cause?: unknown): Error {
  return ArtifactRegistryError.create('InvalidBundle', `${dir} is not a readable run bundle: ${problem}`, {
    details: { dir },
    cause,
    hint: `point at a directory written by writeRunBundle (it holds ${INDEX_FILE}); a bundle cut short is never renamed into place`,
  });
}

/**
 * Reads a run bundle written by {@link writeRunBundle}: validates `index.json`,
 * reads every listed file and checks its SHA-256
 * (`artifact-registry/CorruptArtifact` on mismatch). Payloads are decoded on
 * demand through their specs.
 *
 * @example
 * const bundle = await readRunBundle('.anatomy/runs/run-0001');
 * const pkg = bundle.read(executionPackageArtifact);
 */
export async function readRunBundle(dir: string): Promise<RunBundle> {
  let text: string;
  try {
    text = await readFile(join(dir, INDEX_FILE), 'utf8');
  } catch (cause) {
    throw invalidBundle(dir, `cannot read ${INDEX_FILE} (${(cause as Error).message})`, cause);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw invalidBundle(dir, `${INDEX_FILE} is not JSON (${(cause as Error).message})`, cause);
  }
  const checked = validate(RunBundleIndexSchema, raw);
  if (!checked.ok) throw invalidBundle(dir, `${INDEX_FILE} is invalid:\n${formatIssues(checked.issues)}`);
  const index = deepFreezeIndex(checked.value);

  const bytesByName = new Map<string, Uint8Array>();
  for (const entry of index.artifacts) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(dir, entry.file)));
    } catch (cause) {
      throw invalidBundle(dir, `cannot read ${entry.file} (${(cause as Error).message})`, cause);
    }
    const actual = sha256(bytes);
    if (actual !== entry.sha256) {
      throw ArtifactRegistryError.create('CorruptArtifact', `${join(dir, entry.file)} does not match the SHA-256 recorded in ${INDEX_FILE}`, {
        details: { dir, artifact: entry.name, expected: entry.sha256, actual },
        hint: 'the file changed after the bundle was written; restore it or re-run the build',
      });
    }
    bytesByName.set(entry.name, bytes);
  }

  return Object.freeze({
    dir,
    index,
    has(spec: ArtifactSpec): boolean {
      return bytesByName.has(spec.name);
    },
    read<S extends z.ZodType>(spec: ArtifactSpec<S>): z.output<S> {
      const bytes = bytesByName.get(spec.name);
      if (bytes === undefined) {
        throw ArtifactRegistryError.create('MissingArtifact', `run bundle ${dir} holds no artifact '${spec.name}'`, {
          details: { dir, artifact: spec.name, available: index.artifacts.map((a) => a.name) },
          hint: 'check which step writes this artifact and whether it ran; the available artifacts are in the details',
        });
      }
      return decodeArtifact(spec, bytes);
    },
  });
}
