import { execFile } from 'node:child_process';
import type { ExtractorCapability } from '@anatomy/schema-authority';
import { WORKER_PYTHON_FLAGS, WORKER_SCRIPT_PATH } from './worker-script.js';
import { satisfiesVersionRange } from './version-range.js';

const PROBE_TIMEOUT_MS = 20_000;

interface ProbeReply {
  readonly python_version: string;
  readonly implementation: string;
  readonly executable: string;
}

function run(executable: string): Promise<{ ok: true; stdout: string } | { ok: false; message: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(executable, [...WORKER_PYTHON_FLAGS, WORKER_SCRIPT_PATH, '--probe'], { timeout: PROBE_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ ok: true, stdout });
        return;
      }
      const code = (error as NodeJS.ErrnoException).code;
      const missing = code === 'ENOENT' || code === 'EACCES';
      const detail = stderr.trim().split('\n').slice(-3).join(' | ');
      resolve({ ok: false, missing, message: detail === '' ? error.message : `${error.message}: ${detail}` });
    });
  });
}

/**
 * Whether `executable` can run the worker: it must start, run the worker
 * script's `--probe` (so a python3 too old for the script's own syntax fails
 * here, not mid-run), be CPython, and meet `range`. Never throws: an
 * unusable interpreter is an unavailable capability with the fix in `hint`.
 *
 * @example
 * const capability = await probePython('python3', '>=3.8');
 * capability.tools.python3; // '3.11.7'
 */
export async function probePython(executable: string, range: string): Promise<ExtractorCapability> {
  const fix = `install CPython ${range.replace(/^>=/, '')} or newer and put python3 on PATH, or pass the interpreter's path as the extractor's \`python\` option`;
  const result = await run(executable);
  if (!result.ok) {
    return {
      extractor: 'python',
      available: false,
      tools: {},
      reason: result.missing ? `${executable} was not found (${result.message})` : `${executable} could not run the python worker: ${result.message}`,
      hint: fix,
    };
  }
  let reply: ProbeReply;
  try {
    reply = JSON.parse(result.stdout.trim().split('\n').pop() ?? '') as ProbeReply;
  } catch {
    return { extractor: 'python', available: false, tools: {}, reason: `${executable} answered the probe with something else than JSON`, hint: fix };
  }
  const tools = { python3: reply.python_version };
  if (reply.implementation !== 'cpython') {
    return {
      extractor: 'python',
      available: false,
      tools,
      reason: `${executable} is ${reply.implementation}, not CPython: its ast positions and bytecode are not CPython's`,
      hint: fix,
    };
  }
  if (!satisfiesVersionRange(reply.python_version, range)) {
    return { extractor: 'python', available: false, tools, reason: `${executable} is Python ${reply.python_version}; the extractor needs ${range}`, hint: fix };
  }
  return { extractor: 'python', available: true, tools };
}
