import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, tempDir } from './sample-cpg.fixture.js';
import { listFiles, writeStagedDirectory, writeStagedFile } from './staged-output.js';

afterAll(removeTempDirs);

describe('writeStagedFile', () => {
  it('writes text and bytes in order and renames the file into place', async () => {
    const dir = tempDir();
    const result = await writeStagedFile(join(dir, 'sub', 'out.txt'), async (sink) => {
      await sink.write('grüße ');
      await sink.write(new TextEncoder().encode('日本'));
      await sink.write([new Uint8Array([0x21]), new Uint8Array(0), new Uint8Array([0x0a])]);
      return 42;
    });
    expect(result).toBe(42);
    expect(readFileSync(join(dir, 'sub', 'out.txt'), 'utf8')).toBe('grüße 日本!\n');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['out.txt']);
  });

  it('keeps the earlier file and removes the staging file when filling fails', async () => {
    const dir = tempDir();
    const file = join(dir, 'out.txt');
    writeFileSync(file, 'earlier');
    const failure = writeStagedFile(file, async (sink) => {
      await sink.write('x'.repeat(3 << 20));
      throw new Error('boom');
    });
    await expect(failure).rejects.toMatchObject({ code: 'cpg-query/ExportFailed', message: expect.stringContaining('boom') });
    expect(readFileSync(file, 'utf8')).toBe('earlier');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });
});

describe('writeStagedDirectory', () => {
  it('replaces an earlier export whole, stale files included', async () => {
    const dir = join(tempDir(), 'nodes');
    mkdirSync(join(dir, 'node_kind=OLD'), { recursive: true });
    writeFileSync(join(dir, 'node_kind=OLD', 'data_0.parquet'), 'old');
    await writeStagedDirectory(dir, '.parquet', async (staging) => {
      writeFileSync(join(staging, 'data_0.parquet'), 'new');
    });
    expect(await listFiles(dir)).toEqual([join(dir, 'data_0.parquet')]);
  });

  it('refuses a directory with other files and leaves a failed fill without trace', async () => {
    const root = tempDir();
    const dir = join(root, 'nodes');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.csv'), 'mine');
    await expect(writeStagedDirectory(dir, '.parquet', async () => undefined)).rejects.toMatchObject({ code: 'cpg-query/ExportFailed' });
    const other = join(root, 'edges');
    await expect(writeStagedDirectory(other, '.parquet', () => Promise.reject(new Error('copy failed')))).rejects.toMatchObject({
      code: 'cpg-query/ExportFailed',
    });
    expect(readdirSync(root)).toEqual(['nodes']);
    expect(readFileSync(join(dir, 'keep.csv'), 'utf8')).toBe('mine');
  });
});
