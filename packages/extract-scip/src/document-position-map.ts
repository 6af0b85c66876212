import { decodeSource } from '@anatomy/repo-scan';
import type { DecodedSource } from '@anatomy/repo-scan';
import type { CharUnit } from './scip-enums.js';

const LF = 0x0a;
const CR = 0x0d;

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * Converts SCIP positions — 0-based line, and a character offset within the
 * line counted in UTF-8 bytes, UTF-16 code units or UTF-32 code units — to
 * byte offsets in a file. Lines end at `\n`, `\r\n` or a lone `\r`, as
 * Python and pyright split them. A UTF-8 byte order mark counts as the
 * first character of line 0 (one UTF-16/UTF-32 unit, three UTF-8 bytes),
 * because indexers see it as part of the text. A position that falls past
 * the end of its line, inside a line terminator, or inside a character
 * converts to `null`: the range does not describe this file.
 */
export class DocumentPositionMap {
  readonly #source: DecodedSource;
  /** Index into the text where each line starts, and where its content ends (before the terminator). */
  readonly #starts: Int32Array;
  readonly #ends: Int32Array;
  /** 1 where the line's text holds nothing but ASCII, so every unit is one character. */
  readonly #ascii: Uint8Array;
  /** Bytes of a byte order mark that the decoded text leaves out. */
  readonly #bomBytes: number;
  /** Whether a position on the line after the last one, character 0, is the end of the file. */
  readonly #openLastLine: boolean;

  private constructor(source: DecodedSource) {
    this.#source = source;
    const text = source.text;
    this.#bomBytes = source.byteOffset(0);
    const starts: number[] = [0];
    const ends: number[] = [];
    const ascii: number[] = [];
    let isAscii = 1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) {
        ends.push(i);
        ascii.push(isAscii);
        isAscii = 1;
        if (c === CR && text.charCodeAt(i + 1) === LF) i++;
        starts.push(i + 1);
      } else if (c >= 0x80) isAscii = 0;
    }
    ends.push(text.length);
    ascii.push(isAscii);
    // A final terminator opens no new line: the last start then equals the text length.
    const terminated = starts.length > 1 && starts[starts.length - 1] === text.length;
    if (terminated) {
      starts.pop();
      ends.pop();
      ascii.pop();
    }
    this.#openLastLine = terminated || text.length === 0;
    if (text.length === 0) {
      starts.length = 0;
      ends.length = 0;
      ascii.length = 0;
    }
    this.#starts = Int32Array.from(starts);
    this.#ends = Int32Array.from(ends);
    this.#ascii = Uint8Array.from(ascii);
  }

  /**
   * Decodes a file's bytes in its source encoding (as the scan recorded it)
   * and indexes its lines; an error message when the bytes do not decode.
   */
  static decode(bytes: Uint8Array, encoding: string): { readonly ok: true; readonly map: DocumentPositionMap } | { readonly ok: false; readonly message: string } {
    const decoded = decodeSource(bytes, encoding);
    return decoded.ok ? { ok: true, map: new DocumentPositionMap(decoded.source) } : { ok: false, message: decoded.message };
  }

  /** Lines in the file, the last one counted even without a terminator. */
  get lineCount(): number {
    return this.#starts.length;
  }

  /** The byte offset of a position, or `null` when the position is not in the file. */
  byteOffset(line: number, char: number, unit: CharUnit): number | null {
    if (char < 0 || line < 0) return null;
    const text = this.#source.text;
    if (line >= this.#starts.length) {
      return line === this.#starts.length && char === 0 && this.#openLastLine ? this.#source.byteOffset(text.length) : null;
    }
    let units = char;
    if (line === 0 && this.#bomBytes > 0) {
      if (units === 0) return 0;
      const bomUnits = unit === 'utf8' ? this.#bomBytes : 1;
      if (units < bomUnits) return null;
      units -= bomUnits;
    }
    const start = this.#starts[line] as number;
    const end = this.#ends[line] as number;
    let i: number;
    if (unit === 'utf16' || this.#ascii[line] === 1) {
      i = start + units;
      if (i > end) return null;
      // Inside a surrogate pair: half a character.
      const c = text.charCodeAt(i);
      if (i < end && c >= 0xdc00 && c <= 0xdfff && i > start) {
        const before = text.charCodeAt(i - 1);
        if (before >= 0xd800 && before <= 0xdbff) return null;
      }
    } else {
      i = start;
      while (units > 0) {
        if (i >= end) return null;
        const cp = text.codePointAt(i) as number;
        const width = unit === 'utf32' ? 1 : utf8Length(cp);
        if (width > units) return null;
        units -= width;
        i += cp > 0xffff ? 2 : 1;
      }
    }
    return this.#source.byteOffset(i);
  }
}
