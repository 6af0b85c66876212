import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { DEFAULT_STORAGE_VERSION } from './storage-version.js';
import type { Store } from './store.js';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'storage-version-'));
  dirs.push(dir);
  return join(dir, 'anatomy.duckdb');
}

/** The storage version DuckDB says the store's file is in, and how its strings of a few distinct values are compressed. */
async function fileFormat(store: Store): Promise<{ version: string; compression: string[] }> {
  const [row] = await store.query("SELECT map_extract_value(tags, 'storage_version') AS v FROM duckdb_databases() WHERE database_name = current_database()");
  await store.checkpoint();
  const compression = await store.query("SELECT DISTINCT compression FROM pragma_storage_info('main.words') WHERE column_name = 'word' AND segment_type = 'VARCHAR' ORDER BY 1");
  return { version: String(row?.['v']), compression: compression.map((r) => String(r['compression'])) };
}

/**
 * Asserts a file in 1.0's format: its strings compressed by dictionary, and in a segment whose
 * analysis DuckDB samples differently (its threads split the rows as the machine's load has it)
 * perhaps by FSST alone, but never by the two together, which only 1.4's format has.
 */
function expectOneZeroFormat(format: { version: string; compression: string[] }): void {
  expect(format.version).toBe('v1.0.0+');
  expect(format.compression).toContain('Dictionary');
  expect(format.compression).not.toContain('DICT_FSST');
}

async function writeWords(store: Store): Promise<void> {
  await store.run("CREATE OR REPLACE TABLE main.words AS SELECT 'word-' || (i % 50) AS word FROM range(200000) t(i)");
}

describe('the storage version of a store file', () => {
  it('writes a new file in DuckDB 1.4 format by default, and in the version asked for otherwise', async () => {
    expect(DEFAULT_STORAGE_VERSION).toBe('v1.4.0');
    const path = storePath();
    const store = await openStore({ path });
    try {
      await writeWords(store);
      // 1.4's format compresses strings by dictionary and FSST together, which 1.0's cannot.
      expect(await fileFormat(store)).toEqual({ version: 'v1.4.0+', compression: ['DICT_FSST'] });
    } finally {
      await store.close();
    }
    const old = await openStore({ path: storePath(), storageVersion: 'v1.0.0' });
    try {
      await writeWords(old);
      expectOneZeroFormat(await fileFormat(old));
    } finally {
      await old.close();
    }
  });

  it('keeps the version of a file that exists, through writes and compaction', async () => {
    const path = storePath();
    const first = await openStore({ path, storageVersion: 'v1.0.0' });
    await writeWords(first);
    await first.close();
    const again = await openStore({ path });
    try {
      await writeWords(again);
      expect((await fileFormat(again)).version).toBe('v1.0.0+');
      await again.compactDatabase();
      expectOneZeroFormat(await fileFormat(again));
      expect(await again.query('SELECT count(*) AS n FROM main.words')).toEqual([{ n: 200000n }]);
    } finally {
      await again.close();
    }
  });

  it('refuses a version DuckDB does not name formats by, saying which forms it takes', async () => {
    await expect(openStore({ path: storePath(), storageVersion: '1.4' })).rejects.toMatchObject({ code: 'store/InvalidOptions', message: expect.stringContaining('"1.4"') });
    await expect(openStore({ path: ':memory:', storageVersion: 'v9.0.0' })).rejects.toMatchObject({ code: 'store/InvalidOptions', message: expect.stringContaining('v9.0.0') });
  });
});
