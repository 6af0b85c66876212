import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { validate } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import { DEFAULT_STORAGE_VERSION, STORAGE_VERSION_PATTERN } from '@anatomy/store/storage-version';
import { z } from 'zod';
import type { BuildOptions } from './build-cpg.js';
import { DEFAULT_FULL_BUILD_MEMORY_LIMIT } from './memory-cap.js';
import { SIZE, sizeInMebibytes } from './memory-size.js';
import { readTomlTable } from './read-toml-table.js';

const nonEmpty = z.string().min(1, 'must not be empty');

const sizeSchema = z.string().regex(SIZE, "must be a size such as '2GB' or '512MiB' (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)");

/**
 * Anatomy's configuration, written once: the JSON Schema of
 * anatomy.config.json, the `[tool.anatomy]` table of pyproject.toml, the
 * ANATOMY_* environment variables and the build flags are all this schema.
 */
export const AnatomyConfigSchema = z
  .object({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors; ignored by Anatomy.'),
    store: nonEmpty
      .optional()
      .describe('The DuckDB file of the CPG. Default: <root>/.anatomy/anatomy.duckdb. A relative path is resolved against the repository root when it comes from a file, against the working directory when it comes from the environment or a flag. Flag --store, variable ANATOMY_STORE.'),
    include: z
      .array(nonEmpty)
      .optional()
      .describe('Only scan files matching these globs (default **/*.py). Flag --include, variable ANATOMY_INCLUDE (comma-separated).'),
    exclude: z
      .array(nonEmpty)
      .optional()
      .describe('Skip files and folders matching these globs, on top of .gitignore. Flag --exclude, variable ANATOMY_EXCLUDE (comma-separated).'),
    allEvidence: z
      .boolean()
      .default(false)
      .describe('Extract every evidence table, not only those the CPG program reads. Flag --all-evidence, variable ANATOMY_ALL_EVIDENCE (true/false/1/0).'),
    scip: z
      .union([
        z.literal('off').describe('Do not use SCIP.'),
        z.literal('run').describe('Run scip-python on the repository (needs python3 and pip).'),
        z
          .object({ index: nonEmpty.describe('An existing SCIP index file, resolved like store.') })
          .strict()
          .describe('Read an existing SCIP index instead of running scip-python.'),
      ])
      .default('off')
      .describe('Whether SCIP symbols take part: "off", "run", or { "index": "<file>" }. Flags --scip and --scip-index, variables ANATOMY_SCIP (off/run) and ANATOMY_SCIP_INDEX.'),
    wait: z
      .number()
      .min(0, 'must be 0 or more seconds')
      .max(86_400, 'must be at most 86400 seconds (one day)')
      .default(0)
      .describe('Seconds to wait for another build holding the store; 0 fails at once. Flag --wait, variable ANATOMY_WAIT.'),
    memoryLimit: sizeSchema
      .optional()
      .describe(`DuckDB's memory cap during a build (a size such as 2GB or 512MiB). Default: ${DEFAULT_FULL_BUILD_MEMORY_LIMIT} for a full build, whose views DuckDB can spill (one that still needs more is written again a leaner way, or else without the cap), and DuckDB's own default for an incremental build. Flag --memory-limit, variable ANATOMY_MEMORY_LIMIT.`),
    storageVersion: z
      .string()
      .regex(STORAGE_VERSION_PATTERN, "must be a DuckDB version such as 'v1.4.0' or 'v1.0.0', or 'latest'")
      .optional()
      .describe(
        `The DuckDB storage format a new store file is written in: a DuckDB version (readers from that version on can open it) or "latest". Default: ${DEFAULT_STORAGE_VERSION}, readable by DuckDB 1.4 and later; v1.0.0 for older DuckDB clients, at some cost in disk and build time. A store file keeps its format until a full build writes it anew. Flag --storage-version, variable ANATOMY_STORAGE_VERSION.`,
      ),
    scipMemory: sizeSchema
      .optional()
      .describe(
        "The JavaScript heap of scip-python's Node process (its --max-old-space-size), a size such as 8GB, when scip runs. Default: Node's own limit, about 4 GB on a 64-bit machine, which scip-python outgrows on large repositories (the whole CPython standard library, say). Flag --scip-memory, variable ANATOMY_SCIP_MEMORY.",
      ),
    maintenance: z
      .enum(['run', 'dry-run', 'off'])
      .default('run')
      .describe('Store maintenance after a build: run it, only report it (dry-run), or skip it. Flag --maintenance, variable ANATOMY_MAINTENANCE.'),
    output: z
      .object({
        format: z
          .enum(['table', 'csv', 'json'])
          .default('table')
          .describe('Default row format of `anatomy query`. Flag --format, variable ANATOMY_FORMAT.'),
        json: z
          .boolean()
          .default(false)
          .describe('Print build, plan and doctor reports as JSON by default. Flag --json, variable ANATOMY_JSON (true/false/1/0).'),
      })
      .strict()
      .default({ format: 'table', json: false })
      .describe('Output defaults of the commands.'),
  })
  .strict()
  .describe('Configuration of Anatomy, the code property graph builder for Python repositories.');

