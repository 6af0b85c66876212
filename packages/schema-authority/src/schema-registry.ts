import { SchemaAuthorityError } from './dataset-schema.js';
import type { DatasetSchema } from './dataset-schema.js';
import { schemaFingerprint } from './schema-fingerprint.js';

/**
 * The one place where the datasets of a run are known. Producers (extractors,
 * the semantic compiler) register their datasets once; registering the same
 * name again with a different schema is an error, so no schema can be
 * declared twice in two ways.
 *
 * @example
 * const registry = new SchemaRegistry();
 * registry.register(filesDataset);
 * registry.get('evidence.files');
 */
export class SchemaRegistry {
  readonly #datasets = new Map<string, DatasetSchema>();

  /** Adds a dataset; re-registering an identical schema is a no-op. */
  register(ds: DatasetSchema): void {
    const existing = this.#datasets.get(ds.name);
    if (existing !== undefined && schemaFingerprint(existing) !== schemaFingerprint(ds)) {
      throw SchemaAuthorityError.create('ConflictingSchema', `dataset ${ds.name} is already registered by ${existing.producer} with another schema`, {
        details: { dataset: ds.name, producers: [existing.producer, ds.producer] },
        hint: 'a dataset has one owner: declare it once and import that declaration',
      });
    }
    this.#datasets.set(ds.name, ds);
  }

  /** Adds several datasets. */
  registerAll(datasets: readonly DatasetSchema[]): void {
    for (const ds of datasets) this.register(ds);
  }

  /** The dataset with this name; throws `schema-authority/UnknownDataset` otherwise. */
  get(name: string): DatasetSchema {
    const ds = this.#datasets.get(name);
    if (ds === undefined) {
      throw SchemaAuthorityError.create('UnknownDataset', `no dataset named ${name} is registered`, {
        details: { dataset: name, known: [...this.#datasets.keys()].sort() },
        hint: 'register the producer of this dataset before compiling or ingesting',
      });
    }
    return ds;
  }

  /** True when a dataset with this name is registered. */
  has(name: string): boolean {
    return this.#datasets.has(name);
  }

  /** Every registered dataset, sorted by name. */
  list(): readonly DatasetSchema[] {
    return [...this.#datasets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
