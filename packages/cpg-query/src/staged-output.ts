import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CpgQueryError } from './cpg-query-error.js';

/** Buffered bytes are handed to the file system once they reach this size. */
const FLUSH_BYTES = 1 << 20;

/** Where an export writes a file: text is UTF-8 encoded, bytes are written as given. */
export interface OutputSink {
  /** Queues output; resolves once the queue is below the flush size, so a fast producer waits for the disk. */
  write(chunk: string | Uint8Array | readonly Uint8Array[]): Promise<void>;
}

function stagingName(target: string): string {
  return join(dirname(target), `.${basename(target)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
}

function exportFailed(target: string, error: unknown): Error {
  if (CpgQueryError.is(error)) return error;
  return CpgQueryError.create('ExportFailed', `cannot write ${target}: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
    details: { path: target },
    hint: 'check that the output location exists, is writable and has free space',
  });
}

/**
 * Writes a file through a staging file beside it and renames it into place
 * when `fill` succeeds, so a failed or interrupted export never leaves a
 * truncated file under the final name (and leaves any earlier file intact).
 * Resolves to what `fill` returns.
 *
 * @example
 * await writeStagedFile('out/cpg.graphml', async (sink) => { await sink.write('<graphml>…'); });
 */
export async function writeStagedFile<T>(target: string, fill: (sink: OutputSink) => Promise<T>): Promise<T> {
  const path = resolve(target);
  const staging = stagingName(path);
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(staging, 'w');
    let result: T;
    try {
      let queued: Uint8Array[] = [];
      let queuedBytes = 0;
      const flush = async (): Promise<void> => {
        const chunks = queued;
        queued = [];
        queuedBytes = 0;
        if (chunks.length > 0) await handle.writev(chunks);
      };
      const sink: OutputSink = {
        async write(chunk) {
          const parts = typeof chunk === 'string' ? [Buffer.from(chunk, 'utf8')] : chunk instanceof Uint8Array ? [chunk] : chunk;
          for (const part of parts) {
            if (part.byteLength === 0) continue;
            queued.push(part);
            queuedBytes += part.byteLength;
          }
          if (queuedBytes >= FLUSH_BYTES) await flush();
        },
      };
      result = await fill(sink);
      await flush();
    } finally {
      await handle.close();
    }
    await rename(staging, path);
    return result;
  } catch (error) {
    await rm(staging, { force: true });
    throw exportFailed(path, error);
  }
}

/**
 * Fills a directory in a staging directory beside it and swaps it into place
 * when `fill` succeeds. An existing directory is replaced only when it holds
 * nothing but files ending in `extension` (what an earlier export wrote), so
 * an export pointed at the wrong place never deletes a user's files.
 *
 * @example
 * await writeStagedDirectory('out/nodes', '.parquet', async (dir) => copyInto(dir));
 */
export async function writeStagedDirectory<T>(target: string, extension: string, fill: (staging: string) => Promise<T>): Promise<T> {
  const path = resolve(target);
  await assertReplaceable(path, extension);
  const staging = stagingName(path);
  try {
    await mkdir(staging, { recursive: true });
    const result = await fill(staging);
    await rm(path, { recursive: true, force: true });
    await rename(staging, path);
    return result;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw exportFailed(path, error);
  }
}

async function assertReplaceable(path: string, extension: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch {
    return;
  }
  const foreign = isDirectory ? (await filesUnder(path)).filter((f) => !f.endsWith(extension)) : [path];
  if (foreign.length > 0) {
    throw CpgQueryError.create('ExportFailed', `${path} exists and holds files an export did not write (${foreign.slice(0, 3).join(', ')})`, {
      details: { path, foreign: foreign.slice(0, 20) },
      hint: 'export into an empty directory, or remove the existing one first',
    });
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name));
}

/**
 * Every file under a directory, as absolute paths in sorted order.
 *
 * @example
 * await listFiles('out/nodes'); // ['/abs/out/nodes/node_kind=DEF/data_0.parquet', …]
 */
export async function listFiles(dir: string): Promise<string[]> {
  return (await filesUnder(resolve(dir))).sort();
}
