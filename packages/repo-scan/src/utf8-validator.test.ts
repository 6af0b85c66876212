import { execFileSync } from 'node:child_process';
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Validator, firstInvalidUtf8Byte } from './utf8-validator.js';

/** Bytes biased towards UTF-8 lead and continuation bytes and the boundary cases of Table 3-7. */
const utf8ish = fc.array(
  fc.oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0xbf }),
    fc.constantFrom(0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90),
  ),
  { maxLength: 24 },
).map((a) => Uint8Array.from(a));

describe('Utf8Validator', () => {
  it('accepts exactly what the native validator accepts, however the input is chunked', () => {
    fc.assert(
      fc.property(utf8ish, fc.nat(24), (bytes, cut) => {
        const v = new Utf8Validator();
        v.push(bytes.subarray(0, cut));
        v.push(bytes.subarray(cut));
        expect(v.finish() < 0).toBe(isUtf8(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it("reports the first bad byte where Python's strict codec does", () => {
    const samples = fc.sample(utf8ish, { numRuns: 400, seed: 42 }).map((a) => Buffer.from(a).toString('hex'));
    const script = [
      'import json, sys',
      'out = []',
      'for h in json.load(sys.stdin):',
      '    try:',
      '        bytes.fromhex(h).decode("utf-8"); out.append(-1)',
      '    except UnicodeDecodeError as e:',
      '        out.append(e.start)',
      'print(json.dumps(out))',
    ].join('\n');
    const expected = JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(samples) }).toString()) as number[];
    expect(samples.map((h) => firstInvalidUtf8Byte(Buffer.from(h, 'hex')))).toEqual(expected);
  });
});
