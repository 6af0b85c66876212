import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';
import { StoreError } from './store-error.js';
import type { LockWaitInfo } from './store-lock.js';

const processes = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-processes');

/** Another `node` process holding a store (test-processes/hold-store.mjs) until its stdin closes. */
class Holder {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  #listeners: (() => void)[] = [];

  constructor(path: string, mode: 'write' | 'read', options: { rows?: number; waitMs?: number } = {}) {
    const args = [path, mode, String(options.rows ?? 0), ...(options.waitMs === undefined ? [] : [String(options.waitMs)])];
    this.#child = spawn(
      process.execPath,
      ['--conditions=@anatomy/source', '--import', pathToFileURL(join(processes, 'register-typescript.mjs')).href, join(processes, 'hold-store.mjs'), ...args],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let pending = '';
    let stderr = '';
    this.#child.stdout.setEncoding('utf8').on('data', (text: string) => {
      pending += text;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      this.lines.push(...complete);
      for (const listener of this.#listeners) listener();
    });
    this.#child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    this.exited = new Promise((resolve, reject) => {
      this.#child.on('error', reject);
      this.#child.on('close', (code) => {
        if (code !== 0 && code !== 3) reject(new Error(`holder exited with ${code}:\n${stderr}`));
        else resolve(code);
      });
    });
    // A failed holder must not leave the test waiting for a line forever.
    void this.exited.then(
      () => this.#listeners.forEach((l) => l()),
      () => this.#listeners.forEach((l) => l()),
    );
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  /** The first line starting with `prefix`, once the holder has printed it. */
  async line(prefix: string): Promise<string> {
    for (;;) {
      const found = this.lines.find((l) => l.startsWith(prefix));
      if (found !== undefined) return found;
      if (this.#child.exitCode !== null) throw new Error(`holder exited without printing '${prefix}'; it printed ${JSON.stringify(this.lines)}`);
      await new Promise<void>((resolve) => this.#listeners.push(resolve));
      this.#listeners = [];
    }
  }

  /** Closes the holder's stdin, on which it closes its store and exits. */
  async release(): Promise<number | null> {
    this.#child.stdin.end();
    return this.exited;
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
  }
}

const dirs: string[] = [];
const holders: Holder[] = [];
afterEach(() => {
  for (const h of holders.splice(0)) h.kill();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'anatomy-lock-'));
  dirs.push(dir);
  return join(dir, 'anatomy.duckdb');
}

