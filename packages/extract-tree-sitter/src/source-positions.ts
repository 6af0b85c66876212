import { lineOfByte } from '@anatomy/repo-scan';
import type { DecodedSource } from '@anatomy/repo-scan';

/**
 * Converts the UTF-16 indices tree-sitter reports into UTF-8 byte offsets
 * of the file, and byte offsets into 1-based lines and 0-based byte columns.
 * Walks ask for positions in nearly ascending order, so the line lookup
 * first tries the line it found last and the next one before falling back
 * to a binary search over the line index.
 *
 * @example
 * const at = new SourcePositions(decoded, lineIndex(bytes));
 * const b = at.byte(node.startIndex);
 * row = { bstart: b, line: at.line(b), col: at.col(b) };
 */
export class SourcePositions {
  readonly #source: DecodedSource;
  readonly #lines: Uint32Array;
  /** 0-based index of the line found last. */
  #last = 0;

  constructor(source: DecodedSource, lines: Uint32Array) {
    this.#source = source;
    this.#lines = lines;
  }

  /** The byte offset at which UTF-16 code unit `index` of the text starts. */
  byte(index: number): number {
    return this.#source.byteOffset(index);
  }

  /** The 1-based line holding byte offset `b` (line 1 in an empty file). */
  line(b: number): number {
    const lines = this.#lines;
    const n = lines.length;
    if (n === 0) return 1;
    let i = this.#last;
    if (b >= (lines[i] as number)) {
      if (i + 1 >= n || b < (lines[i + 1] as number)) return i + 1;
      if (i + 2 >= n || b < (lines[i + 2] as number)) {
        this.#last = i + 1;
        return i + 2;
      }
    }
    i = lineOfByte(lines, b) - 1;
    this.#last = i;
    return i + 1;
  }

  /** The 0-based byte column of byte offset `b` (0 inside a byte order mark). */
  col(b: number): number {
    const start = this.#lines[this.line(b) - 1] ?? 0;
    return b > start ? b - start : 0;
  }
}
