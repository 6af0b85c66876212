import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { tableFingerprint } from './table-fingerprint.js';

const processes = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-processes');

interface WriterRun {
  readonly markers: readonly string[];
  readonly killed: boolean;
}

/** Where to kill a writer: `delayMs` after it prints `marker`. */
interface KillPoint {
  readonly marker: string;
  readonly delayMs: number;
}

/**
 * Runs a writer script of test-processes/ in its own `node` process, and
 * SIGKILLs it `delayMs` after it announces `killAt.marker` — or lets it
 * finish when `killAt` is null.
 */
function runWriter(script: string, args: readonly string[], killAt: KillPoint | null): Promise<WriterRun> {
  const child = spawn(
    process.execPath,
    ['--conditions=@anatomy/source', '--import', pathToFileURL(join(processes, 'register-typescript.mjs')).href, join(processes, script), ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const markers: string[] = [];
  let pending = '';
  let stderr = '';
  let killed = false;
  const kill = (): void => {
    killed = child.kill('SIGKILL') || killed;
  };
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      markers.push(line);
      if (killAt !== null && line === killAt.marker && !killed) {
        if (killAt.delayMs === 0) kill();
        else setTimeout(kill, killAt.delayMs);
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL' && killed) resolve({ markers, killed: true });
      else if (code === 0) resolve({ markers, killed: false });
      else reject(new Error(`${script} ${args.join(' ')} failed (${code ?? signal}):\n${stderr}`));
    });
  });
}

/**
 * Rebuilds the store as generation `generation` (test-processes/rebuild-store.mjs), in one
 * transaction or, with `viaGeneration`, through `replaceGeneration`.
 */
function rebuild(path: string, generation: number, killAt: KillPoint | null, viaGeneration = false): Promise<WriterRun> {
  return runWriter('rebuild-store.mjs', [path, String(generation), ...(viaGeneration ? ['generation'] : [])], killAt);
}

/** A small seeded generator (mulberry32), so every run of the test makes the same choices. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Opens the store read-only and checks that it holds exactly one whole
 * generation: every row of every table carries the generation that
 * `cpg.build_info` names, and every count agrees with it. Returns that generation.
 */
async function wholeGeneration(path: string): Promise<number> {
  const store = await openStore({ path, readOnly: true });
  try {
    const info = await store.query('SELECT generation, files, items FROM cpg.build_info');
    expect(info).toHaveLength(1);
    const { generation, files, items } = info[0] as { generation: bigint; files: bigint; items: bigint };
    const generations = await store.query(
      `SELECT 'evidence.files' AS t, list(DISTINCT generation) AS g FROM evidence.files
       UNION ALL SELECT 'evidence.items', list(DISTINCT generation) FROM evidence.items
       UNION ALL SELECT 'cpg.summary', list(DISTINCT generation) FROM cpg.summary
       UNION ALL SELECT 'cpg.item_view', list(DISTINCT generation) FROM cpg.item_view
       ORDER BY t`,
    );
    for (const row of generations) expect(row, String(row['t'])).toEqual({ t: row['t'], g: [generation] });
    const counts = await store.query(
      `SELECT (SELECT count(*) FROM evidence.files) AS files,
              (SELECT count(*) FROM evidence.items) AS items,
              (SELECT count(DISTINCT file_id) FROM evidence.items) AS files_with_items,
              (SELECT count(*) FROM cpg.summary) AS summary_rows,
              (SELECT sum(items) FROM cpg.summary)::BIGINT AS summary_items,
              (SELECT sum(seq_sum) FROM cpg.summary)::BIGINT AS seq_sum,
              (SELECT count(*) FROM cpg.item_view) AS view_rows`,
    );
    expect(counts[0]).toEqual({
      files,
      items,
      files_with_items: files,
      summary_rows: files,
      summary_items: items,
      seq_sum: (items * (items - 1n)) / 2n,
      view_rows: items,
    });
    return Number(generation);
  } finally {
    await store.close();
  }
}

const CPG_TABLES = ['evidence.files', 'evidence.items', 'cpg.summary', 'cpg.build_info', 'cpg.item_view'];

