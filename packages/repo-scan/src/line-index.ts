const LF = 0x0a;
const CR = 0x0d;

/** Length of a leading UTF-8 byte order mark (3), or 0. */
function bomLength(bytes: Uint8Array): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/**
 * The byte offset at which each line of a file starts. Lines end at `\n`,
 * `\r\n` or a lone `\r`, as Python's universal newlines read them; a final
 * terminator does not open a new line, so the index has one entry per line
 * (`line_count` entries) and an empty file has none. A UTF-8 byte order mark
 * belongs to no line: line 1 starts after it, so byte columns (`offset -
 * line start`) agree with CPython's.
 *
 * @example
 * lineIndex(Buffer.from('a\r\nb\rc\n')); // Uint32Array [0, 3, 5]
 */
export function lineIndex(bytes: Uint8Array): Uint32Array {
  const n = bytes.length;
  const first = bomLength(bytes);
  if (n === first) return new Uint32Array(0);
  let count = 1;
  for (let i = first; i < n; i++) {
    const b = bytes[i];
    if ((b === LF || (b === CR && bytes[i + 1] !== LF)) && i + 1 < n) count++;
  }
  const starts = new Uint32Array(count);
  starts[0] = first;
  let k = 1;
  for (let i = first; i < n; i++) {
    const b = bytes[i];
    if ((b === LF || (b === CR && bytes[i + 1] !== LF)) && i + 1 < n) starts[k++] = i + 1;
  }
  return starts;
}

/**
 * The 1-based line holding a byte offset, by binary search over a
 * {@link lineIndex}. An offset at or past the last line start belongs to the
 * last line, one before the first (inside a byte order mark) to line 1; an
 * empty file has only line 1.
 *
 * @example
 * lineOfByte(lineIndex(Buffer.from('a\nb\n')), 2); // 2
 */
export function lineOfByte(index: Uint32Array, byteOffset: number): number {
  let lo = 0;
  let hi = index.length - 1;
  if (hi < 0) return 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((index[mid] as number) <= byteOffset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * Counts lines chunk by chunk with the rules of {@link lineIndex}, keeping
 * only the last byte between chunks so a `\r\n` split across two reads counts
 * once.
 */
export class LineCounter {
  #terminators = 0;
  #last = -1;
  #size = 0;
  /** The first three bytes, to recognise a file that holds nothing but a byte order mark. */
  readonly #head = new Uint8Array(3);

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    for (let i = 0; i < chunk.length && this.#size + i < 3; i++) this.#head[this.#size + i] = chunk[i] as number;
    this.#size += chunk.length;
    if (this.#last === CR && chunk[0] !== LF) this.#terminators++;
    let from = 0;
    for (;;) {
      const i = chunk.indexOf(LF, from);
      if (i < 0) break;
      this.#terminators++;
      from = i + 1;
    }
    from = 0;
    for (;;) {
      const i = chunk.indexOf(CR, from);
      if (i < 0 || i === chunk.length - 1) break;
      if (chunk[i + 1] !== LF) this.#terminators++;
      from = i + 1;
    }
    this.#last = chunk[chunk.length - 1] as number;
  }

  /** Number of lines in everything pushed so far, as if it were the whole file. */
  count(): number {
    if (this.#size === 0 || (this.#size === 3 && bomLength(this.#head) === 3)) return 0;
    if (this.#last === CR) return this.#terminators + 1;
    return this.#terminators + (this.#last === LF ? 0 : 1);
  }
}

/** A 1-based line and 0-based byte column. */
export interface BytePosition {
  readonly line: number;
  readonly col: number;
}

/**
 * The line and byte column of a byte offset: `col` counts bytes from the
 * start of the line (0 for offsets inside a byte order mark).
 *
 * @example
 * bytePosition(lineIndex(Buffer.from('a\n  é = 1\n')), 4); // { line: 2, col: 2 }
 */
export function bytePosition(index: Uint32Array, byteOffset: number): BytePosition {
  const line = lineOfByte(index, byteOffset);
  return { line, col: Math.max(0, byteOffset - (index[line - 1] ?? 0)) };
}
