import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSource } from './decode-source.js';
import type { DecodedSource } from './decode-source.js';

function decoded(bytes: Uint8Array, encoding: string): DecodedSource {
  const r = decodeSource(bytes, encoding);
  if (!r.ok) throw new Error(r.message);
  return r.source;
}

/** Every code-unit index that starts a code point, plus the end. */
function boundaries(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    out.push(i);
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
  }
  out.push(text.length);
  return out;
}

describe('decodeSource', () => {
  it('maps UTF-16 positions of UTF-8 text to byte offsets', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const source = decoded(Buffer.from(text, 'utf8'), 'utf-8');
        expect(source.text).toBe(text);
        for (const i of boundaries(text)) expect(source.byteOffset(i)).toBe(Buffer.byteLength(text.slice(0, i), 'utf8'));
      }),
    );
  });

  it('keeps ASCII offsets equal to indices', () => {
    const source = decoded(Buffer.from('def f(): pass\n'), 'utf-8');
    expect([0, 4, 14].map((i) => source.byteOffset(i))).toEqual([0, 4, 14]);
  });

  it('drops the byte order mark from the text but counts its three bytes', () => {
    const source = decoded(Buffer.from('\ufeffé = 1\n', 'utf8'), 'utf-8-sig');
    expect(source.text).toBe('é = 1\n');
    expect(source.byteOffset(0)).toBe(3);
    expect(source.byteOffset(1)).toBe(5);
    const ascii = decoded(Buffer.from('\ufeffx = 1\n', 'utf8'), 'utf-8-sig');
    expect(ascii.byteOffset(0)).toBe(3);
    expect(ascii.byteOffset(ascii.text.length)).toBe(9);
  });

  it("decodes latin-1 as Python does, one byte per character (not WHATWG's windows-1252)", () => {
    const source = decoded(Uint8Array.from([0x80, 0xe9, 0x41]), 'iso-8859-1');
    expect(source.text).toBe('\u0080éA');
    expect(source.byteOffset(2)).toBe(2);
    expect(decoded(Uint8Array.from([0x80, 0xe9]), 'cp1252').text).toBe('€é');
    expect(decoded(Uint8Array.from([0xa4]), 'iso-8859-15').text).toBe('€');
  });

  it('decodes every byte of cp1252, latin-1 and ascii exactly as Python does', () => {
    const encodings = ['cp1252', 'iso-8859-1', 'ascii'];
    const script = [
      'import json, sys',
      'out = {}',
      'for enc in json.load(sys.stdin):',
      '    row = []',
      '    for b in range(256):',
      '        try: row.append(bytes([b]).decode(enc))',
      '        except UnicodeDecodeError: row.append(None)',
      '    out[enc] = row',
      'print(json.dumps(out))',
    ].join('\n');
    const python = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(encodings) }).toString()) as Record<string, (string | null)[]>;
    for (const encoding of encodings) {
      const ours = Array.from({ length: 256 }, (_, b) => {
        const r = decodeSource(Uint8Array.from([b]), encoding);
        return r.ok ? r.source.text : null;
      });
      expect(ours, encoding).toEqual(python[encoding]);
    }
  });

  it('maps multi-byte legacy encodings back to their bytes', () => {
    // 'aあb' in Shift_JIS: 61 82 A0 62; in EUC-JP: 61 A4 A2 62.
    const sjis = decoded(Uint8Array.from([0x61, 0x82, 0xa0, 0x62]), 'shift_jis');
    expect(sjis.text).toBe('aあb');
    expect([0, 1, 2, 3].map((i) => sjis.byteOffset(i))).toEqual([0, 1, 3, 4]);
    const euc = decoded(Uint8Array.from([0x61, 0xa4, 0xa2, 0x62]), 'euc_jp');
    expect(euc.text).toBe('aあb');
    expect(euc.byteOffset(2)).toBe(3);
  });

  it('reports undecodable bytes with their offset instead of throwing', () => {
    expect(decodeSource(Buffer.from([0x61, 0x62, 0xff, 0x63]), 'utf-8')).toMatchObject({ ok: false, code: 'repo-scan/UndecodableBytes', byteOffset: 2 });
    expect(decodeSource(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xc3]), 'utf-8-sig')).toMatchObject({ ok: false, byteOffset: 4 });
    expect(decodeSource(Buffer.from([0x61, 0xe9]), 'ascii')).toMatchObject({ ok: false, byteOffset: 1 });
    expect(decodeSource(Buffer.from([0x82]), 'shift_jis')).toMatchObject({ ok: false, code: 'repo-scan/UndecodableBytes' });
  });

  it('refuses encodings it cannot decode faithfully', () => {
    expect(decodeSource(Buffer.from('x'), 'klingon')).toMatchObject({ ok: false, code: 'repo-scan/UnknownEncoding' });
    expect(decodeSource(Buffer.from('x'), 'utf-16')).toMatchObject({ ok: false, code: 'repo-scan/UnknownEncoding' });
  });
});
