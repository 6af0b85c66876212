import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { contractDrift } from '@anatomy/cpg-query';
import { createPythonExtractor } from '@anatomy/extract-python';
import { treeSitterExtractor } from '@anatomy/extract-tree-sitter';
import { filesDataset } from '@anatomy/repo-scan';
import { cpgEdgesDataset, cpgNodesDataset } from '@anatomy/schema-authority';
import { openStore, StoreError } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { z } from 'zod';
import { STORE_RELATIVE_PATH } from './build-cpg.js';

/** The oldest Node.js Anatomy runs on (package.json `engines`). */
export const MIN_NODE_VERSION = '20.19.0';
/** The oldest Python the extractors accept. */
export const MIN_PYTHON_VERSION = '3.8.0';

/** One finding of `anatomy doctor`. */
export const DoctorCheckSchema = z.object({
  name: z.string().min(1),
  status: z.enum(['ok', 'warn', 'fail']),
  detail: z.string(),
  /** Exactly what to do about a warning or failure. */
  fix: z.string().optional(),
});
export type DoctorCheck = z.infer<typeof DoctorCheckSchema>;

/** Everything `anatomy doctor` found; `ok` is false when any check failed. */
export const DoctorReportSchema = z.object({
  ok: z.boolean(),
  checks: z.array(DoctorCheckSchema),
});
export type DoctorReport = z.infer<typeof DoctorReportSchema>;

/** What `doctor` looks at. */
export interface DoctorOptions {
  /** A repository whose store (`<root>/.anatomy/anatomy.duckdb`) is checked when it exists. */
  readonly root?: string;
  /** A store file to check instead of the root's; a given store that does not exist is a failure. */
  readonly storePath?: string;
  /** The Python interpreter to check: a command on PATH or a path; `python3` by default. */
  readonly python3?: string;
}

interface CommandResult {
  readonly ok: boolean;
  readonly missing: boolean;
  readonly output: string;
}

function runCommand(file: string, args: readonly string[]): Promise<CommandResult> {
  return new Promise((done) => {
    execFile(file, [...args], { timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim();
      if (error === null) done({ ok: true, missing: false, output });
      else done({ ok: false, missing: (error as NodeJS.ErrnoException).code === 'ENOENT', output: output || error.message });
    });
  });
}

function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const b = minimum.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

function nodeCheck(): DoctorCheck {
  const version = process.versions.node;
  if (versionAtLeast(version, MIN_NODE_VERSION)) return { name: 'node', status: 'ok', detail: `Node.js ${version}` };
  return { name: 'node', status: 'fail', detail: `Node.js ${version} is older than ${MIN_NODE_VERSION}`, fix: `install Node.js ${MIN_NODE_VERSION} or newer (e.g. \`nvm install 22\`)` };
}

async function pythonChecks(python3: string): Promise<DoctorCheck[]> {
  const installFix = `install CPython ${MIN_PYTHON_VERSION.replace(/\.0$/, '')} or newer and put python3 on PATH (e.g. \`apt-get install python3\` or \`brew install python\`), or pass the interpreter's path`;
  const found = await runCommand(python3, ['--version']);
  if (!found.ok) {
    const detail = found.missing ? `${python3} was not found` : `${python3} --version failed: ${found.output}`;
    return [
      { name: 'python3', status: 'fail', detail, fix: installFix },
      { name: 'pip', status: 'fail', detail: `not checked: ${python3} is unusable`, fix: installFix },
    ];
  }
  const version = /Python (\d+\.\d+(?:\.\d+)?)/.exec(found.output)?.[1];
  const python: DoctorCheck =
    version === undefined
      ? { name: 'python3', status: 'fail', detail: `${python3} --version answered '${found.output}', not a Python version`, fix: installFix }
      : versionAtLeast(version, MIN_PYTHON_VERSION)
        ? { name: 'python3', status: 'ok', detail: `Python ${version} (${python3})` }
        : { name: 'python3', status: 'fail', detail: `Python ${version} is older than ${MIN_PYTHON_VERSION}`, fix: installFix };
  const pip = await runCommand(python3, ['-m', 'pip', '--version']);
  const pipCheck: DoctorCheck = pip.ok
    ? { name: 'pip', status: 'ok', detail: pip.output.split('\n')[0] ?? pip.output }
    : {
        name: 'pip',
        status: 'warn',
        detail: `${python3} -m pip failed: ${pip.output.split('\n').pop() ?? ''}; only --scip needs it`,
        fix: `run \`${python3} -m ensurepip --upgrade\` (or \`apt-get install python3-pip\`), or give --scip-index an existing index`,
      };
  return [python, pipCheck];
}

