import { readFile } from 'node:fs/promises';
import { delimiter, dirname, resolve } from 'node:path';
import { formatIssues, validate } from '@anatomy/contracts';
import { z } from 'zod';
import { ExtractScipError } from './extract-scip-error.js';
import { locateScipPython } from './locate-scip-python.js';
import type { ScipPythonInstallation } from './locate-scip-python.js';
import { probePythonTools } from './probe-python-tools.js';

/** Where scip-python will look for Python, and how it will learn the installed packages. */
export interface ScipPythonToolchainOptions {
  /** A JSON list of installed packages; with it scip-python needs neither python3 nor pip. */
  readonly environmentPath?: string | undefined;
  /** The interpreter to index with; its directory goes first on the search path. */
  readonly python3?: string | undefined;
  /** The PATH to search; the process's PATH by default. */
  readonly searchPath?: string | undefined;
}

/** Everything a run of scip-python needs, found and checked. */
export interface ScipPythonToolchain {
  readonly installation: ScipPythonInstallation;
  /** The PATH the indexer runs with. */
  readonly searchPath: string;
  /** Absolute path of the environment file, when one is used. */
  readonly environmentPath: string | null;
  /** Versions found; `null` when the environment file makes the tool unnecessary. */
  readonly python3: string | null;
  readonly pip: string | null;
}

const ENVIRONMENT_ROUTE =
  'or pass an environment file (a JSON list of the installed packages, [{"name","version","files"}]; `scip-python environment-dump --output env.json` writes one) so that scip-python needs neither python3 nor pip';

/** One entry of a scip-python environment file: an installed distribution and its files. */
const EnvironmentPackageSchema = z.object({ name: z.string().min(1), version: z.string(), files: z.array(z.string()) });

async function checkEnvironmentFile(path: string): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw ExtractScipError.create('EnvironmentUnreadable', `cannot read the environment file ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'pass a JSON file holding a list of {"name", "version", "files"} entries, one per installed package',
    });
  }
  // scip-python trusts the file and fails deep inside on a malformed entry; say what is wrong instead.
  const checked = validate(z.array(EnvironmentPackageSchema), parsed);
  if (!checked.ok) {
    throw ExtractScipError.create('EnvironmentUnreadable', `the environment file ${path} is not a list of packages:\n${formatIssues(checked.issues)}`, {
      details: { issues: checked.issues },
      hint: 'each entry needs "name" and "version" strings and a "files" list of paths relative to site-packages',
    });
  }
}

/**
 * Checks, before anything runs, what scip-python will need: the package
 * itself, and either an environment file or python3 and pip (pip3 first, as
 * scip-python looks) on the search path. Throws `extract-scip/IndexerMissing`,
 * `EnvironmentUnreadable`, `Python3Missing` or `PipMissing`, each with a hint
 * naming the fix, including the environment-file route.
 *
 * @example
 * const toolchain = await scipPythonToolchain({ python3: '.venv/bin/python3' });
 * toolchain.pip; // '23.3.1'
 */
export async function scipPythonToolchain(options: ScipPythonToolchainOptions = {}): Promise<ScipPythonToolchain> {
  const installation = locateScipPython();
  const searchPath = [options.python3 === undefined ? '' : dirname(resolve(options.python3)), options.searchPath ?? process.env['PATH'] ?? '']
    .filter((p) => p !== '')
    .join(delimiter);
  if (options.environmentPath !== undefined) {
    const environmentPath = resolve(options.environmentPath);
    await checkEnvironmentFile(environmentPath);
    return Object.freeze({ installation, searchPath, environmentPath, python3: null, pip: null });
  }
  const tools = await probePythonTools(searchPath);
  if (tools.python3 === null) {
    throw ExtractScipError.create('Python3Missing', 'scip-python needs python3 to list the installed packages, and none was found on the search path', {
      details: { searchPath },
      hint: `install Python 3 with pip and put python3 on PATH, or name the interpreter to use (e.g. .venv/bin/python3), ${ENVIRONMENT_ROUTE}`,
    });
  }
  if (tools.pip === null) {
    throw ExtractScipError.create('PipMissing', `scip-python needs pip next to python3 ${tools.python3.version}, and neither pip3 nor pip was found on the search path`, {
      details: { searchPath },
      hint: `install pip (python3 -m ensurepip --upgrade, or the system's python3-pip package) so that pip3 or pip is on PATH, ${ENVIRONMENT_ROUTE}`,
    });
  }
  return Object.freeze({ installation, searchPath, environmentPath: null, python3: tools.python3.version, pip: tools.pip.version });
}
