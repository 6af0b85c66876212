import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ExtractScipError } from './extract-scip-error.js';

/** Where the installed scip-python lives. */
export interface ScipPythonInstallation {
  /** The JavaScript entry point of its `scip-python` bin, run with this Node. */
  readonly binPath: string;
  readonly version: string;
}

let cached: ScipPythonInstallation | undefined;

/**
 * Finds the `@sourcegraph/scip-python` package this package depends on, the
 * way Node resolves it from here, and reads its bin and version. Throws
 * `extract-scip/IndexerMissing` when it is not installed.
 *
 * @example
 * const { binPath, version } = locateScipPython(); // version '0.6.6'
 */
export function locateScipPython(): ScipPythonInstallation {
  if (cached !== undefined) return cached;
  let manifestPath: string;
  try {
    manifestPath = createRequire(import.meta.url).resolve('@sourcegraph/scip-python/package.json');
  } catch (error) {
    throw ExtractScipError.create('IndexerMissing', 'the @sourcegraph/scip-python package is not installed', {
      cause: error,
      hint: 'install it next to @anatomy/extract-scip (npm install @sourcegraph/scip-python), or pass an existing index with --scip-index',
    });
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version?: unknown; bin?: unknown };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : (manifest.bin as Record<string, unknown> | undefined)?.['scip-python'];
  if (typeof bin !== 'string' || typeof manifest.version !== 'string') {
    throw ExtractScipError.create('IndexerMissing', `${manifestPath} declares no scip-python bin`, {
      hint: 'reinstall @sourcegraph/scip-python',
    });
  }
  cached = Object.freeze({ binPath: join(dirname(manifestPath), bin), version: manifest.version });
  return cached;
}
