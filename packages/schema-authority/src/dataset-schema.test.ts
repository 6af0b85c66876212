import { describe, expect, it } from 'vitest';
import { columnBatch } from './column-batch.js';
import { SchemaAuthorityError, columnsWithRole, defineDataset } from './dataset-schema.js';
import { createTableSql } from './duckdb-ddl.js';
import { schemaFingerprint } from './schema-fingerprint.js';
import { SchemaRegistry } from './schema-registry.js';

const files = defineDataset({
  name: 'evidence.files',
  producer: 'repo-scan',
  version: 1,
  description: 'scanned files',
  spanUnit: 'none',
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'stable file id' },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'relative path' },
    { name: 'size', type: 'int64', nullable: false, description: 'bytes' },
  ],
});

describe('defineDataset', () => {
  it('freezes what it returns', () => {
    expect(Object.isFrozen(files)).toBe(true);
    expect(Object.isFrozen(files.columns[0])).toBe(true);
  });

  it('reports every problem with its path', () => {
    let caught: unknown;
    try {
      defineDataset({
        name: 'NoSchema',
        producer: 'x',
        version: 0,
        description: 'd',
        spanUnit: 'utf8-bytes',
        columns: [
          { name: 'a', type: 'utf8', nullable: false, description: 'a' },
          { name: 'a', type: 'utf8', nullable: false, description: 'a again' },
        ],
      });
    } catch (error) {
      caught = error;
    }
    expect(SchemaAuthorityError.is(caught, 'InvalidSchema')).toBe(true);
    const issues = (caught as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path);
    expect(issues).toEqual(expect.arrayContaining(['name', 'version', 'columns.1.name', 'spanUnit']));
  });

  it('checks that key columns exist', () => {
    expect(() => defineDataset({ ...files, key: ['file_id', 'nope'] })).toThrow(/key\.1: key column 'nope' is not a column/);
    expect(defineDataset({ ...files, key: ['file_id'] }).key).toEqual(['file_id']);
  });

  it('finds columns by role', () => {
    expect(columnsWithRole(files, 'file-identity').map((c) => c.name)).toEqual(['file_id']);
    expect(columnsWithRole(files, 'span-start')).toEqual([]);
  });

  it('writes DDL with DuckDB types and nullability', () => {
    expect(createTableSql(files)).toBe(
      'CREATE SCHEMA IF NOT EXISTS "evidence"; CREATE TABLE IF NOT EXISTS "evidence"."files" ("file_id" VARCHAR NOT NULL, "path" VARCHAR NOT NULL, "size" BIGINT NOT NULL);',
    );
  });
});

describe('schemaFingerprint', () => {
  it('ignores descriptions and changes with types', () => {
    const redescribed = defineDataset({ ...files, description: 'other words', columns: files.columns.map((c) => ({ ...c, description: 'x' })) });
    expect(schemaFingerprint(redescribed)).toBe(schemaFingerprint(files));
    const retyped = defineDataset({ ...files, columns: files.columns.map((c) => (c.name === 'size' ? { ...c, type: 'int32' as const } : c)) });
    expect(schemaFingerprint(retyped)).not.toBe(schemaFingerprint(files));
  });
});

describe('SchemaRegistry', () => {
  it('accepts an identical re-registration and rejects a conflicting one', () => {
    const registry = new SchemaRegistry();
    registry.register(files);
    registry.register(defineDataset({ ...files }));
    const other = defineDataset({ ...files, producer: 'intruder', columns: files.columns.slice(0, 2) });
    expect(() => registry.register(other)).toThrow(expect.objectContaining({ code: 'schema-authority/ConflictingSchema' }));
    expect(registry.list().map((d) => d.name)).toEqual(['evidence.files']);
  });

  it('names the known datasets when one is missing', () => {
    const registry = new SchemaRegistry();
    registry.register(files);
    expect(() => registry.get('evidence.nope')).toThrow(expect.objectContaining({ code: 'schema-authority/UnknownDataset' }));
  });
});

describe('columnBatch', () => {
  it('accepts well-typed columns', () => {
    const batch = columnBatch(files, { file_id: ['f1', 'f2'], path: ['a.py', 'b.py'], size: [1, 2n] });
    expect(batch.rowCount).toBe(2);
  });

  it('lists missing, extra, ragged and mistyped columns', () => {
    expect(() => columnBatch(files, { file_id: ['f1', 'f2'], path: ['a.py'], size: ['x', 1], extra: [1, 2] })).toThrow(
      /path: 1 values, expected 2[\s\S]*size\[0\][\s\S]*extra: not a column/,
    );
    expect(() => columnBatch(files, { file_id: [null], path: ['a'], size: [1] })).toThrow(/not nullable/);
  });

  it('checks every type, names the first value a column cannot hold, and takes NULL only where allowed', () => {
    const types = ['utf8', 'int64', 'int32', 'float64', 'bool', 'binary'] as const;
    const all = defineDataset({
      ...files,
      name: 'evidence.typed',
      columns: types.flatMap((type) => [
        { name: `${type}_set`, type, nullable: false, description: type },
        { name: `${type}_or_null`, type, nullable: true, description: type },
      ]),
    });
    const good = { utf8: ['a', ''], int64: [1, -2n], int32: [2147483647, -2147483648], float64: [0.5, 3], bool: [true, false], binary: [new Uint8Array(1), new Uint8Array(0)] };
    const columns = (change: Record<string, readonly unknown[]> = {}) =>
      Object.fromEntries(types.flatMap((t) => [[`${t}_set`, change[`${t}_set`] ?? good[t]], [`${t}_or_null`, change[`${t}_or_null`] ?? [null, good[t][1]]]])) as never;
    expect(columnBatch(all, columns()).rowCount).toBe(2);
    const wrong = { utf8: 1, int64: 0.5, int32: 2147483648, float64: '1', bool: 1, binary: 'x' };
    for (const type of types) {
      expect(() => columnBatch(all, columns({ [`${type}_set`]: [good[type][0], wrong[type]] })), type).toThrow(new RegExp(`${type}_set\\[1\\]: .* is not a valid ${type}`));
      expect(() => columnBatch(all, columns({ [`${type}_set`]: [null, good[type][0]] })), type).toThrow(new RegExp(`${type}_set\\[0\\]: null is not a valid ${type} \\(not nullable\\)`));
      expect(() => columnBatch(all, columns({ [`${type}_or_null`]: [null, wrong[type]] })), type).toThrow(new RegExp(`${type}_or_null\\[1\\]`));
    }
  });
});