async function fingerprints(path: string): Promise<Record<string, string>> {
  const store = await openStore({ path, readOnly: true });
  try {
    const out: Record<string, string> = {};
    for (const table of CPG_TABLES) out[table] = await tableFingerprint(store, table);
    return out;
  } finally {
    await store.close();
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a rebuild killed at any moment', () => {
  it('leaves the previous generation or the new one whole, never a mix, and a later rebuild equals a fresh one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-crash-'));
    dirs.push(dir);
    const path = join(dir, 'anatomy.duckdb');
    const random = seeded(0x5eed_2024);
    // Commit and checkpoint are short, so they are listed twice and killed into with delays.
    const killPoints = ['opening', 'open', 'begin', 'dropped', 'batch 0', 'batch 7', 'batch 15', 'materialized', 'committing', 'committing', 'committed', 'closing', 'closing'];

    await rebuild(path, 1, null);
    let visible = await wholeGeneration(path);
    expect(visible).toBe(1);
    const seen = { old: 0, new: 0 };

    for (let attempt = 2; attempt <= 21; attempt++) {
      const marker = killPoints[Math.floor(random() * killPoints.length)]!;
      const delayMs = Math.floor(random() * 3) === 0 ? 0 : Math.floor(random() * 40);
      const run = await rebuild(path, attempt, { marker, delayMs });
      const now = await wholeGeneration(path);
      const context = `generation ${attempt} killed ${delayMs} ms after '${marker}', last marker '${run.markers.at(-1) ?? '(none)'}'`;
      if (!run.markers.includes('committing')) expect(now, context).toBe(visible);
      else if (run.markers.includes('committed')) expect(now, context).toBe(attempt);
      else expect([visible, attempt], context).toContain(now);
      seen[now === attempt ? 'new' : 'old'] += 1;
      visible = now;
    }
    // The schedule above must actually have killed builds on both sides of the commit.
    expect(seen.old).toBeGreaterThan(0);
    expect(seen.new).toBeGreaterThan(0);

    await rebuild(path, 1000, null);
    expect(await wholeGeneration(path)).toBe(1000);
    const fresh = join(dir, 'fresh.duckdb');
    await rebuild(fresh, 1000, null);
    expect(await fingerprints(path)).toEqual(await fingerprints(fresh));
  }, 120_000);

  it('through replaceGeneration, leaves the previous generation or the new one whole, carries the other tables over, and cleans up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-crash-generation-'));
    dirs.push(dir);
    const path = join(dir, 'anatomy.duckdb');
    const random = seeded(0x9e_4e7a);
    const killPoints = ['open', 'begin', 'batch 0', 'batch 10', 'materialized', 'committing', 'committing', 'committed', 'closing'];
    await rebuild(path, 1, null, true);
    let visible = await wholeGeneration(path);
    expect(visible).toBe(1);
    const seen = { old: 0, new: 0 };
    for (let attempt = 2; attempt <= 13; attempt++) {
      const marker = killPoints[Math.floor(random() * killPoints.length)]!;
      const delayMs = Math.floor(random() * 3) === 0 ? 0 : Math.floor(random() * 40);
      const run = await rebuild(path, attempt, { marker, delayMs }, true);
      const now = await wholeGeneration(path);
      const context = `generation ${attempt} killed ${delayMs} ms after '${marker}', last marker '${run.markers.at(-1) ?? '(none)'}'`;
      if (!run.markers.includes('committing')) expect(now, context).toBe(visible);
      else if (run.markers.includes('committed')) expect(now, context).toBe(attempt);
      else expect([visible, attempt], context).toContain(now);
      seen[now === attempt ? 'new' : 'old'] += 1;
      visible = now;
    }
    expect(seen.old).toBeGreaterThan(0);
    expect(seen.new).toBeGreaterThan(0);
    await rebuild(path, 1000, null, true);
    expect(await wholeGeneration(path)).toBe(1000);
    // Each generation that was swapped in appended to a table outside the replaced schemas; every one is still there.
    const store = await openStore({ path, readOnly: true });
    try {
      const history = (await store.query('SELECT generation FROM meta.history ORDER BY generation')).map((r) => Number(r['generation']));
      expect(history[0]).toBe(1);
      expect(history.at(-1)).toBe(1000);
      expect(history).toHaveLength(seen.new + 2);
    } finally {
      await store.close();
    }
    // The equal fresh rebuild through one transaction gives the same tables.
    const fresh = join(dir, 'fresh.duckdb');
    await rebuild(fresh, 1000, null);
    expect(await fingerprints(path)).toEqual(await fingerprints(fresh));
    expect(readdirSync(dir).filter((f) => f.includes('.next'))).toEqual([]);
  }, 120_000);

  it('leaves the store whole when compaction is killed at any moment, and a later compaction cleans up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anatomy-crash-compact-'));
    dirs.push(dir);
    const path = join(dir, 'anatomy.duckdb');
    await rebuild(path, 7, null);
    const expected = await fingerprints(path);
    const random = seeded(0xc0_4ac7);
    const interrupted: string[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      // Compacting this store takes a few hundred milliseconds; the delays spread over it.
      const killAt = { marker: attempt === 0 ? 'opening' : 'compacting', delayMs: Math.floor(random() * 250) };
      const run = await runWriter('compact-store.mjs', [path], killAt);
      interrupted.push(run.markers.at(-1) ?? '');
      expect(await wholeGeneration(path)).toBe(7);
    }
    // Some kills must have landed inside the compaction itself.
    expect(interrupted.filter((m) => m === 'compacting').length).toBeGreaterThan(0);
    expect(await fingerprints(path)).toEqual(expected);
    const finished = await runWriter('compact-store.mjs', [path], null);
    expect(finished.markers.some((m) => m.startsWith('compacted'))).toBe(true);
    expect(await fingerprints(path)).toEqual(expected);
    expect(readdirSync(dir).filter((f) => f.includes('compact'))).toEqual([]);
  }, 60_000);
});
