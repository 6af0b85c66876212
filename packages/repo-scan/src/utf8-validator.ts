import { isAscii } from 'node:buffer';

/**
 * Streaming UTF-8 well-formedness check that reports the offset of the first
 * ill-formed byte. It follows the table of well-formed byte sequences in The
 * Unicode Standard, §3.9 (Table 3-7): overlong forms, surrogates (ED A0–BF)
 * and code points above U+10FFFF (F4 90+, F5–FF) are rejected, as Python's
 * strict `utf-8` codec rejects them. Chunks of pure ASCII are skipped by a
 * native check, so ordinary source costs almost nothing.
 */
export class Utf8Validator {
  #offset = 0;
  /** Continuation bytes still expected by the current sequence. */
  #need = 0;
  /** Bounds for the next continuation byte (narrowed after E0, ED, F0, F4). */
  #lo = 0x80;
  #hi = 0xbf;
  /** Offset of the lead byte of the sequence in progress. */
  #seqStart = 0;
  #invalidAt = -1;

  /** Feeds the next chunk; returns false once the input is known to be ill-formed. */
  push(chunk: Uint8Array): boolean {
    if (this.#invalidAt >= 0) return false;
    if (this.#need === 0 && isAscii(chunk)) {
      this.#offset += chunk.length;
      return true;
    }
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (this.#need > 0) {
        if (b < this.#lo || b > this.#hi) {
          this.#invalidAt = this.#seqStart;
          return false;
        }
        this.#need--;
        this.#lo = 0x80;
        this.#hi = 0xbf;
        continue;
      }
      if (b < 0x80) continue;
      this.#seqStart = this.#offset + i;
      if (b >= 0xc2 && b <= 0xdf) this.#need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        this.#need = 2;
        if (b === 0xe0) this.#lo = 0xa0;
        else if (b === 0xed) this.#hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.#need = 3;
        if (b === 0xf0) this.#lo = 0x90;
        else if (b === 0xf4) this.#hi = 0x8f;
      } else {
        this.#invalidAt = this.#seqStart;
        return false;
      }
    }
    this.#offset += chunk.length;
    return true;
  }

  /**
   * Ends the input: the offset of the first ill-formed byte (a sequence cut
   * short by the end of input counts from its lead byte), or -1 when all of it
   * was well-formed.
   */
  finish(): number {
    if (this.#invalidAt < 0 && this.#need > 0) this.#invalidAt = this.#seqStart;
    return this.#invalidAt;
  }
}

/**
 * Offset of the first ill-formed byte of a UTF-8 buffer, or -1 when the buffer
 * is well-formed.
 *
 * @example
 * firstInvalidUtf8Byte(Buffer.from([0x61, 0xff])); // 1
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  const v = new Utf8Validator();
  v.push(bytes);
  return v.finish();
}