/** A configuration as written in a file or passed as flags: every field optional. */
export type AnatomyConfigInput = z.input<typeof AnatomyConfigSchema>;
/** A complete configuration, defaults filled in and paths made absolute. */
export type AnatomyConfig = z.output<typeof AnatomyConfigSchema>;

/** Names of the files configuration is read from, in the repository root. */
export const CONFIG_FILE_NAME = 'anatomy.config.json';
/** The pyproject.toml file whose `[tool.anatomy]` table may hold the configuration. */
export const PYPROJECT_FILE_NAME = 'pyproject.toml';

type ConfigKey = Exclude<keyof AnatomyConfig, '$schema' | 'output'> | 'output.format' | 'output.json';

/** Where each setting came from: a file's path, an environment variable, a flag, or the default. */
export type ConfigSource = 'default' | 'flags' | `env:${string}` | `file:${string}`;

/** What `loadConfig` reads. */
export interface LoadConfigOptions {
  /** The repository root; the config files are looked up here and file paths resolve against it. */
  readonly root: string;
  /** Environment variables; only ANATOMY_* ones are read. Pass `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Settings from the command line; take precedence over everything else. */
  readonly flags?: AnatomyConfigInput;
  /** Directory that environment and flag paths resolve against; `process.cwd()` by default. */
  readonly cwd?: string;
}

/** The outcome of loading configuration: the merged configuration, or every problem found. */
export type LoadedConfig =
  | { readonly ok: true; readonly config: AnatomyConfig; readonly sources: Readonly<Record<ConfigKey, ConfigSource>>; readonly files: readonly string[] }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/** The ANATOMY_* environment variables and the setting each one gives. */
export const CONFIG_ENV_VARS = Object.freeze({
  ANATOMY_STORE: 'store',
  ANATOMY_INCLUDE: 'include',
  ANATOMY_EXCLUDE: 'exclude',
  ANATOMY_ALL_EVIDENCE: 'allEvidence',
  ANATOMY_SCIP: 'scip',
  ANATOMY_SCIP_INDEX: 'scip.index',
  ANATOMY_SCIP_MEMORY: 'scipMemory',
  ANATOMY_WAIT: 'wait',
  ANATOMY_MAINTENANCE: 'maintenance',
  ANATOMY_MEMORY_LIMIT: 'memoryLimit',
  ANATOMY_STORAGE_VERSION: 'storageVersion',
  ANATOMY_FORMAT: 'output.format',
  ANATOMY_JSON: 'output.json',
} as const);

interface Layer {
  readonly source: ConfigSource;
  /** What a problem's path starts with, e.g. `anatomy.config.json: `. */
  readonly prefix: string;
  /** The whole path of every problem, when the layer is one variable. */
  readonly fixedPath?: string;
  readonly values: Record<string, unknown>;
  readonly base: string;
}

function issuePath(layer: Layer, path: string): string {
  if (layer.fixedPath !== undefined) return layer.fixedPath;
  return path === '(root)' ? layer.prefix.replace(/[:.] ?$/, '') : `${layer.prefix}${path}`;
}

