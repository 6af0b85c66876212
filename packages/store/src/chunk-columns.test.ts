import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './open-store.js';

const texts = defineDataset({
  name: 'evidence.texts',
  producer: 'test',
  version: 1,
  description: 'strings of every shape',
  spanUnit: 'none',
  columns: [
    { name: 'row', type: 'int64', nullable: false, description: 'input order' },
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'long, repeated in runs' },
    { name: 's', type: 'utf8', nullable: true, description: 'mixed' },
  ],
});

/** Values that sit on each side of every branch of the string path: inline or not, ASCII or not, repeated or not. */
const SHAPES = [
  '',
  'a',
  'self',
  'twelve_bytes',
  'thirteen_byte',
  'naïve',
  'ä',
  'éééééé',
  'ééééééé',
  '🐍',
  'a\u0000b',
  'x'.repeat(300),
  'file:0123456789abcdef0123456789abcdef',
  null,
] as const;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Rows of several chunks: runs of one long id, values repeated next to each other and across NULLs, fresh copies of equal strings. */
function rowsOf(n: number): { file_id: string[]; s: (string | null)[] } {
  const file_id: string[] = [];
  const s: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    // Built anew each time, so equal values are not always the same string object.
    file_id.push(['file:', String(Math.floor(i / 700)).padStart(32, '0')].join(''));
    const shape = SHAPES[Math.floor(i / 3) % SHAPES.length] ?? null;
    s.push(i % 11 === 5 ? null : shape === null ? null : [shape].join(''));
  }
  return { file_id, s };
}

describe('string cells', () => {
  for (const where of ['memory', 'file'] as const) {
    it(`reads back every string as ingested, equal to the same text written by SQL (${where})`, async () => {
      let path = ':memory:';
      if (where === 'file') {
        const dir = mkdtempSync(join(tmpdir(), 'anatomy-strings-'));
        dirs.push(dir);
        path = join(dir, 'store.duckdb');
      }
      const store = await openStore({ path });
      try {
        await store.ensureDataset(texts);
        const n = 5000;
        const { file_id, s } = rowsOf(n);
        await store.ingest(texts, columnBatch(texts, { row: Array.from({ length: n }, (_, i) => i), file_id, s }));
        if (where === 'file') await store.checkpoint();
        const back = await store.query('SELECT file_id, s FROM evidence.texts ORDER BY "row"');
        expect(back.map((r) => r['file_id'])).toEqual(file_id);
        expect(back.map((r) => r['s'])).toEqual(s);
        // Each value equals (and hashes like) the same text typed into SQL: an inline cell carries no stray bytes.
        const params = SHAPES.filter((v): v is Exclude<(typeof SHAPES)[number], null> => v !== null);
        for (const value of params) {
          const expected = s.filter((v) => v === value).length;
          const [row] = await store.query('SELECT count(*) FILTER (WHERE s = ?) AS eq, count(*) FILTER (WHERE hash(s) = hash(?)) AS hashed FROM evidence.texts', [value, value]);
          expect({ value, eq: Number(row?.['eq']), hashed: Number(row?.['hashed']) }).toEqual({ value, eq: expected, hashed: expected });
        }
        const [groups] = await store.query('SELECT count(DISTINCT s) AS s, count(DISTINCT file_id) AS f FROM evidence.texts');
        expect(Number(groups?.['s'])).toBe(new Set(s.filter((v) => v !== null)).size);
        expect(Number(groups?.['f'])).toBe(new Set(file_id).size);
      } finally {
        await store.close();
      }
    });
  }

  it('takes a column of NULLs only, and a chunk whose first cells are NULL', async () => {
    const store = await openStore({ path: ':memory:' });
    try {
      await store.ensureDataset(texts);
      await store.ingest(texts, columnBatch(texts, { row: [0, 1, 2], file_id: ['file:a', 'file:a', 'file:a'], s: [null, null, null] }));
      await store.ingest(texts, columnBatch(texts, { row: [3, 4, 5], file_id: ['file:b', 'file:b', 'file:b'], s: [null, 'x'.repeat(20), 'x'.repeat(20)] }));
      const back = await store.query('SELECT s FROM evidence.texts ORDER BY "row"');
      expect(back.map((r) => r['s'])).toEqual([null, null, null, null, 'x'.repeat(20), 'x'.repeat(20)]);
    } finally {
      await store.close();
    }
  });
});