function hold(...args: ConstructorParameters<typeof Holder>): Holder {
  const holder = new Holder(...args);
  holders.push(holder);
  return holder;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('one writer at a time, across processes', () => {
  it('refuses a second writer and a reader at once with store/Locked, each with its way out', async () => {
    const path = storePath();
    const writer = hold(path, 'write', { rows: 10 });
    await writer.line('held');

    const second = await rejection(openStore({ path }));
    expect(StoreError.is(second, 'Locked')).toBe(true);
    const locked = second as InstanceType<typeof Error> & { hint: string; details: Record<string, unknown> };
    expect(locked.message).toContain(`pid ${writer.pid}`);
    expect(locked.hint).toMatch(/--wait/);
    expect(locked.hint).toMatch(/--no-wait/);
    expect(locked.details).toMatchObject({ path, readOnly: false, holder: 'writer', holderPid: writer.pid, waitedMs: null });

    const reader = await rejection(openStore({ path, readOnly: true }));
    expect(StoreError.is(reader, 'Locked')).toBe(true);
    expect((reader as { hint: string }).hint).toMatch(/retry after the build/);

    expect(await writer.release()).toBe(0);
    // Once the holder is gone the file opens, holding what it wrote.
    const store = await openStore({ path, readOnly: true });
    try {
      expect(await store.query('SELECT count(*) AS n FROM writers')).toEqual([{ n: 10n }]);
    } finally {
      await store.close();
    }
  });

  it('lets a waiting writer in once the holder exits, reporting each wait', async () => {
    const path = storePath();
    const holder = hold(path, 'write', { rows: 5000 });
    await holder.line('held');

    const waits: LockWaitInfo[] = [];
    let firstWait: () => void = () => undefined;
    const waited = new Promise<void>((resolve) => {
      firstWait = resolve;
    });
    const opening = openStore({
      path,
      wait: {
        timeoutMs: 60_000,
        pollMs: 20,
        onWait: (info) => {
          waits.push(info);
          firstWait();
        },
      },
    });
    await waited;
    expect(await holder.release()).toBe(0);
    const store = await opening;
    try {
      await store.transaction(() => store.run(`INSERT INTO writers SELECT ${process.pid}, range FROM range(5000)`));
      expect(await store.query('SELECT pid, count(*) AS n, count(DISTINCT n) AS distinct_n FROM writers GROUP BY pid ORDER BY pid = ?', [process.pid])).toEqual([
        { pid: holder.pid, n: 5000n, distinct_n: 5000n },
        { pid: process.pid, n: 5000n, distinct_n: 5000n },
      ]);
    } finally {
      await store.close();
    }
    expect(waits[0]).toMatchObject({ path, readOnly: false, holderPid: holder.pid, holder: 'writer', attempt: 1, timeoutMs: 60_000 });
    expect(waits[0]!.message).toContain(`pid ${holder.pid}`);
    expect(waits.map((w) => w.attempt)).toEqual(waits.map((_, i) => i + 1));
  });

  it('gives up after the wait times out, saying how long it waited', async () => {
    const path = storePath();
    const holder = hold(path, 'write');
    await holder.line('held');
    const waits: LockWaitInfo[] = [];
    const error = await rejection(openStore({ path, readOnly: true, wait: { timeoutMs: 200, pollMs: 20, onWait: (info) => waits.push(info) } }));
    expect(StoreError.is(error, 'Locked')).toBe(true);
    const details = (error as { details: { waitedMs: number } }).details;
    expect(details.waitedMs).toBeGreaterThanOrEqual(200);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((w) => w.waitedMs < 200 && w.readOnly)).toBe(true);
    expect((error as Error).message).toMatch(/after waiting/);
    await holder.release();
  });

  it('runs two writer processes one after the other, with all rows of both intact', async () => {
    const path = storePath();
    const first = hold(path, 'write', { rows: 20_000 });
    await first.line('held');
    const second = hold(path, 'write', { rows: 20_000, waitMs: 60_000 });
    const impatient = hold(path, 'write', { rows: 1 });
    expect(await second.line('waiting')).toBe(`waiting ${first.pid}`);
    expect(await impatient.exited).toBe(3);
    expect(await impatient.line('failed')).toMatch(/^failed store\/Locked .*--wait/);

    expect(await first.release()).toBe(0);
    await second.line('held');
    expect(await second.release()).toBe(0);

    const store = await openStore({ path, readOnly: true });
    try {
      expect(await store.query('SELECT pid, count(*) AS n, min(n) AS lo, max(n) AS hi FROM writers GROUP BY pid ORDER BY pid = ?', [second.pid])).toEqual([
        { pid: first.pid, n: 20_000n, lo: 0n, hi: 19_999n },
        { pid: second.pid, n: 20_000n, lo: 0n, hi: 19_999n },
      ]);
    } finally {
      await store.close();
    }
  });

  it('tells a writer that a reader holds the file', async () => {
    const path = storePath();
    const seed = await openStore({ path });
    await seed.run('CREATE TABLE writers (pid INTEGER, n BIGINT)');
    await seed.close();
    const reader = hold(path, 'read');
    await reader.line('held');
    const error = await rejection(openStore({ path }));
    expect(StoreError.is(error, 'Locked')).toBe(true);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({ holder: 'reader', holderPid: reader.pid });
    expect((error as { hint: string }).hint).toMatch(/read-only.*--wait/);
    // Readers share the file with each other.
    const another = await openStore({ path, readOnly: true });
    await another.close();
    await reader.release();
  });

  it('checks the wait options, listing every problem', async () => {
    const error = await rejection(openStore({ path: storePath(), wait: { timeoutMs: -1, pollMs: 0 } }));
    expect(StoreError.is(error, 'InvalidOptions')).toBe(true);
    expect((error as Error).message).toMatch(/timeoutMs[\s\S]*pollMs/);
  });
});