function scipPythonCheck(): DoctorCheck {
  const fix = 'run `npm install @sourcegraph/scip-python` next to Anatomy, or pass an existing index with --scip-index';
  try {
    const manifestPath = createRequire(import.meta.url).resolve('@sourcegraph/scip-python/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: unknown };
    return { name: 'scip-python', status: 'ok', detail: `@sourcegraph/scip-python ${String(manifest.version)}` };
  } catch (error) {
    return { name: 'scip-python', status: 'warn', detail: `@sourcegraph/scip-python is not resolvable (${(error as Error).message.split('\n')[0] ?? ''}); only --scip needs it`, fix };
  }
}

async function extractorCheck(name: string, capability: () => Promise<{ available: boolean; tools: Record<string, string>; reason?: string | undefined; hint?: string | undefined }>): Promise<DoctorCheck> {
  try {
    const found = await capability();
    const tools = Object.entries(found.tools).map(([tool, version]) => `${tool} ${version}`).join(', ');
    if (found.available) return { name, status: 'ok', detail: tools || 'available' };
    return { name, status: 'fail', detail: found.reason ?? 'unavailable', fix: found.hint ?? 'reinstall Anatomy' };
  } catch (error) {
    return { name, status: 'fail', detail: (error as Error).message, fix: 'reinstall Anatomy (npm install), then run `anatomy doctor` again' };
  }
}

async function duckDbCheck(): Promise<DoctorCheck> {
  try {
    const store = await openStore({ path: ':memory:' });
    try {
      const rows = await store.query('SELECT version() AS v');
      return { name: 'duckdb', status: 'ok', detail: `DuckDB ${String(rows[0]?.['v'])}` };
    } finally {
      await store.close();
    }
  } catch (error) {
    return { name: 'duckdb', status: 'fail', detail: (error as Error).message, fix: 'reinstall @duckdb/node-api (npm install); it needs a platform with prebuilt DuckDB binaries' };
  }
}

async function tableColumns(store: Store, dataset: string): Promise<{ column_name: string; data_type: string; is_nullable: string }[]> {
  const [schema, table] = dataset.split('.');
  const rows = await store.query(
    'SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = $schema AND table_name = $table ORDER BY ordinal_position',
    { schema: schema ?? '', table: table ?? '' },
  );
  return rows.map((r) => ({ column_name: String(r['column_name']), data_type: String(r['data_type']), is_nullable: String(r['is_nullable']) }));
}

async function storeChecks(storePath: string, root: string | undefined): Promise<DoctorCheck[]> {
  const rebuild = `delete ${storePath} and run \`anatomy build ${root ?? '<dir>'}${root === undefined ? ` --store ${storePath}` : ''}\``;
  let store: Store;
  try {
    store = await openStore({ path: storePath, readOnly: true });
  } catch (error) {
    if (StoreError.is(error, 'Locked')) {
      return [{ name: 'store', status: 'warn', detail: `${storePath} is held by another process: ${(error as Error).message}`, fix: 'wait for the running build to finish, then run `anatomy doctor` again' }];
    }
    return [{ name: 'store', status: 'fail', detail: `${storePath} is not a readable DuckDB database: ${(error as Error).message.split('\n')[0] ?? ''}`, fix: rebuild }];
  }
  try {
    const size = (await store.query('SELECT database_size, wal_size FROM pragma_database_size() WHERE database_name = current_database()'))[0] ?? {};
    const checks: DoctorCheck[] = [{ name: 'store', status: 'ok', detail: `${storePath}: ${String(size['database_size'])} (wal ${String(size['wal_size'])})` }];
    // The contract's evolution rules, as readers apply them: added columns and lost NOT NULLs are not drift.
    const issues = contractDrift(cpgNodesDataset, await tableColumns(store, cpgNodesDataset.name));
    if (issues.length > 0) {
      checks.push({ name: 'store schema', status: 'fail', detail: issues.map((i) => `${i.path}: ${i.message}`).join('; '), fix: rebuild });
      return checks;
    }
    checks.push({ name: 'store schema', status: 'ok', detail: `${cpgNodesDataset.name} matches its contract (version ${cpgNodesDataset.version})` });
    const kinds = await store.query('SELECT node_kind, count(*) AS n FROM cpg.nodes GROUP BY node_kind ORDER BY node_kind');
    const count = async (dataset: string): Promise<string> =>
      (await tableColumns(store, dataset)).length === 0 ? 'absent' : String((await store.query(`SELECT count(*) AS n FROM ${dataset}`))[0]?.['n']);
    const nodes = kinds.reduce((sum, r) => sum + Number(r['n']), 0);
    checks.push({
      name: 'last build',
      status: nodes > 0 ? 'ok' : 'warn',
      detail: `files ${await count(filesDataset.name)}, nodes ${nodes} (${kinds.map((r) => `${String(r['node_kind'])} ${String(r['n'])}`).join(', ')}), edges ${await count(cpgEdgesDataset.name)}`,
      ...(nodes > 0 ? {} : { fix: `run \`anatomy build ${root ?? '<dir>'}\` on a directory holding Python files` }),
    });
    return checks;
  } finally {
    await store.close();
  }
}

/**
 * Checks that this machine can run Anatomy — Node.js, python3 and pip, the
 * tree-sitter grammar, the python extractor, scip-python, DuckDB — and, when a
 * store exists, that it opens and holds a CPG of the contract's shape. Never
 * throws: every problem is a check with the exact fix.
 *
 * @example
 * const report = await doctor({ root: 'path/to/project' });
 * console.log(formatDoctor(report));
 * process.exitCode = report.ok ? 0 : 1;
 */
export async function doctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const python3 = options.python3 ?? 'python3';
  const checks: DoctorCheck[] = [nodeCheck(), ...(await pythonChecks(python3)), scipPythonCheck()];
  checks.push(await extractorCheck('tree-sitter', () => treeSitterExtractor.capability()));
  checks.push(await extractorCheck('python extractor', () => createPythonExtractor({ python: python3 }).capability()));
  checks.push(await duckDbCheck());
  const root = options.root === undefined ? undefined : resolve(options.root);
  const storePath = options.storePath !== undefined ? resolve(options.storePath) : root !== undefined ? join(root, STORE_RELATIVE_PATH) : undefined;
  if (storePath !== undefined) {
    if (existsSync(storePath)) checks.push(...(await storeChecks(storePath, root)));
    else if (options.storePath !== undefined) checks.push({ name: 'store', status: 'fail', detail: `${storePath} does not exist`, fix: `check the path, or run \`anatomy build <dir> --store ${storePath}\`` });
    else checks.push({ name: 'store', status: 'warn', detail: `no store yet at ${storePath}`, fix: `run \`anatomy build ${options.root ?? '<dir>'}\`` });
  }
  return Object.freeze({ ok: checks.every((c) => c.status !== 'fail'), checks: Object.freeze(checks.map((c) => Object.freeze(c))) }) as DoctorReport;
}

const MARK: Record<DoctorCheck['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/**
 * The report for people: one line per check, its fix indented under it, and
 * a closing verdict.
 *
 * @example
 * process.stdout.write(`${formatDoctor(await doctor())}\n`);
 */
export function formatDoctor(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.flatMap((c) => [`${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`, ...(c.fix === undefined ? [] : [`      ${' '.repeat(width)}  fix: ${c.fix}`])]);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  lines.push(failed > 0 ? `${failed} check${failed === 1 ? '' : 's'} failed` : `all checks passed${warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}`);
  return lines.join('\n');
}
