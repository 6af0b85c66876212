import { cpgEdgesDataset, cpgNodesDataset, cpgPropsDataset } from '@anatomy/schema-authority';
import type { ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CpgEdgeSchema } from './cpg-edge.js';
import { CpgNodeSchema } from './cpg-node.js';
import { CpgPropSchema } from './cpg-prop.js';

/** A value of the wrong JavaScript type for each column type as DuckDB returns it. */
const WRONG_TYPE: Record<ColumnType, unknown> = {
  utf8: 42,
  int64: 7, // BIGINT arrives as bigint, never as a lossy number
  int32: 7n,
  float64: '0.5',
  bool: 'true',
  binary: 'bytes',
};

const pairs: readonly [string, DatasetSchema, z.ZodObject][] = [
  ['CpgNodeSchema', cpgNodesDataset, CpgNodeSchema],
  ['CpgEdgeSchema', cpgEdgesDataset, CpgEdgeSchema],
  ['CpgPropSchema', cpgPropsDataset, CpgPropSchema],
];

describe.each(pairs)('%s agrees with the schema authority', (_name, dataset, schema) => {
  it('has exactly the dataset columns, in order', () => {
    expect(Object.keys(schema.shape)).toEqual(dataset.columns.map((c) => c.name));
  });

  it.each(dataset.columns.map((c) => [c.name, c] as const))('%s: NULL and type follow the dataset', (name, column) => {
    const field = schema.shape[name] as z.ZodType;
    expect(field.safeParse(null).success).toBe(column.nullable);
    expect(field.safeParse(WRONG_TYPE[column.type]).success).toBe(false);
  });
});
