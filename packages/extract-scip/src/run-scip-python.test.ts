import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExtractScipError } from './extract-scip-error.js';
import { readScipIndex } from './read-scip-index.js';
import { runScipPython } from './run-scip-python.js';
import { FIXTURE_PROJECT, writeTree } from './scip-fixture-project.test-support.js';

let dir: string;
let root: string;
/** A PATH with nothing on it, and one with a real python3 but no pip. */
let emptyPath: string;
let pythonOnlyPath: string;
let environment: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'run-scip-python-'));
  root = join(dir, 'project');
  await writeTree(root, FIXTURE_PROJECT);
  emptyPath = join(dir, 'empty-bin');
  await mkdir(emptyPath);
  pythonOnlyPath = join(dir, 'python-only-bin');
  await mkdir(pythonOnlyPath);
  const interpreter = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  await symlink(interpreter, join(pythonOnlyPath, 'python3'));
  environment = join(dir, 'environment.json');
  await writeFile(environment, '[]');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function failsWith(reason: Parameters<typeof ExtractScipError.is>[1]): (e: unknown) => boolean {
  return (e) => ExtractScipError.is(e, reason);
}

describe('runScipPython', () => {
  it('indexes a project through an environment file, with neither python3 nor pip on the search path', async () => {
    const run = await runScipPython({ root, outputPath: join(dir, 'out', 'index.scip'), projectName: 'fixture', environmentPath: environment, searchPath: emptyPath });
    expect(run).toMatchObject({ indexPath: join(dir, 'out', 'index.scip'), scipPythonVersion: '0.6.6', python3: null, pip: null });
    const paths: string[] = [];
    let tool = '';
    for await (const entry of readScipIndex(run.indexPath)) {
      if (entry.kind === 'metadata') tool = `${entry.metadata.toolName} ${entry.metadata.toolVersion}`;
      if (entry.kind === 'document') paths.push(entry.document.relativePath);
    }
    expect(tool).toBe('scip-python 0.6.6');
    expect(paths.sort()).toEqual(Object.keys(FIXTURE_PROJECT).sort());
  });

  it('runs the indexer with the heap and young generation asked for, which change nothing in the index', async () => {
    const plain = await runScipPython({ root, outputPath: join(dir, 'plain', 'index.scip'), projectName: 'fixture', environmentPath: environment });
    const tuned = await runScipPython({ root, outputPath: join(dir, 'tuned', 'index.scip'), projectName: 'fixture', environmentPath: environment, nodeHeapMb: 1024, nodeSemiSpaceMb: 64 });
    expect(plain.nodeFlags).toEqual([]);
    expect(tuned.nodeFlags).toEqual(['--max-old-space-size=1024', '--max-semi-space-size=64']);
    expect((await readFile(tuned.indexPath)).equals(await readFile(plain.indexPath))).toBe(true);
  });

  it('names python3 as missing, with the environment-file route in the hint', async () => {
    const error = await runScipPython({ root, outputPath: join(dir, 'x.scip'), searchPath: emptyPath }).catch((e: unknown) => e);
    expect(ExtractScipError.is(error, 'Python3Missing')).toBe(true);
    expect((error as { hint: string }).hint).toMatch(/python3.*environment file/s);
  });

  it('names pip as missing when only python3 is found', async () => {
    const error = await runScipPython({ root, outputPath: join(dir, 'x.scip'), searchPath: pythonOnlyPath }).catch((e: unknown) => e);
    expect(ExtractScipError.is(error, 'PipMissing')).toBe(true);
    expect((error as { hint: string }).hint).toMatch(/ensurepip.*environment file/s);
  });

  it('puts the directory of a chosen interpreter first on the search path', async () => {
    // python3 is found through the option although the search path itself is empty; pip still is not.
    const error = await runScipPython({ root, outputPath: join(dir, 'x.scip'), searchPath: emptyPath, python3: join(pythonOnlyPath, 'python3') }).catch((e: unknown) => e);
    expect(ExtractScipError.is(error, 'PipMissing')).toBe(true);
  });

  it('rejects an environment file that is not a list of packages, before scip-python trips on it', async () => {
    const bad = join(dir, 'bad-environment.json');
    await writeFile(bad, '[{"name": "x", "version": "1"}]');
    const error = await runScipPython({ root, outputPath: join(dir, 'x.scip'), environmentPath: bad }).catch((e: unknown) => e);
    expect(ExtractScipError.is(error, 'EnvironmentUnreadable')).toBe(true);
    expect((error as Error).message).toContain('files');
    await expect(runScipPython({ root, outputPath: join(dir, 'x.scip'), environmentPath: join(dir, 'absent.json') })).rejects.toSatisfy(failsWith('EnvironmentUnreadable'));
  });

  it('puts the indexer stderr in the error when scip-python fails, and hints at the heap when it ran out of memory', async () => {
    const error = await runScipPython({ root, outputPath: join(dir, 'oom.scip'), environmentPath: environment, nodeHeapMb: 16 }).catch((e: unknown) => e);
    expect(ExtractScipError.is(error, 'IndexerFailed')).toBe(true);
    expect((error as Error).message).toMatch(/stderr:[\s\S]*heap out of memory/);
    expect((error as { hint: string }).hint).toContain('nodeHeapMb');
  });

  it('stops the indexer at the timeout', async () => {
    await expect(runScipPython({ root, outputPath: join(dir, 't.scip'), environmentPath: environment, timeoutMs: 1 })).rejects.toSatisfy(failsWith('IndexerTimedOut'));
  });

  it('stops when the run is aborted', async () => {
    const controller = new AbortController();
    const running = runScipPython({ root, outputPath: join(dir, 'a.scip'), environmentPath: environment, signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toSatisfy(failsWith('Aborted'));
  });

  it('checks its options and the root', async () => {
    await expect(runScipPython({ root, outputPath: '', timeoutMs: -1 })).rejects.toSatisfy(failsWith('InvalidOptions'));
    await expect(runScipPython({ root: join(dir, 'absent'), outputPath: join(dir, 'x.scip') })).rejects.toSatisfy(failsWith('RootNotADirectory'));
    await expect(runScipPython({ root, outputPath: root, environmentPath: environment })).rejects.toSatisfy(failsWith('OutputUnwritable'));
  });
});