function positionOfJsonError(text: string, message: string): { line: number; column: number } {
  const at = /at position (\d+)/.exec(message);
  const offset = at?.[1] === undefined ? text.length : Number(at[1]);
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length, column: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

function readFileLayers(root: string, issues: ValidationIssue[]): Layer[] {
  const layers: Layer[] = [];
  const jsonPath = join(root, CONFIG_FILE_NAME);
  if (existsSync(jsonPath)) {
    const text = readFileSync(jsonPath, 'utf8');
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        issues.push({ path: CONFIG_FILE_NAME, message: 'must hold a JSON object' });
      } else {
        layers.push({ source: `file:${jsonPath}`, prefix: `${CONFIG_FILE_NAME}: `, values: parsed as Record<string, unknown>, base: root });
      }
    } catch (error) {
      const { line, column } = positionOfJsonError(text, (error as Error).message);
      issues.push({ path: `${CONFIG_FILE_NAME}: line ${line}, column ${column}`, message: `invalid JSON: ${(error as Error).message}` });
    }
  }
  const tomlPath = join(root, PYPROJECT_FILE_NAME);
  if (existsSync(tomlPath)) {
    const read = readTomlTable(readFileSync(tomlPath, 'utf8'), ['tool', 'anatomy']);
    if (!read.ok) {
      issues.push({ path: `${PYPROJECT_FILE_NAME}: line ${read.line}, column ${read.column}`, message: `invalid TOML: ${read.message}` });
    } else if (read.table !== undefined) {
      if (layers.length > 0 || existsSync(jsonPath)) {
        // Two files would each look authoritative; one must go.
        issues.push({ path: `${PYPROJECT_FILE_NAME}: tool.anatomy`, message: `${CONFIG_FILE_NAME} also configures Anatomy; keep the configuration in one of them` });
      } else {
        layers.push({ source: `file:${tomlPath}`, prefix: `${PYPROJECT_FILE_NAME}: tool.anatomy.`, values: read.table, base: root });
      }
    }
  }
  return layers;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', '']);

function envLayers(env: Readonly<Record<string, string | undefined>>, cwd: string, issues: ValidationIssue[]): Layer[] {
  const layers: Layer[] = [];
  for (const [name, key] of Object.entries(CONFIG_ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined) continue;
    let value: unknown = raw;
    if (key === 'include' || key === 'exclude') value = raw.split(',').map((s) => s.trim());
    else if (key === 'allEvidence' || key === 'output.json') {
      const word = raw.trim().toLowerCase();
      if (!TRUE_WORDS.has(word) && !FALSE_WORDS.has(word)) {
        issues.push({ path: name, message: `expected true/false/1/0, got '${raw}'` });
        continue;
      }
      value = TRUE_WORDS.has(word);
    } else if (key === 'wait') {
      value = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) {
        issues.push({ path: name, message: `expected a number of seconds, got '${raw}'` });
        continue;
      }
    } else if (key === 'scip.index') value = { index: raw };
    const values = key === 'output.format' || key === 'output.json' ? { output: { [key.slice('output.'.length)]: value } } : { [key === 'scip.index' ? 'scip' : key]: value };
    layers.push({ source: `env:${name}`, prefix: `${name}: `, fixedPath: name, values, base: cwd });
  }
  return layers;
}

function resolvePaths(values: Record<string, unknown>, base: string): Record<string, unknown> {
  const out = { ...values };
  if (typeof out['store'] === 'string' && out['store'] !== '' && !isAbsolute(out['store'])) out['store'] = resolve(base, out['store']);
  const scip = out['scip'];
  if (typeof scip === 'object' && scip !== null && !Array.isArray(scip)) {
    const index = (scip as Record<string, unknown>)['index'];
    if (typeof index === 'string' && index !== '' && !isAbsolute(index)) out['scip'] = { ...scip, index: resolve(base, index) };
  }
  return out;
}

function keysOf(values: Record<string, unknown>): ConfigKey[] {
  return Object.keys(values).flatMap((key): ConfigKey[] => {
    if (key === '$schema') return [];
    if (key === 'output') {
      const output = values['output'];
      return typeof output === 'object' && output !== null ? Object.keys(output).map((k) => `output.${k}` as ConfigKey) : [];
    }
    return [key as ConfigKey];
  });
}

