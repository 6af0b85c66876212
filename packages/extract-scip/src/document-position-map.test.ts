import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DocumentPositionMap } from './document-position-map.js';
import type { CharUnit } from './scip-enums.js';

function mapOf(text: string | Uint8Array, encoding = 'utf-8'): DocumentPositionMap {
  const decoded = DocumentPositionMap.decode(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, encoding);
  if (!decoded.ok) throw new Error(decoded.message);
  return decoded.map;
}

/** Units of a string in each encoding. */
function units(s: string, unit: CharUnit): number {
  if (unit === 'utf8') return Buffer.byteLength(s, 'utf8');
  if (unit === 'utf16') return s.length;
  return [...s].length;
}

describe('DocumentPositionMap', () => {
  // Line 1 has a 2-byte, a 3-byte and a 4-byte (astral, two UTF-16 units) character before `x`.
  const text = 'a = 1\né日🎉x = 2\r\ny\rz\n';

  it.each([
    ['utf8', 2 + 3 + 4],
    ['utf16', 1 + 1 + 2],
    ['utf32', 3],
  ] as const)('finds the identifier after non-ASCII characters counted in %s', (unit, char) => {
    const map = mapOf(text);
    const x = Buffer.from(text, 'utf8').indexOf('x');
    expect(map.byteOffset(1, char, unit)).toBe(x);
    expect(map.byteOffset(1, char + 1, unit)).toBe(x + 1);
  });

  it('splits lines at \\n, \\r\\n and a lone \\r, and refuses positions past a line or inside a character', () => {
    const map = mapOf(text);
    const bytes = Buffer.from(text, 'utf8');
    expect(map.lineCount).toBe(4);
    expect(map.byteOffset(2, 0, 'utf16')).toBe(bytes.indexOf('y'));
    expect(map.byteOffset(3, 0, 'utf16')).toBe(bytes.indexOf('z'));
    expect(map.byteOffset(3, 1, 'utf16')).toBe(bytes.length - 1);
    // The end of the file is line 4, character 0, because a terminator ends line 3.
    expect(map.byteOffset(4, 0, 'utf16')).toBe(bytes.length);
    expect(map.byteOffset(4, 1, 'utf16')).toBeNull();
    expect(map.byteOffset(5, 0, 'utf16')).toBeNull();
    expect(map.byteOffset(0, 6, 'utf16')).toBeNull(); // past 'a = 1'
    expect(map.byteOffset(1, 1, 'utf8')).toBeNull(); // inside 'é'
    expect(map.byteOffset(1, 3, 'utf16')).toBeNull(); // between the halves of '🎉'
    expect(map.byteOffset(-1, 0, 'utf16')).toBeNull();
    expect(map.byteOffset(0, -1, 'utf16')).toBeNull();
  });

  it('opens no line after the last one when the file does not end with a terminator', () => {
    const map = mapOf('a\nbc');
    expect(map.byteOffset(1, 2, 'utf8')).toBe(4);
    expect(map.byteOffset(2, 0, 'utf8')).toBeNull();
    expect(mapOf('').byteOffset(0, 0, 'utf8')).toBe(0);
  });

  it('counts a byte order mark as the first character of line 0, whichever way the scan decoded it', () => {
    const bytes = Buffer.from('\ufeffa = 1\nb\n', 'utf8');
    for (const encoding of ['utf-8-sig', 'utf-8']) {
      const map = mapOf(bytes, encoding);
      expect(map.byteOffset(0, 0, 'utf16')).toBe(0);
      expect(map.byteOffset(0, 1, 'utf16')).toBe(3);
      expect(map.byteOffset(0, 3, 'utf8')).toBe(3);
      expect(map.byteOffset(0, 1, 'utf8')).toBeNull();
      expect(map.byteOffset(1, 0, 'utf32')).toBe(bytes.indexOf('b'));
    }
  });

  it('maps files in other source encodings to their own bytes', () => {
    const latin1 = Buffer.from('# coding: latin-1\ns = "é"; t = 1\n', 'latin1');
    const map = mapOf(latin1, 'iso-8859-1');
    expect(map.byteOffset(1, 9, 'utf16')).toBe(latin1.indexOf('t = '));
    expect(map.byteOffset(1, 10, 'utf8')).toBe(latin1.indexOf('t = '));
  });

  it('reports bytes that do not decode', () => {
    expect(DocumentPositionMap.decode(Uint8Array.from([0x61, 0xff]), 'utf-8')).toMatchObject({ ok: false });
  });

  it('gives the UTF-8 byte offset of every character boundary, in every unit (property)', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'é', '日', '🎉', ' ', '\u0301') , maxLength: 12 });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), fc.constantFrom<CharUnit>('utf8', 'utf16', 'utf32'), (lines, unit) => {
        const content = lines.join('\n');
        const map = mapOf(content);
        let lineStart = 0;
        lines.forEach((l, lineNo) => {
          const chars = [...l];
          for (let k = 0; k <= chars.length; k++) {
            const prefix = chars.slice(0, k).join('');
            expect(map.byteOffset(lineNo, units(prefix, unit), unit)).toBe(lineStart + Buffer.byteLength(prefix, 'utf8'));
          }
          expect(map.byteOffset(lineNo, units(l, unit) + 1, unit)).toBeNull();
          lineStart += Buffer.byteLength(l, 'utf8') + 1;
        });
      }),
    );
  });
});
