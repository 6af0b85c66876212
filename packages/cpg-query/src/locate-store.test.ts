import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CpgQueryError } from './cpg-query-error.js';
import { STORE_FILE, STORE_FOLDER, locateStore } from './locate-store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-locate-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('locateStore', () => {
  it('finds the store of a repository, from the repository or its .anatomy folder', () => {
    const repo = tempDir();
    const file = join(repo, STORE_FOLDER, STORE_FILE);
    mkdirSync(join(repo, STORE_FOLDER));
    writeFileSync(file, '');
    expect(locateStore(repo)).toBe(file);
    expect(locateStore(join(repo, STORE_FOLDER))).toBe(file);
    expect(locateStore(file)).toBe(file);
  });

  it('takes any file as the store itself', () => {
    const file = join(tempDir(), 'elsewhere.duckdb');
    writeFileSync(file, '');
    expect(locateStore(file)).toBe(file);
  });

  it('says to build first when a repository has no store', () => {
    const repo = tempDir();
    const error = thrown(() => locateStore(repo));
    expect(CpgQueryError.is(error, 'NotFound')).toBe(true);
    expect((error as { hint: string }).hint).toBe(`run \`anatomy build ${repo}\` first`);
  });

  it('reports a path that does not exist', () => {
    const error = thrown(() => locateStore(join(tempDir(), 'no-such-repo')));
    expect(CpgQueryError.is(error, 'NotFound')).toBe(true);
    expect((error as Error).message).toMatch(/no-such-repo does not exist/);
  });
});
