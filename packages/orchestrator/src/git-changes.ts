import { execFileSync } from 'node:child_process';
import { OrchestratorError } from './orchestrator-error.js';

function git(root: string, args: readonly string[]): string {
  return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
}

function failure(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  return (typeof stderr === 'string' && stderr.trim() !== '' ? stderr : (error as Error).message).trim().split('\n')[0] ?? '';
}

/**
 * The files of `root` that git says may differ from `ref`: tracked files
 * changed between `ref` and the working tree (staged or not, deleted and
 * renamed ones included) and untracked files that are not ignored. Paths
 * are relative to `root`, POSIX style. `anatomy build --since` re-reads
 * only these; everything else is taken from the stored build.
 * Throws `orchestrator/NotAGitRepository` or `orchestrator/UnknownGitRef`.
 *
 * @example
 * const changed = changedSince('path/to/repo', 'HEAD~1'); // Set { 'pkg/mod.py', … }
 */
export function changedSince(root: string, ref: string): Set<string> {
  try {
    git(root, ['rev-parse', '--show-toplevel']);
  } catch (error) {
    throw OrchestratorError.create('NotAGitRepository', `--since needs a git repository, and ${root} is not inside one (${failure(error)})`, {
      cause: error,
      hint: 'drop --since to compare every file by content hash, or run `git init` in the project',
    });
  }
  try {
    git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  } catch (error) {
    throw OrchestratorError.create('UnknownGitRef', `--since ${ref}: git knows no commit by that name in ${root}`, {
      cause: error,
      hint: 'give a branch, tag or commit that exists, e.g. --since HEAD~1 or --since origin/main',
    });
  }
  // -z keeps unusual file names intact; --relative makes paths relative to the root, and drops files outside it.
  const tracked = git(root, ['diff', '--name-only', '--no-renames', '-z', '--relative', ref, '--']);
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z']);
  return new Set([...tracked.split('\0'), ...untracked.split('\0')].filter((p) => p !== ''));
}
