import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { decodeDocument, decodeMetadata, decodeSymbolInformation, salvageRelativePath } from './decode-scip-message.js';
import { ExtractScipError } from './extract-scip-error.js';
import type { ScipIndexEntry } from './scip-messages.js';
import { WireReader, WireType } from './wire-reader.js';

/** Options of {@link readScipIndex}. */
export interface ReadScipIndexOptions {
  /** Bytes read from the file at a time; a larger document grows the buffer to fit it. */
  readonly chunkBytes?: number;
  readonly signal?: AbortSignal;
}

const DEFAULT_CHUNK = 1 << 20;

/**
 * A window over the file: bytes `[start, end)` of `buffer` are read but not
 * yet consumed. It grows only to hold the largest single document.
 */
class FileWindow {
  buffer: Buffer;
  start = 0;
  end = 0;
  eof = false;
  readonly #file: FileHandle;
  readonly #chunk: number;

  constructor(file: FileHandle, chunk: number) {
    this.#file = file;
    this.#chunk = chunk;
    this.buffer = Buffer.allocUnsafe(chunk);
  }

  get available(): number {
    return this.end - this.start;
  }

  /** Reads until `n` bytes are available or the file ends; returns whether they are. */
  async fill(n: number): Promise<boolean> {
    while (this.available < n && !this.eof) {
      if (this.buffer.length - this.start < n || this.end === this.buffer.length) {
        const size = Math.max(n, this.#chunk, this.available * 2);
        const next = size > this.buffer.length ? Buffer.allocUnsafe(size) : this.buffer;
        this.buffer.copy(next, 0, this.start, this.end);
        this.buffer = next;
        this.end -= this.start;
        this.start = 0;
      }
      const { bytesRead } = await this.#file.read(this.buffer, this.end, this.buffer.length - this.end, null);
      if (bytesRead === 0) this.eof = true;
      this.end += bytesRead;
    }
    return this.available >= n;
  }
}

/** Reads a varint from the window without consuming it; `null` when more bytes are needed. */
function peekVarint(w: FileWindow, at: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = at; i < w.end && i - at < 10; i++) {
    const b = w.buffer[i] as number;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, next: i + 1 };
    scale *= 128;
  }
  return null;
}

function malformed(path: string, message: string): never {
  throw ExtractScipError.create('MalformedIndex', `${path}: ${message}`, {
    details: { path },
    hint: 'the index is truncated or is not a SCIP index; write it again with the indexer',
  });
}

/**
 * Streams the entries of a SCIP index file: its metadata, then each document
 * and external symbol as the file holds them. Only one top-level entry is
 * held in memory at a time, so an index of any size reads in memory bounded
 * by its largest document. A document that does not decode is reported as a
 * `malformed-document` entry and reading goes on; damage to the framing of
 * the file itself (a truncated index) throws `extract-scip/MalformedIndex`,
 * and an unreadable file `extract-scip/IndexUnreadable`.
 *
 * @example
 * for await (const entry of readScipIndex('index.scip')) {
 *   if (entry.kind === 'document') console.log(entry.document.relativePath, entry.document.occurrences.length);
 * }
 */
export async function* readScipIndex(path: string, options: ReadScipIndexOptions = {}): AsyncGenerator<ScipIndexEntry, void, undefined> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw ExtractScipError.create('IndexUnreadable', `cannot open the SCIP index ${path}: ${(error as Error).message}`, {
      cause: error,
      details: { path },
      hint: 'check the path given to --scip-index, or run scip-python to write the index',
    });
  }
  try {
    const w = new FileWindow(file, options.chunkBytes ?? DEFAULT_CHUNK);
    for (;;) {
      options.signal?.throwIfAborted();
      // A key and a length are at most 10 bytes each.
      await w.fill(20);
      if (w.available === 0) return;
      const key = peekVarint(w, w.start);
      if (key === null) malformed(path, `the field key at byte ${w.start} is cut off`);
      const field = Math.floor(key.value / 8);
      const wireType = key.value & 7;
      if (wireType !== WireType.lengthDelimited) {
        // Index has only message fields; anything else is skipped in place.
        const reader = new WireReader(w.buffer, key.next, w.end);
        reader.skip(wireType);
        w.start = reader.position;
        continue;
      }
      const length = peekVarint(w, key.next);
      if (length === null) malformed(path, `the length of field ${field} is cut off`);
      const headerBytes = length.next - w.start;
      if (!(await w.fill(headerBytes + length.value))) {
        malformed(path, `field ${field} announces ${length.value} bytes but the file ends first`);
      }
      // `fill` may have moved the window: recompute the value's offsets.
      const valueStart = w.start + headerBytes;
      const valueEnd = valueStart + length.value;
      w.start = valueEnd;
      const reader = new WireReader(w.buffer, valueStart, valueEnd);
      if (field === 1) yield { kind: 'metadata', metadata: decodeMetadata(reader) };
      else if (field === 2) {
        let entry: ScipIndexEntry;
        try {
          entry = { kind: 'document', document: decodeDocument(reader) };
        } catch (error) {
          if (!ExtractScipError.is(error, 'MalformedIndex')) throw error;
          const relativePath = salvageRelativePath(new WireReader(w.buffer, valueStart, valueEnd));
          entry = { kind: 'malformed-document', relativePath, message: error.message };
        }
        yield entry;
      } else if (field === 3) yield { kind: 'external-symbol', symbol: decodeSymbolInformation(reader) };
    }
  } finally {
    await file.close();
  }
}
