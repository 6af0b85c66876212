import { TextDecoder } from 'node:util';

/**
 * How a Python source encoding is decoded in JavaScript. `utf-8`, `ascii`,
 * `latin-1` and `cp1252` are decoded by hand: WHATWG `TextDecoder` reads the
 * labels `ascii` and `latin1` as windows-1252, which is not what Python means
 * by them, and Node 20 decodes windows-1252 as Latin-1. Other encodings go
 * through `TextDecoder` under their WHATWG name (which accepts a few bytes
 * that Python's strict codecs reject, mapping them to C1 controls); `unitBytes`
 * tells whether each decoded UTF-16 code unit came from exactly one byte
 * (single-byte code pages) or from a variable number.
 */
export type SourceCodec =
  | { readonly kind: 'utf-8' }
  | { readonly kind: 'ascii' }
  | { readonly kind: 'latin-1' }
  | { readonly kind: 'cp1252' }
  | { readonly kind: 'text-decoder'; readonly label: string; readonly unitBytes: 'one' | 'variable' };

/** WHATWG encodings in which one character may take more than one byte. */
const MULTI_BYTE = new Set(['utf-8', 'utf-16le', 'utf-16be', 'gbk', 'gb18030', 'big5', 'euc-jp', 'iso-2022-jp', 'shift_jis', 'euc-kr']);

/** Python codec aliases (after normalisation) whose WHATWG label differs. */
const PYTHON_TO_WHATWG: Readonly<Record<string, string>> = {
  cp936: 'gbk',
  ms936: 'gbk',
  '936': 'gbk',
  gb2312: 'gbk',
  cp932: 'shift_jis',
  ms932: 'shift_jis',
  sjis: 'shift_jis',
  s_jis: 'shift_jis',
  shiftjis: 'shift_jis',
  eucjp: 'euc-jp',
  ujis: 'euc-jp',
  u_jis: 'euc-jp',
  euckr: 'euc-kr',
  cp949: 'euc-kr',
  uhc: 'euc-kr',
  big5_tw: 'big5',
  csbig5: 'big5',
  big5hkscs: 'big5',
  mac_roman: 'macintosh',
  macroman: 'macintosh',
  mac_cyrillic: 'x-mac-cyrillic',
  maccyrillic: 'x-mac-cyrillic',
  cp866: 'ibm866',
  koi8_r: 'koi8-r',
  koi8_u: 'koi8-u',
};

const UTF8_ALIASES = new Set(['utf_8', 'utf8', 'u8', 'utf', 'cp65001', 'utf8_ucs2', 'utf8_ucs4', 'utf_8_sig']);
const ASCII_ALIASES = new Set(['ascii', 'us_ascii', '646', 'us', 'ansi_x3.4_1968', 'ansi_x3_4_1968', 'iso646_us', 'cp367', 'csascii', 'ibm367', 'iso_ir_6']);
const LATIN1_ALIASES = new Set(['latin_1', 'latin1', 'latin', 'l1', 'iso_8859_1', 'iso8859_1', '8859', 'cp819', 'iso_ir_100', 'csisolatin1', 'ibm819', 'iso_latin_1']);

/**
 * Python's codec-name normalisation (`encodings.normalize_encoding`): lower
 * case, and every run of characters other than letters, digits and `.`
 * becomes one `_`.
 */
function pythonCodecKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The codec that decodes a source encoding name as Python would, or
 * `undefined` when JavaScript has no faithful decoder for it (and for UTF-16
 * and UTF-32, which Python rejects as source encodings).
 */
export function sourceCodec(encoding: string): SourceCodec | undefined {
  const key = pythonCodecKey(encoding);
  if (UTF8_ALIASES.has(key)) return { kind: 'utf-8' };
  if (ASCII_ALIASES.has(key)) return { kind: 'ascii' };
  if (LATIN1_ALIASES.has(key)) return { kind: 'latin-1' };
  if (/^utf_?(16|32)/.test(key)) return undefined;
  if (key === 'cp1252' || key === 'windows_1252' || key === '1252') return { kind: 'cp1252' };
  const windows = /^(?:cp|windows_?)(874|125[0-8])$/.exec(key);
  const iso = /^iso_?8859_?(\d{1,2})$/.exec(key);
  const candidates = [
    PYTHON_TO_WHATWG[key],
    windows === null ? undefined : `windows-${windows[1]}`,
    iso === null ? undefined : `iso-8859-${iso[1]}`,
    encoding.toLowerCase(),
    key.replace(/_/g, '-'),
  ];
  for (const label of candidates) {
    if (label === undefined) continue;
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      continue;
    }
    // These WHATWG fallbacks would silently mean something else than Python does.
    if (decoder.encoding === 'windows-1252' && !windows) continue;
    if (decoder.encoding.startsWith('utf-16')) return undefined;
    if (decoder.encoding === 'utf-8') return { kind: 'utf-8' };
    return { kind: 'text-decoder', label: decoder.encoding, unitBytes: MULTI_BYTE.has(decoder.encoding) ? 'variable' : 'one' };
  }
  return undefined;
}

/**
 * Windows-1252 bytes 0x80–0x9F as Python's `cp1252` codec decodes them;
 * `null` marks the five bytes the codec leaves undefined. Bytes outside this
 * range decode as in Latin-1.
 */
const CP1252_HIGH: readonly (string | null)[] = [
  '\u20ac', null, '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
  '\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', null, '\u017d', null,
  null, '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
  '\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', null, '\u017e', '\u0178',
];

/**
 * Decodes windows-1252 as Python does, one character per byte, or returns
 * the offset of the first byte Python's codec rejects.
 */
export function decodeCp1252(bytes: Uint8Array): { readonly text: string } | { readonly invalidAt: number } {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  let invalidAt = -1;
  const text = latin1.replace(/[\x80-\x9f]/g, (c, at: number) => {
    const mapped = CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? null;
    if (mapped === null) {
      if (invalidAt < 0) invalidAt = at;
      return c;
    }
    return mapped;
  });
  return invalidAt < 0 ? { text } : { invalidAt };
}

/** Offset of the first byte that windows-1252 leaves undefined, or -1. */
export function firstUndefinedCp1252Byte(bytes: Uint8Array): number {
  return bytes.findIndex((b) => b === 0x81 || b === 0x8d || b === 0x8f || b === 0x90 || b === 0x9d);
}
