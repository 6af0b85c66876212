import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineCounter, bytePosition, lineIndex, lineOfByte } from './line-index.js';

/** Python's universal-newline split, written independently with a regex over latin-1 text. */
function pythonLineStarts(bytes: Uint8Array): number[] {
  const text = Buffer.from(bytes).toString('latin1');
  const starts: number[] = [];
  const re = /[^\r\n]*(\r\n|\r|\n)?/gy;
  if (text.startsWith('\xef\xbb\xbf')) re.lastIndex = 3;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) starts.push(m.index);
  return starts;
}

const lineBytes = fc
  .tuple(fc.boolean(), fc.uint8Array({ maxLength: 200 }))
  .map(([bom, a]) => {
    const body = a.map((b) => [0x0a, 0x0d, 0x61, 0xc3, 0x20, 0xef][b % 6] as number);
    return bom ? Uint8Array.from([0xef, 0xbb, 0xbf, ...body]) : body;
  });

describe('lineIndex', () => {
  it('splits on \\n, \\r\\n and a lone \\r', () => {
    expect([...lineIndex(Buffer.from('a\r\nb\rc\n'))]).toEqual([0, 3, 5]);
    expect([...lineIndex(Buffer.from('a\n\nb'))]).toEqual([0, 2, 3]);
    expect([...lineIndex(Buffer.from('\r\r\n\n'))]).toEqual([0, 1, 3]);
    expect([...lineIndex(Buffer.from('x'))]).toEqual([0]);
    expect([...lineIndex(Buffer.alloc(0))]).toEqual([]);
  });

  it('starts line 1 after a UTF-8 byte order mark', () => {
    expect([...lineIndex(Buffer.from('\ufeffa\nb', 'utf8'))]).toEqual([3, 5]);
    expect([...lineIndex(Buffer.from('\ufeff', 'utf8'))]).toEqual([]);
    expect([...lineIndex(Buffer.from('\ufeff\n', 'utf8'))]).toEqual([3]);
  });

  it('counts multi-byte characters as their bytes', () => {
    expect([...lineIndex(Buffer.from('é\n😀\nz'))]).toEqual([0, 3, 8]);
  });

  it('agrees with a universal-newline split on arbitrary bytes', () => {
    fc.assert(
      fc.property(lineBytes, (bytes) => {
        expect([...lineIndex(bytes)]).toEqual(pythonLineStarts(bytes));
      }),
    );
  });
});

describe('LineCounter', () => {
  it('counts the same lines as lineIndex however the bytes are chunked', () => {
    fc.assert(
      fc.property(lineBytes, fc.array(fc.nat(200), { maxLength: 6 }), (bytes, cuts) => {
        const counter = new LineCounter();
        let from = 0;
        for (const cut of [...cuts].sort((a, b) => a - b)) {
          const to = Math.min(cut, bytes.length);
          counter.push(bytes.subarray(from, Math.max(from, to)));
          from = Math.max(from, to);
        }
        counter.push(bytes.subarray(from));
        expect(counter.count()).toBe(lineIndex(bytes).length);
      }),
    );
  });

  it('counts a \\r\\n split across two chunks once', () => {
    const counter = new LineCounter();
    counter.push(Buffer.from('a\r'));
    counter.push(Buffer.from('\nb'));
    expect(counter.count()).toBe(2);
  });
});

describe('lineOfByte', () => {
  it('finds the 1-based line of every byte', () => {
    const bytes = Buffer.from('ab\r\ncd\ref\n');
    const index = lineIndex(bytes);
    const lines = [...bytes.keys()].map((b) => lineOfByte(index, b));
    expect(lines).toEqual([1, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(lineOfByte(index, bytes.length)).toBe(3);
    expect(lineOfByte(new Uint32Array(0), 0)).toBe(1);
  });
});

describe('bytePosition', () => {
  it('gives the line and the byte column, counting from after a byte order mark', () => {
    const bytes = Buffer.from('\ufeffé = 1\n  ü\n', 'utf8');
    const index = lineIndex(bytes);
    expect(bytePosition(index, 3)).toEqual({ line: 1, col: 0 });
    expect(bytePosition(index, 5)).toEqual({ line: 1, col: 2 });
    expect(bytePosition(index, 12)).toEqual({ line: 2, col: 2 });
    expect(bytePosition(index, 0)).toEqual({ line: 1, col: 0 });
  });
});