const ALL_KEYS: readonly ConfigKey[] = ['store', 'include', 'exclude', 'allEvidence', 'scip', 'scipMemory', 'wait', 'maintenance', 'memoryLimit', 'storageVersion', 'output.format', 'output.json'];

/**
 * Loads the configuration of a repository: `anatomy.config.json` or the
 * `[tool.anatomy]` table of `pyproject.toml` in its root, then the ANATOMY_*
 * environment variables, then flags — each overriding the one before, over
 * the defaults. Paths from files resolve against the root, those from the
 * environment and flags against `cwd`. Every problem is listed, prefixed by
 * where it was found; a malformed file is a problem with its line and
 * column, never a thrown error.
 *
 * @example
 * const loaded = loadConfig({ root: 'path/to/project', env: process.env, flags: { wait: 30 } });
 * if (!loaded.ok) console.error(formatIssues(loaded.issues));
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const root = resolve(options.root);
  const cwd = resolve(options.cwd ?? process.cwd());
  const issues: ValidationIssue[] = [];
  const layers = [
    ...readFileLayers(root, issues),
    ...envLayers(options.env ?? {}, cwd, issues),
    ...(options.flags === undefined ? [] : [{ source: 'flags' as const, prefix: 'flags: ', values: { ...options.flags } as Record<string, unknown>, base: cwd }]),
  ];
  const sources = Object.fromEntries(ALL_KEYS.map((k) => [k, 'default'])) as Record<ConfigKey, ConfigSource>;
  let merged: Record<string, unknown> = {};
  for (const layer of layers) {
    // Each layer is checked alone, so a problem names the place that holds it.
    const checked = validate(AnatomyConfigSchema, layer.values);
    if (!checked.ok) {
      issues.push(...checked.issues.map((i) => ({ path: issuePath(layer, i.path), message: i.message })));
      continue;
    }
    const values = Object.fromEntries(Object.entries(resolvePaths(layer.values, layer.base)).filter(([, v]) => v !== undefined));
    for (const key of keysOf(values)) sources[key] = layer.source;
    const output = { ...(merged['output'] as object | undefined), ...(values['output'] as object | undefined) };
    merged = { ...merged, ...values, output };
  }
  if (issues.length > 0) return { ok: false, issues };
  const config = AnatomyConfigSchema.parse(merged);
  const files = layers.filter((l) => l.source.startsWith('file:')).map((l) => l.source.slice('file:'.length));
  return { ok: true, config: deepFreeze(config), sources: Object.freeze(sources), files: Object.freeze(files) };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The options of `buildCpg` a configuration gives, for the repository at
 * `root`: a wait of 0 means not waiting at all.
 *
 * @example
 * const loaded = loadConfig({ root, env: process.env, flags });
 * if (loaded.ok) await buildCpg(buildOptionsFromConfig(root, loaded.config), progress);
 */
export function buildOptionsFromConfig(root: string, config: AnatomyConfig): BuildOptions {
  return {
    root,
    ...(config.store === undefined ? {} : { storePath: config.store }),
    ...(config.include === undefined ? {} : { include: config.include }),
    ...(config.exclude === undefined ? {} : { exclude: config.exclude }),
    ...(config.allEvidence ? { allEvidence: true } : {}),
    ...(config.scip === 'run' ? { scip: true } : {}),
    ...(typeof config.scip === 'object' ? { scipIndex: config.scip.index } : {}),
    ...(config.scipMemory === undefined ? {} : { scipHeapMb: sizeInMebibytes(config.scipMemory) }),
    ...(config.wait > 0 ? { waitMs: Math.round(config.wait * 1000) } : {}),
    maintenance: config.maintenance,
    ...(config.memoryLimit === undefined ? {} : { memoryLimit: config.memoryLimit.trim() }),
    ...(config.storageVersion === undefined ? {} : { storageVersion: config.storageVersion }),
  };
}

/**
 * The JSON Schema of anatomy.config.json, generated from the zod schema;
 * fields with defaults are optional, as a file may leave them out.
 *
 * @example
 * writeFileSync('anatomy.config.schema.json', `${JSON.stringify(anatomyConfigJsonSchema(), null, 2)}\n`);
 */
export function anatomyConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(AnatomyConfigSchema, { io: 'input' }) as Record<string, unknown>;
}
