import { TextDecoder } from 'node:util';
import { decodeCp1252, sourceCodec } from './source-codec.js';
import type { SourceCodec } from './source-codec.js';
import { firstInvalidUtf8Byte } from './utf8-validator.js';

/**
 * A file's text with the way back to its bytes. JavaScript strings index
 * UTF-16 code units; every span Anatomy stores is a byte offset into the
 * file, so each decoded file carries the mapping, computed once.
 */
export interface DecodedSource {
  /** The decoded text, without the byte order mark. */
  readonly text: string;
  /**
   * The byte offset in the file at which UTF-16 code unit `index` of `text`
   * starts (`index` may equal `text.length`: the end of the file).
   */
  byteOffset(index: number): number;
}

/** Offsets are `base + index` when there is no table (one byte per code unit). */
class MappedSource implements DecodedSource {
  readonly text: string;
  readonly #base: number;
  readonly #offsets: Uint32Array | null;

  constructor(text: string, base: number, offsets: Uint32Array | null) {
    this.text = text;
    this.#base = base;
    this.#offsets = offsets;
    Object.freeze(this);
  }

  byteOffset(index: number): number {
    return this.#offsets === null ? this.#base + index : (this.#offsets[index] as number);
  }
}

/** The outcome of {@link decodeSource}: the text, or why the bytes cannot be read as text. */
export type DecodeResult =
  | { readonly ok: true; readonly source: DecodedSource }
  | {
      readonly ok: false;
      readonly code: 'repo-scan/UndecodableBytes' | 'repo-scan/UnknownEncoding';
      readonly message: string;
      /** First offending byte, when the decoder can tell. */
      readonly byteOffset: number | null;
    };

/**
 * Byte offset of every code unit of UTF-8-decoded text, with a fast path:
 * when the text is pure ASCII (its UTF-8 length equals its code unit count)
 * offsets equal indices and no table is built.
 */
function utf8Offsets(text: string, base: number, byteLength: number): Uint32Array | null {
  if (byteLength === text.length) return null;
  const offsets = new Uint32Array(text.length + 1);
  let b = base;
  for (let i = 0; i < text.length; i++) {
    offsets[i] = b;
    const c = text.charCodeAt(i);
    if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      // A surrogate pair is one 4-byte character; the low half starts nowhere
      // in the bytes, so it is given the offset just past the character.
      b += 4;
      offsets[++i] = b;
    } else b += 3;
  }
  offsets[text.length] = b;
  return offsets;
}

/**
 * Decodes a multi-byte legacy encoding one byte at a time so that each
 * produced code unit learns the byte its character started at. Linear, but
 * slower than a bulk decode; such files are rare.
 */
function streamedOffsets(bytes: Uint8Array, label: string): { text: string; offsets: Uint32Array } {
  const decoder = new TextDecoder(label, { fatal: true });
  const pieces: string[] = [];
  const starts: number[] = [];
  let charStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const piece = decoder.decode(bytes.subarray(i, i + 1), { stream: true });
    if (piece.length > 0) {
      pieces.push(piece);
      for (let k = 0; k < piece.length; k++) starts.push(charStart);
      charStart = i + 1;
    }
  }
  const tail = decoder.decode();
  pieces.push(tail);
  for (let k = 0; k < tail.length; k++) starts.push(charStart);
  starts.push(bytes.length);
  return { text: pieces.join(''), offsets: Uint32Array.from(starts) };
}

function undecodable(encoding: string, byteOffset: number | null): DecodeResult {
  const where = byteOffset === null ? '' : ` at byte ${byteOffset}`;
  return Object.freeze({
    ok: false,
    code: 'repo-scan/UndecodableBytes',
    message: `the bytes are not valid ${encoding}${where}`,
    byteOffset,
  });
}

function decodeWith(codec: SourceCodec, bytes: Uint8Array, encoding: string): DecodeResult {
  switch (codec.kind) {
    case 'utf-8': {
      const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf && encoding === 'utf-8-sig' ? 3 : 0;
      const body = bytes.subarray(bom);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
      } catch {
        return undecodable(encoding, bom + firstInvalidUtf8Byte(body));
      }
      return { ok: true, source: new MappedSource(text, bom, utf8Offsets(text, bom, body.length)) };
    }
    case 'ascii': {
      const bad = bytes.findIndex((b) => b >= 0x80);
      if (bad >= 0) return undecodable(encoding, bad);
      return { ok: true, source: new MappedSource(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'), 0, null) };
    }
    case 'latin-1':
      // Node's 'latin1' maps byte n to U+00nn, exactly Python's latin-1.
      return { ok: true, source: new MappedSource(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1'), 0, null) };
    case 'cp1252': {
      const r = decodeCp1252(bytes);
      return 'text' in r ? { ok: true, source: new MappedSource(r.text, 0, null) } : undecodable(encoding, r.invalidAt);
    }
    case 'text-decoder': {
      if (codec.unitBytes === 'one') {
        let text: string;
        try {
          text = new TextDecoder(codec.label, { fatal: true }).decode(bytes);
        } catch {
          return undecodable(encoding, null);
        }
        if (text.length === bytes.length) return { ok: true, source: new MappedSource(text, 0, null) };
      }
      try {
        const { text, offsets } = streamedOffsets(bytes, codec.label);
        return { ok: true, source: new MappedSource(text, 0, offsets) };
      } catch {
        return undecodable(encoding, null);
      }
    }
  }
}

/**
 * Decodes a file's bytes in its source encoding (as recorded by a scan) and
 * keeps the mapping from text positions back to byte offsets. A UTF-8 byte
 * order mark is dropped from the text but still counts in the offsets. Never
 * throws: undecodable bytes and unknown encodings come back as a result.
 *
 * @example
 * const r = decodeSource(Buffer.from('\u00e9 = 1'), 'utf-8');
 * if (r.ok) r.source.byteOffset(1); // 2: 'é' takes two bytes
 */
export function decodeSource(bytes: Uint8Array, encoding: string): DecodeResult {
  const codec = sourceCodec(encoding);
  if (codec === undefined) {
    return Object.freeze({
      ok: false,
      code: 'repo-scan/UnknownEncoding',
      message: `no decoder for the source encoding '${encoding}'`,
      byteOffset: null,
    });
  }
  return decodeWith(codec, bytes, encoding);
}
