import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root. */
export const workspaceRoot: string = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The `anatomy` executable exactly as npm links it for users. */
const bin = join(workspaceRoot, 'node_modules', '.bin', 'anatomy');

/** What one CLI invocation printed and returned. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `anatomy` command in a child process. */
export function anatomy(...args: string[]): CliRun {
  // A plan of the whole program as JSON is several MB: far above spawnSync's 1 MiB default.
  const result = spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Copies a fixture project into a fresh temporary directory and returns its path. */
export function fixtureCopy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `anatomy-e2e-${name}-`));
  cpSync(join(workspaceRoot, 'e2e', 'fixtures', name), dir, { recursive: true, filter: (src) => !src.includes('.anatomy') });
  return dir;
}
