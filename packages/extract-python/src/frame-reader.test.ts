import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pyDefsDataset } from './ast-datasets.js';
import { FrameReader } from './frame-reader.js';
import { decodeTableFrame } from './table-frame.js';
import { WORKER_PYTHON_FLAGS, WORKER_SCRIPT_PATH } from './worker-script.js';

const dir = mkdtempSync(join(tmpdir(), 'anatomy-frames-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Everything a real worker writes for one file, as one buffer. */
function workerOutput(): Buffer {
  const path = join(dir, 'm.py');
  writeFileSync(path, 'class Ünïcode:\n    def m(self): pass\n\ndef f(): pass\n');
  const config = { protocol: 1, tables: { py_defs: pyDefsDataset.columns.map((c) => [c.name, c.type]) }, frame_rows: 2 };
  const request = { seq: 9, path, rel: 'm.py', file_id: 'file:m', encoding: 'utf-8' };
  return execFileSync('python3', [...WORKER_PYTHON_FLAGS, WORKER_SCRIPT_PATH], { input: `${JSON.stringify(config)}\n${JSON.stringify(request)}\n` });
}

describe('FrameReader', () => {
  const output = workerOutput();
  const whole = new FrameReader().push(output);

  it('splits real worker output into hello, table and done frames', () => {
    // frame_rows 2 splits three definitions into two T frames.
    expect(whole.map((f) => String.fromCharCode(f[0]!))).toEqual(['H', 'T', 'T', 'D']);
    const rows = whole.slice(1, 3).map((f) => decodeTableFrame(f, (t) => (t === 'py_defs' ? pyDefsDataset : undefined)));
    expect(rows.map((r) => [r.seq, r.table, r.rowCount])).toEqual([
      [9, 'py_defs', 2],
      [9, 'py_defs', 1],
    ]);
    const names = rows.flatMap((r) => r.columns[pyDefsDataset.columns.findIndex((c) => c.name === 'qualname')]);
    expect(names).toEqual(['Ünïcode', 'Ünïcode.m', 'f']);
  });

  it.each([1, 2, 3, 5, 7, 64])('yields the same frames when the stream arrives in %i-byte chunks', (size) => {
    const reader = new FrameReader();
    const frames: Buffer[] = [];
    for (let at = 0; at < output.length; at += size) frames.push(...reader.push(output.subarray(at, at + size)));
    expect(frames.map((f) => f.toString('hex'))).toEqual(whole.map((f) => f.toString('hex')));
    expect(reader.pendingBytes).toBe(0);
  });

  it('keeps an unfinished frame until the rest arrives', () => {
    const reader = new FrameReader();
    expect(reader.push(output.subarray(0, 6))).toEqual([]);
    expect(reader.pendingBytes).toBe(6);
  });
});
