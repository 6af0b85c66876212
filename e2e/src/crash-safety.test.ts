import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anatomy, fixtureCopy, workspaceRoot } from './anatomy-cli.js';

const bin = join(workspaceRoot, 'node_modules', '.bin', 'anatomy');

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be repeated. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Order-independent digest of the CPG tables, computed by DuckDB. */
async function cpgDigest(db: string): Promise<string> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    const parts: string[] = [];
    for (const table of ['cpg.nodes', 'cpg.edges', 'cpg.props']) {
      const reader = await connection.runAndReadAll(`SELECT count(*)::VARCHAR || ':' || coalesce(md5(string_agg(md5(t::VARCHAR), '' ORDER BY md5(t::VARCHAR))), '') FROM ${table} t`);
      parts.push(String(reader.getRows()[0]?.[0]));
    }
    connection.closeSync();
    return parts.join('|');
  } finally {
    instance.closeSync();
  }
}

/** Starts a build (with `flags`) and SIGKILLs it after `ms` milliseconds (if it is still running). */
function killedBuild(project: string, ms: number, flags: readonly string[] = []): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(bin, ['build', project, '--maintenance', 'off', ...flags], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('a build killed at any moment', () => {
  let project: string;
  let reference: string;
  const digests = new Map<string, string>();

  beforeAll(async () => {
    project = fixtureCopy('shop');
    reference = fixtureCopy('shop');
    // Two versions of the sources, so an old CPG and a new one can be told apart.
    for (const [version, dir] of [['v1', project], ['v1', reference]] as const) {
      writeFileSync(join(dir, 'extra.py'), `def ${version}():\n    return 1\n`);
    }
    expect(anatomy('build', reference).status).toBe(0);
    digests.set('v1', await cpgDigest(join(reference, '.anatomy', 'anatomy.duckdb')));
    appendFileSync(join(reference, 'extra.py'), 'def v2():\n    return 2\n');
    expect(anatomy('build', reference).status).toBe(0);
    digests.set('v2', await cpgDigest(join(reference, '.anatomy', 'anatomy.duckdb')));
    expect(anatomy('build', project).status).toBe(0);
    appendFileSync(join(project, 'extra.py'), 'def v2():\n    return 2\n');
  }, 120_000);
  afterAll(() => {
    rmSync(project, { recursive: true, force: true });
    rmSync(reference, { recursive: true, force: true });
  });

  it('leaves the previous CPG or the new one, whole, and the next build equals a clean one', async () => {
    const next = random(20261125);
    const db = join(project, '.anatomy', 'anatomy.duckdb');
    // A kill while the build is still scanning must leave the old CPG: this proves the rollback side.
    await killedBuild(project, 150);
    expect(await cpgDigest(db)).toBe(digests.get('v1'));
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      // Every other build is full, which writes a new generation beside the store and swaps it in,
      // instead of changing the store in one transaction as an incremental build does.
      await killedBuild(project, 100 + Math.floor(next() * 2500), i % 2 === 1 ? ['--full'] : []);
      const digest = await cpgDigest(db);
      const version = [...digests].find(([, d]) => d === digest)?.[0];
      expect(version, `after kill ${i + 1} the CPG is neither the old nor the new one`).toBeDefined();
      seen.add(version as string);
    }
    expect(seen.size).toBeGreaterThan(0);
    expect(anatomy('build', project).status).toBe(0);
    expect(await cpgDigest(db)).toBe(digests.get('v2'));
  }, 240_000);
});

describe('two builds on one store', () => {
  it('never corrupts it: one fails at once with a clear message, and --wait lets the second finish', async () => {
    const project = fixtureCopy('shop');
    try {
      const first = spawn(bin, ['build', project], { stdio: ['ignore', 'pipe', 'pipe'] });
      let firstErr = '';
      first.stderr.on('data', (c: Buffer) => (firstErr += c.toString()));
      // start the second once the first holds the store
      await new Promise<void>((resolve) => first.stderr.on('data', (c: Buffer) => c.toString().includes('» plan') && resolve()));
      const second = spawnSync(bin, ['build', project, '--no-wait'], { encoding: 'utf8' });
      const firstCode = await new Promise<number | null>((resolve) => first.on('exit', resolve));
      expect(firstCode, firstErr).toBe(0);
      if (second.status !== 0) {
        expect(second.status).toBe(75);
        expect(second.stderr).toMatch(/is locked by a writer \(pid \d+\)[\s\S]*--wait/);
      }
      const waiting = spawn(bin, ['build', project], { stdio: 'ignore' });
      const patient = spawnSync(bin, ['build', project, '--wait', '120'], { encoding: 'utf8' });
      await new Promise((resolve) => waiting.on('exit', resolve));
      expect(patient.status, patient.stderr).toBe(0);
      const count = anatomy('query', project, "SELECT count(*) AS n FROM cpg.nodes WHERE node_kind = 'DEF'", '--format', 'csv');
      expect(count.stdout).toBe('n\n18\n');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 240_000);
});
