import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

function real(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}

function posix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function inside(relativePath: string): boolean {
  return relativePath !== '' && !relativePath.startsWith('..') && !isAbsolute(relativePath);
}

/**
 * Maps a document's `relative_path` (relative to the index's project root)
 * to a repository-relative path, or `null` when the document lies outside
 * the repository. The project root is usually the repository root; it may
 * be a subdirectory (paths gain a prefix) or a parent directory (paths lose
 * one). An index written on another machine names a root that does not
 * exist here; its paths are taken as repository-relative.
 *
 * @example
 * const toRepoPath = indexPathMapper('file:///repo/src', '/repo');
 * toRepoPath('pkg/mod.py'); // 'src/pkg/mod.py'
 */
export function indexPathMapper(projectRoot: string, repositoryRoot: string): (relativePath: string) => string | null {
  let projectDir: string;
  try {
    projectDir = projectRoot.startsWith('file:') ? real(fileURLToPath(projectRoot)) : '';
  } catch {
    projectDir = '';
  }
  const root = real(repositoryRoot);
  if (projectDir === '' || projectDir === root) return (p) => p;
  const down = posix(relative(root, projectDir));
  if (inside(down)) return (p) => `${down}/${p}`;
  const up = posix(relative(projectDir, root));
  if (inside(up)) {
    const prefix = `${up}/`;
    return (p) => (p.startsWith(prefix) ? p.slice(prefix.length) : null);
  }
  return (p) => p;
}
