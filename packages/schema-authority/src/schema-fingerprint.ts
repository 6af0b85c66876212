import { fingerprint } from '@anatomy/contracts';
import type { Fingerprint } from '@anatomy/contracts';
import type { DatasetSchema } from './dataset-schema.js';

/**
 * Fingerprint of what a dataset stores: its name, version, span unit and the
 * name, type, nullability and role of every column in order. Descriptions are
 * documentation and do not count.
 *
 * @example
 * schemaFingerprint(filesDataset); // '3f1c…'
 */
export function schemaFingerprint(ds: DatasetSchema): Fingerprint {
  return fingerprint({
    name: ds.name,
    version: ds.version,
    spanUnit: ds.spanUnit,
    columns: ds.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, role: c.role ?? null })),
    key: ds.key,
  });
}
