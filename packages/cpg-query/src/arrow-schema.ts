import type { ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import { Binary, Bool, Field, Float64, Int32, Int64, Schema, Utf8 } from 'apache-arrow';
import type { DataType } from 'apache-arrow';

const ARROW_TYPES: Record<ColumnType, () => DataType> = {
  utf8: () => new Utf8(),
  int64: () => new Int64(),
  int32: () => new Int32(),
  float64: () => new Float64(),
  bool: () => new Bool(),
  binary: () => new Binary(),
};

/**
 * The Arrow schema of a dataset: one field per column with the Arrow type
 * of its logical type (BIGINT is Int64, read back as `bigint`) and the
 * nullability the dataset declares. The dataset's name, producer and version
 * travel in the schema metadata and each column's description in its
 * field's, so a reader of the file alone knows what it holds.
 *
 * @example
 * arrowSchema(cpgNodesDataset).fields.map((f) => `${f.name}:${f.type}`); // ['node_id:Utf8', …, 'bstart:Int64', …]
 */
export function arrowSchema(ds: DatasetSchema): Schema {
  const fields = ds.columns.map(
    (c) => new Field(c.name, ARROW_TYPES[c.type](), c.nullable, new Map([['description', c.description]])),
  );
  return new Schema(
    fields,
    new Map([
      ['anatomy.dataset', ds.name],
      ['anatomy.producer', ds.producer],
      ['anatomy.version', String(ds.version)],
    ]),
  );
}
