import { describe, expect, it } from 'vitest';
import { pyCfgEdgesDataset } from './bytecode-datasets.js';
import { ExtractPythonError } from './extract-python-error.js';
import { decodeTableFrame } from './table-frame.js';

/** A T frame for py_cfg_edges, built by hand from the protocol's description. */
function frame(rows: { code: string | null; src: number; dst: number; kind: string }[], extra = Buffer.alloc(0)): Buffer {
  const name = Buffer.from('py_cfg_edges');
  const head = Buffer.alloc(1 + 4 + 1);
  head.write('T', 0);
  head.writeUInt32LE(3, 1);
  head.writeUInt8(name.length, 5);
  const counts = Buffer.alloc(6);
  counts.writeUInt32LE(rows.length, 0);
  counts.writeUInt16LE(5, 4);
  const text = (values: (string | null)[]): Buffer => {
    const nulls = values.some((v) => v === null);
    const bytes = values.map((v) => Buffer.from(v ?? ''));
    const lengths = Buffer.alloc(4 * values.length);
    bytes.forEach((b, i) => lengths.writeUInt32LE(b.length, 4 * i));
    return Buffer.concat([Buffer.from([nulls ? 1 : 0]), nulls ? Buffer.from(values.map((v) => (v === null ? 0 : 1))) : Buffer.alloc(0), lengths, ...bytes]);
  };
  const ints = (values: number[]): Buffer => {
    const out = Buffer.alloc(8 * values.length);
    values.forEach((v, i) => out.writeBigInt64LE(BigInt(v), 8 * i));
    return Buffer.concat([Buffer.from([0]), out]);
  };
  return Buffer.concat([
    head,
    name,
    counts,
    text(rows.map((r) => r.code)),
    text(rows.map(() => 'file:f')),
    ints(rows.map((r) => r.src)),
    ints(rows.map((r) => r.dst)),
    text(rows.map((r) => r.kind)),
    extra,
  ]);
}

const datasetOf = (table: string): typeof pyCfgEdgesDataset | undefined => (table === 'py_cfg_edges' ? pyCfgEdgesDataset : undefined);

describe('decodeTableFrame', () => {
  it('decodes columns in dataset order, NULLs and multi-byte text included', () => {
    const decoded = decodeTableFrame(
      frame([
        { code: 'code:é', src: 0, dst: 10, kind: 'jump' },
        { code: null, src: -4, dst: 2 ** 40, kind: 'fallthrough' },
      ]),
      datasetOf,
    );
    expect(decoded).toEqual({
      seq: 3,
      table: 'py_cfg_edges',
      rowCount: 2,
      columns: [['code:é', null], ['file:f', 'file:f'], [0, -4], [10, 2 ** 40], ['jump', 'fallthrough']],
    });
  });

  it('cuts every cell right whether a column is all ASCII or not, empty and NULL cells included', () => {
    const codes = ['a', null, '', 'a_code_longer_than_thirteen_bytes', 'b'];
    const ascii = decodeTableFrame(frame(codes.map((code, i) => ({ code, src: i, dst: i, kind: 'jump' }))), datasetOf);
    expect(ascii.columns[0]).toEqual(codes);
    // Multi-byte text before other cells: byte offsets no longer match character offsets.
    const mixed = ['€uro', 'after', null, 'naïve', '', 'tail_𝔘', 'z'];
    const decoded = decodeTableFrame(frame(mixed.map((code, i) => ({ code, src: i, dst: i, kind: i % 2 === 0 ? 'jump' : 'fallthrough' }))), datasetOf);
    expect(decoded.columns[0]).toEqual(mixed);
    expect(decoded.columns[4]).toEqual(mixed.map((_, i) => (i % 2 === 0 ? 'jump' : 'fallthrough')));
  });

  it.each([
    ['a truncated frame', frame([{ code: 'c', src: 0, dst: 1, kind: 'jump' }]).subarray(0, 30)],
    ['trailing bytes', frame([{ code: 'c', src: 0, dst: 1, kind: 'jump' }], Buffer.from([1, 2]))],
    ['a table nobody asked for', Buffer.concat([Buffer.from('T'), Buffer.alloc(4), Buffer.from([3]), Buffer.from('zzz'), Buffer.alloc(6)])],
  ])('refuses %s as a protocol error', (_label, bytes) => {
    expect(() => decodeTableFrame(bytes, datasetOf)).toThrow(expect.objectContaining({ code: 'extract-python/WorkerProtocol' }));
    try {
      decodeTableFrame(bytes, datasetOf);
    } catch (error) {
      expect(ExtractPythonError.is(error, 'WorkerProtocol')).toBe(true);
    }
  });
});
