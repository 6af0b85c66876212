import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DUCKDB_ALLOCATOR_DEFAULT, DUCKDB_ALLOCATOR_VARIABLE, setAllocatorDefaults } from './duckdb-allocator.js';

describe('setAllocatorDefaults', () => {
  it('sets the allocator variable when it is absent and keeps one already set', () => {
    const env: Record<string, string | undefined> = { PATH: '/bin' };
    expect(setAllocatorDefaults(env)).toBe(true);
    expect(env).toEqual({ PATH: '/bin', [DUCKDB_ALLOCATOR_VARIABLE]: 'dirty_decay_ms:1000,muzzy_decay_ms:0' });
    const own = { [DUCKDB_ALLOCATOR_VARIABLE]: 'dirty_decay_ms:0' };
    expect(setAllocatorDefaults(own)).toBe(false);
    expect(own).toEqual({ [DUCKDB_ALLOCATOR_VARIABLE]: 'dirty_decay_ms:0' });
  });

  it('is applied by the anatomy command before it imports the CLI, which loads DuckDB', () => {
    const bin = readFileSync(new URL('../bin/anatomy.js', import.meta.url), 'utf8');
    const applied = bin.indexOf('setAllocatorDefaults(process.env)');
    expect(applied).toBeGreaterThan(0);
    expect(bin.indexOf('await import(cli.href)')).toBeGreaterThan(applied);
    expect(bin).not.toMatch(/^import .*duckdb/m);
    expect(DUCKDB_ALLOCATOR_DEFAULT).toMatch(/^dirty_decay_ms:\d+,muzzy_decay_ms:0$/);
  });
});
