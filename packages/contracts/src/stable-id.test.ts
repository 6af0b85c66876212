import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FLAT_ID_PARTS, STABLE_ID_MACRO, STABLE_ID_MACRO_SQL, stableId, stableIdSql } from './stable-id.js';

describe('stableId', () => {
  it('is deterministic and namespaced', () => {
    expect(stableId('file', 'pkg/mod.py')).toBe(stableId('file', 'pkg/mod.py'));
    expect(stableId('file', 'pkg/mod.py')).toMatch(/^file:[0-9a-f]{32}$/);
    expect(stableId('file', 'a')).not.toBe(stableId('def', 'a'));
  });

  it('does not collide when parts are regrouped', () => {
    expect(stableId('x', 'ab', 'c')).not.toBe(stableId('x', 'a', 'bc'));
    expect(stableId('x', '1:a')).not.toBe(stableId('x', 1, 'a'));
    expect(stableId('x', null)).not.toBe(stableId('x', '~'));
    expect(stableId('x', null)).not.toBe(stableId('x'));
  });

  it('treats integers the same whether number or bigint', () => {
    expect(stableId('def', 'f', 42)).toBe(stableId('def', 'f', 42n));
  });

  it('rejects floats and bad namespaces', () => {
    expect(() => stableId('def', 1.5)).toThrow(RangeError);
    expect(() => stableId('Bad NS', 'a')).toThrow(RangeError);
  });
});

describe('stableId in DuckDB', () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  });
  afterAll(() => instance.closeSync());

  it('matches the TypeScript ids on real rows, including non-ASCII text and NULLs', async () => {
    const connection = await instance.connect();
    try {
      await connection.run(STABLE_ID_MACRO_SQL);
      await connection.run(`CREATE TABLE defs(path VARCHAR, name VARCHAR, bstart BIGINT, is_async BOOLEAN)`);
      const rows: [string, string | null, number, boolean][] = [
        ['pkg/mod.py', 'run', 0, false],
        ['pkg/ünïcode.py', 'naïve', 1234567890123, true],
        ['中文/模块.py', '函数', 7, false],
        ['emoji/🐍.py', null, 42, true],
        ['', '', 0, false],
      ];
      const appender = await connection.createAppender('defs');
      for (const [path, name, bstart, isAsync] of rows) {
        appender.appendVarchar(path);
        if (name === null) appender.appendNull();
        else appender.appendVarchar(name);
        appender.appendBigInt(BigInt(bstart));
        appender.appendBoolean(isAsync);
        appender.endRow();
      }
      appender.closeSync();
      const reader = await connection.runAndReadAll(
        `SELECT ${stableIdSql('def', ['path', 'name', 'bstart', 'is_async'])} AS id FROM defs ORDER BY rowid`,
      );
      const sqlIds = reader.getRows().map((r) => r[0]);
      expect(sqlIds).toEqual(rows.map(([p, n, b, a]) => stableId('def', p, n, b, a)));
    } finally {
      connection.closeSync();
    }
  });

  it('matches TypeScript for arbitrary strings (property)', async () => {
    const connection = await instance.connect();
    try {
      await connection.run(STABLE_ID_MACRO_SQL);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.option(fc.string({ unit: 'grapheme' }), { nil: null }), { maxLength: MAX_FLAT_ID_PARTS + 2 }), async (parts) => {
          const literals = parts.map((p) => (p === null ? 'NULL' : `'${p.replaceAll("'", "''")}'`));
          const reader = await connection.runAndReadAll(`SELECT ${stableIdSql('prop', literals)}`);
          expect(reader.getRows()[0]?.[0]).toBe(stableId('prop', ...parts));
        }),
        { numRuns: 60 },
      );
    } finally {
      connection.closeSync();
    }
  });

  it('writes two to eight parts as arguments and others as a list, and both forms hash alike', async () => {
    expect(stableIdSql('edge', ['a', 'b', 'c'])).toBe(`${STABLE_ID_MACRO}('edge', CAST(a AS VARCHAR), CAST(b AS VARCHAR), CAST(c AS VARCHAR))`);
    expect(stableIdSql('file', ['path'])).toBe(`${STABLE_ID_MACRO}('file', [CAST(path AS VARCHAR)]::VARCHAR[])`);
    expect(stableIdSql('x', Array.from({ length: MAX_FLAT_ID_PARTS + 1 }, () => 'p'))).toContain('::VARCHAR[])');
    const connection = await instance.connect();
    try {
      await connection.run(STABLE_ID_MACRO_SQL);
      for (let count = 2; count <= MAX_FLAT_ID_PARTS; count++) {
        const parts = Array.from({ length: count }, (_, i) => (i % 3 === 1 ? null : `pärt ${i}|${'~'.repeat(i)}`));
        const literals = parts.map((p) => (p === null ? 'NULL' : `'${p}'`));
        const reader = await connection.runAndReadAll(
          `SELECT ${STABLE_ID_MACRO}('ns', ${literals.join(', ')}) AS flat, ${STABLE_ID_MACRO}('ns', [${literals.join(', ')}]::VARCHAR[]) AS listed`,
        );
        const [flat, listed] = reader.getRows()[0] ?? [];
        expect(flat).toBe(stableId('ns', ...parts));
        expect(listed).toBe(flat);
      }
    } finally {
      connection.closeSync();
    }
  });
});
