/** What a Python string literal token denotes. */
export type PythonStringValue =
  /** A `str` literal; `value` is null when it uses an escape this reader cannot evaluate (`\N{name}`). */
  | { readonly kind: 'str'; readonly value: string | null }
  /** A bytes literal, or an f-string or t-string: none of them is a docstring. */
  | { readonly kind: 'bytes' | 'formatted' };

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

const PREFIX = /^[rRuUbBfFtT]{0,2}/;

/**
 * Evaluates the escapes of a non-raw `str` literal body as CPython's
 * tokenizer does (`\\\n` joins lines, octal, `\x`, `\u` and `\U` escapes;
 * an unknown escape keeps its backslash). Returns null on `\N{…}`, whose
 * value needs the Unicode name database.
 */
function unescape(body: string): string | null {
  let out = '';
  let i = 0;
  for (;;) {
    const slash = body.indexOf('\\', i);
    if (slash < 0) return out + body.slice(i);
    out += body.slice(i, slash);
    const c = body[slash + 1];
    i = slash + 2;
    if (c === undefined) return out + '\\';
    if (c === '\n') continue;
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    if (c >= '0' && c <= '7') {
      const digits = /^[0-7]{1,3}/.exec(body.slice(slash + 1, slash + 4))?.[0] ?? c;
      out += String.fromCodePoint(parseInt(digits, 8));
      i = slash + 1 + digits.length;
      continue;
    }
    const width = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (width > 0) {
      const hex = body.slice(i, i + width);
      if (hex.length === width && /^[0-9a-fA-F]+$/.test(hex)) {
        const code = parseInt(hex, 16);
        if (code <= 0x10ffff) {
          out += String.fromCodePoint(code);
          i += width;
          continue;
        }
      }
      // CPython rejects such a literal, so a parsed file never gets here; keep the text.
      out += `\\${c}`;
      continue;
    }
    if (c === 'N') return null;
    out += `\\${c}`;
  }
}

/**
 * The value of one Python string literal token as CPython gives it:
 * prefix letters, then one of the four quote styles. Newlines inside the
 * literal read as `\n` whatever the file uses (CPython translates them while
 * reading the source).
 *
 * @example
 * pythonStringValue('"""caf\\xe9\\n"""'); // { kind: 'str', value: 'café\n' }
 * pythonStringValue("b'x'"); // { kind: 'bytes' }
 */
export function pythonStringValue(literal: string): PythonStringValue {
  const prefix = (PREFIX.exec(literal)?.[0] ?? '').toLowerCase();
  if (prefix.includes('b')) return { kind: 'bytes' };
  if (prefix.includes('f') || prefix.includes('t')) return { kind: 'formatted' };
  const rest = literal.slice(prefix.length);
  const quote = rest.startsWith('"""') || rest.startsWith("'''") ? rest.slice(0, 3) : rest.slice(0, 1);
  const closed = rest.length >= 2 * quote.length && rest.endsWith(quote);
  const body = rest.slice(quote.length, closed ? rest.length - quote.length : rest.length).replace(/\r\n?/g, '\n');
  return { kind: 'str', value: prefix.includes('r') ? body : unescape(body) };
}
