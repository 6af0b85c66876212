/** The outcome of reading a file's encoding declaration. */
export interface EncodingDetection {
  /** `utf-8`, `utf-8-sig` (byte order mark) or the normalised coding cookie. */
  readonly encoding: string;
  /** Bytes of the byte order mark (3) or 0. */
  readonly bomLength: number;
  /** The coding cookie as written, when there is one. */
  readonly cookie: string | null;
  /** Set when a byte order mark and a non-UTF-8 cookie contradict each other (Python refuses such a file). */
  readonly conflict: boolean;
}

/** PEP 263: `coding[:=]` inside a comment, as tokenize's `cookie_re` matches it. */
const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
/** A first line that is blank or only a comment lets the cookie sit on line 2. */
const BLANK_OR_COMMENT = /^[ \t\f]*(?:#|$)/;

/**
 * Python's `_get_normal_name`, then lower case: every spelling of UTF-8 becomes
 * `utf-8` and every spelling of Latin-1 becomes `iso-8859-1`, so one codec has
 * one name downstream.
 */
function normaliseCookie(cookie: string): string {
  const lower = cookie.toLowerCase();
  const head = lower.slice(0, 12).replace(/_/g, '-');
  if (head === 'utf-8' || head.startsWith('utf-8-')) return 'utf-8';
  for (const latin of ['latin-1', 'iso-8859-1', 'iso-latin-1']) {
    if (head === latin || head.startsWith(`${latin}-`)) return 'iso-8859-1';
  }
  return lower;
}

function firstLines(head: Uint8Array, from: number): [string, string] {
  const lines: string[] = [];
  let start = from;
  for (let i = from; i <= head.length && lines.length < 2; i++) {
    const b = head[i];
    if (i === head.length || b === 0x0a || b === 0x0d) {
      lines.push(Buffer.from(head.buffer, head.byteOffset + start, i - start).toString('latin1'));
      if (b === 0x0d && head[i + 1] === 0x0a) i++;
      start = i + 1;
    }
  }
  return [lines[0] ?? '', lines[1] ?? ''];
}

/**
 * Reads a Python file's source encoding from its first bytes the way
 * CPython's tokenizer does: a UTF-8 byte order mark, else a PEP 263 coding
 * cookie on line 1 (or on line 2 when line 1 is blank or a comment), else
 * UTF-8. Pass at least the first two lines.
 *
 * @example
 * detectEncoding(Buffer.from('# -*- coding: Latin-1 -*-\n')).encoding; // 'iso-8859-1'
 */
export function detectEncoding(head: Uint8Array): EncodingDetection {
  const bomLength = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const [line1, line2] = firstLines(head, bomLength);
  let cookie = COOKIE.exec(line1)?.[1] ?? null;
  if (cookie === null && BLANK_OR_COMMENT.test(line1)) cookie = COOKIE.exec(line2)?.[1] ?? null;
  const declared = cookie === null ? null : normaliseCookie(cookie);
  if (bomLength > 0) {
    return Object.freeze({ encoding: 'utf-8-sig', bomLength, cookie, conflict: declared !== null && declared !== 'utf-8' });
  }
  return Object.freeze({ encoding: declared ?? 'utf-8', bomLength, cookie, conflict: false });
}
