import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { sqlString } from './sql-string.js';

describe('sqlString', () => {
  it('is read back by DuckDB as the very text, quotes, backslashes and line breaks included', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      for (const text of ['', "it's", "''", 'a\\b', 'two\nlines', "'; DROP TABLE x; --", 'ünï €']) {
        const reader = await connection.runAndReadAll(`SELECT ${sqlString(text)} AS t`);
        expect(reader.getRowObjectsJS()[0]?.['t']).toBe(text);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
