import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changedSince } from './git-changes.js';
import { OrchestratorError } from './orchestrator-error.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { stdio: 'ignore' });
}

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'anatomy-git-'));
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'initial');
  return root;
}

describe('changedSince', () => {
  it('lists tracked changes (staged, unstaged, deleted) and untracked files, but not ignored ones, relative to the root', () => {
    const root = repo({ 'a.py': '1\n', 'b.py': '2\n', 'c.py': '3\n', 'sub/d.py': '4\n', '.gitignore': 'ignored.py\n' });
    writeFileSync(join(root, 'a.py'), 'changed\n');
    writeFileSync(join(root, 'b.py'), 'staged\n');
    git(root, 'add', 'b.py');
    rmSync(join(root, 'c.py'));
    writeFileSync(join(root, 'new file.py'), 'untracked\n');
    writeFileSync(join(root, 'ignored.py'), 'ignored\n');
    expect([...changedSince(root, 'HEAD')].sort()).toEqual(['a.py', 'b.py', 'c.py', 'new file.py']);
    // From a subdirectory, paths are relative to it and files outside it are left out.
    writeFileSync(join(root, 'sub', 'd.py'), 'changed\n');
    expect([...changedSince(join(root, 'sub'), 'HEAD')]).toEqual(['d.py']);
  });

  it('names the problem outside a git repository and for an unknown ref', () => {
    const plain = mkdtempSync(join(tmpdir(), 'anatomy-nogit-'));
    dirs.push(plain);
    const notRepo = (() => {
      try {
        return changedSince(plain, 'HEAD');
      } catch (error) {
        return error;
      }
    })();
    expect(OrchestratorError.is(notRepo, 'NotAGitRepository')).toBe(true);
    const root = repo({ 'a.py': '1\n' });
    const unknown = (() => {
      try {
        return changedSince(root, 'no-such-branch');
      } catch (error) {
        return error;
      }
    })();
    expect(OrchestratorError.is(unknown, 'UnknownGitRef')).toBe(true);
    expect((unknown as Error).message).toContain('no-such-branch');
  });
});
