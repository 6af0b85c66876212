import { TextDecoder } from 'node:util';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { detectEncoding } from './detect-encoding.js';
import type { EncodingDetection } from './detect-encoding.js';
import { LineCounter } from './line-index.js';
import { firstUndefinedCp1252Byte, sourceCodec } from './source-codec.js';
import { Utf8Validator } from './utf8-validator.js';

/** Size of the read buffer; also how much of the head is searched for a coding cookie. */
export const CHUNK_BYTES: number = 64 * 1024;

/** A problem found in a file that is nevertheless listed. */
export interface FileProblem {
  readonly code: 'repo-scan/UndecodableBytes' | 'repo-scan/UnknownEncoding' | 'repo-scan/EncodingConflict' | 'repo-scan/BinaryFile';
  readonly message: string;
}

/** What one pass over a file's bytes learns. */
export interface FileInspection {
  /** The file's metadata as it was opened, before its bytes were read; null when it was written while being read (the sizes differ). */
  readonly stat: FileStat | null;
  readonly size: number;
  readonly sha256: string;
  readonly encoding: string;
  readonly lineCount: number;
  readonly problems: readonly FileProblem[];
}

/**
 * What the file system says of a file, enough to tell that it was not
 * written since: size, modification and change times in nanoseconds, inode.
 */
export interface FileStat {
  readonly size: number;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly ino: bigint;
}

/** The {@link FileStat} of a `stat` call made with `{ bigint: true }`. */
export function fileStatOf(stats: { readonly size: bigint; readonly mtimeNs: bigint; readonly ctimeNs: bigint; readonly ino: bigint }): FileStat {
  return Object.freeze({ size: Number(stats.size), mtimeNs: stats.mtimeNs, ctimeNs: stats.ctimeNs, ino: stats.ino });
}

/** Whether two stats describe the same unchanged file. */
export function sameFileStat(a: FileStat, b: FileStat): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

/** Checks bytes against the declared encoding chunk by chunk. */
interface EncodingCheck {
  push(chunk: Uint8Array): void;
  /** Message when the bytes were not valid, else null. */
  finish(): string | null;
}

function encodingCheck(detection: EncodingDetection): EncodingCheck | 'unknown' {
  const codec = sourceCodec(detection.encoding);
  if (codec === undefined) return 'unknown';
  const name = detection.encoding;
  switch (codec.kind) {
    case 'utf-8': {
      const v = new Utf8Validator();
      let skip = detection.bomLength;
      return {
        push(chunk) {
          const body = skip > 0 ? chunk.subarray(skip) : chunk;
          skip = 0;
          v.push(body);
        },
        finish() {
          const at = v.finish();
          return at < 0 ? null : `the bytes are not valid ${name} at byte ${at + detection.bomLength}`;
        },
      };
    }
    case 'ascii':
    case 'cp1252': {
      const firstBad = codec.kind === 'ascii' ? (chunk: Uint8Array) => chunk.findIndex((b) => b >= 0x80) : firstUndefinedCp1252Byte;
      let offset = 0;
      let bad = -1;
      return {
        push(chunk) {
          if (bad < 0) {
            const i = firstBad(chunk);
            if (i >= 0) bad = offset + i;
          }
          offset += chunk.length;
        },
        finish: () => (bad < 0 ? null : `the bytes are not valid ${name} at byte ${bad}`),
      };
    }
    case 'latin-1':
      return { push() {}, finish: () => null };
    case 'text-decoder': {
      const decoder = new TextDecoder(codec.label, { fatal: true });
      let ok = true;
      const attempt = (fn: () => void): void => {
        if (!ok) return;
        try {
          fn();
        } catch {
          ok = false;
        }
      };
      return {
        push: (chunk) => attempt(() => decoder.decode(chunk, { stream: true })),
        finish() {
          attempt(() => decoder.decode());
          return ok ? null : `the bytes are not valid ${name}`;
        },
      };
    }
  }
}

/** Reads until `buffer` is full or the file ends; returns the number of bytes read. */
async function fill(handle: FileHandle, buffer: Buffer): Promise<number> {
  let n = 0;
  while (n < buffer.length) {
    const { bytesRead } = await handle.read(buffer, n, buffer.length - n, null);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return n;
}

/**
 * One streaming pass over a file: SHA-256, size, line count, encoding
 * declaration, NUL bytes and validity in the declared encoding. Memory stays
 * at one chunk whatever the file size; `buffer` is reused between files.
 * Throws only when the file cannot be opened or read.
 */
export async function inspectFile(absolutePath: string, buffer: Buffer): Promise<FileInspection> {
  const handle = await open(absolutePath, 'r');
  try {
    const stat = fileStatOf(await handle.stat({ bigint: true }));
    const hash = createHash('sha256');
    const lines = new LineCounter();
    let size = 0;
    let detection: EncodingDetection | undefined;
    let check: EncodingCheck | 'unknown' | undefined;
    let firstNul = -1;
    for (;;) {
      const n = await fill(handle, buffer);
      const chunk = buffer.subarray(0, n);
      if (detection === undefined) {
        detection = detectEncoding(chunk);
        check = encodingCheck(detection);
      }
      if (n === 0) break;
      hash.update(chunk);
      lines.push(chunk);
      if (firstNul < 0) {
        const nul = chunk.indexOf(0);
        if (nul >= 0) firstNul = size + nul;
      }
      if (firstNul < 0 && check !== 'unknown') check?.push(chunk);
      size += n;
      if (n < buffer.length) break;
    }
    const problems: FileProblem[] = [];
    const encoding = detection?.encoding ?? 'utf-8';
    if (firstNul >= 0) {
      problems.push({ code: 'repo-scan/BinaryFile', message: `a NUL byte at byte ${firstNul}: this is not Python source text` });
    } else if (check === 'unknown') {
      problems.push({ code: 'repo-scan/UnknownEncoding', message: `the coding cookie names '${encoding}', which has no decoder here` });
    } else {
      const invalid = check?.finish() ?? null;
      if (invalid !== null) problems.push({ code: 'repo-scan/UndecodableBytes', message: invalid });
    }
    if (detection?.conflict === true) {
      problems.push({
        code: 'repo-scan/EncodingConflict',
        message: `a UTF-8 byte order mark contradicts the coding cookie '${detection.cookie ?? ''}'; Python refuses such a file`,
      });
    }
    return Object.freeze({ stat: stat.size === size ? stat : null, size, sha256: hash.digest('hex'), encoding, lineCount: lines.count(), problems: Object.freeze(problems) });
  } finally {
    await handle.close();
  }
}
