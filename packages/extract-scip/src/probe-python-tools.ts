import { execFile } from 'node:child_process';

/** A tool found on the search path, and the version it reports. */
export interface ToolProbe {
  readonly command: string;
  readonly version: string;
}

/** What scip-python will find when it looks for Python tools. */
export interface PythonTools {
  readonly python3: ToolProbe | null;
  /** `pip3`, else `pip`: the order in which scip-python looks for them. */
  readonly pip: ToolProbe | null;
}

const PROBE_TIMEOUT_MS = 30_000;

function versionOf(command: string, env: NodeJS.ProcessEnv, pattern: RegExp): Promise<ToolProbe | null> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { env, timeout: PROBE_TIMEOUT_MS, windowsHide: true }, (error, stdout, stderr) => {
      // Python before 3.4 printed its version on stderr.
      const match = pattern.exec(`${stdout}\n${stderr}`);
      resolve(error === null && match?.[1] !== undefined ? { command, version: match[1] } : null);
    });
  });
}

/**
 * Looks for `python3` and `pip3`/`pip` on a search path the way scip-python
 * does, asking each for its version.
 *
 * @example
 * const { python3, pip } = await probePythonTools(process.env.PATH ?? '');
 */
export async function probePythonTools(searchPath: string): Promise<PythonTools> {
  const env = { ...process.env, PATH: searchPath };
  const [python3, pip3] = await Promise.all([
    versionOf('python3', env, /Python (\d+\.\d+(?:\.\d+)?)/),
    versionOf('pip3', env, /pip (\d+(?:\.\d+)*)/),
  ]);
  const pip = pip3 ?? (await versionOf('pip', env, /pip (\d+(?:\.\d+)*)/));
  return Object.freeze({ python3, pip });
}
