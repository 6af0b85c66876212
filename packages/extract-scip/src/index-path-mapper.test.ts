import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexPathMapper } from './index-path-mapper.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'index-path-mapper-'));
  await mkdir(join(root, 'repo', 'src'), { recursive: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('indexPathMapper', () => {
  it('keeps paths when the index was written at the repository root', () => {
    expect(indexPathMapper(pathToFileURL(join(root, 'repo')).href, join(root, 'repo'))('pkg/a.py')).toBe('pkg/a.py');
  });

  it('prefixes paths of an index written in a subdirectory', () => {
    expect(indexPathMapper(pathToFileURL(join(root, 'repo', 'src')).href, join(root, 'repo'))('pkg/a.py')).toBe('src/pkg/a.py');
  });

  it('strips the prefix of an index written in a parent directory, and drops documents outside the repository', () => {
    const toRepo = indexPathMapper(pathToFileURL(root).href, join(root, 'repo'));
    expect(toRepo('repo/pkg/a.py')).toBe('pkg/a.py');
    expect(toRepo('elsewhere/b.py')).toBeNull();
  });

  it('takes paths as repository-relative when the root is unknown here or not a file URI', () => {
    expect(indexPathMapper('file:///nowhere/at/all', join(root, 'repo'))('pkg/a.py')).toBe('pkg/a.py');
    expect(indexPathMapper('', join(root, 'repo'))('pkg/a.py')).toBe('pkg/a.py');
  });
});
