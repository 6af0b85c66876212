import { SchemaRegistry, cpgOutputDatasets, createTableSql } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SemanticProgramManifest } from './semantic-program-manifest.js';

/** A literal for a test row value. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

/** A registry holding the CPG contracts and the given datasets. */
export function registryOf(...datasets: DatasetSchema[]): SchemaRegistry {
  const registry = new SchemaRegistry();
  registry.registerAll([...cpgOutputDatasets, ...datasets]);
  return registry;
}

/** A fresh in-memory DuckDB with the evidence tables created and filled. */
export class TestDatabase {
  private constructor(
    readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<TestDatabase> {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
    return new TestDatabase(instance, await instance.connect());
  }

  /** Creates the dataset's table and inserts the rows, given as objects keyed by column name. */
  async load(ds: DatasetSchema, rows: readonly Record<string, unknown>[]): Promise<void> {
    await this.connection.run(createTableSql(ds));
    for (const row of rows) {
      const values = ds.columns.map((c) => literal(row[c.name]));
      await this.connection.run(`INSERT INTO ${ds.name} VALUES (${values.join(', ')})`);
    }
  }

  /**
   * Creates the manifest's macros and then its views. The manifest lists no
   * dependencies, so views that fail to bind are retried after the others.
   */
  async install(manifest: SemanticProgramManifest): Promise<void> {
    for (const m of manifest.macros) await this.connection.run(m.sql);
    let pending = [...manifest.views];
    while (pending.length > 0) {
      const failed: typeof pending = [];
      let lastError: unknown;
      for (const view of pending) {
        try {
          await this.connection.run(`CREATE SCHEMA IF NOT EXISTS ${view.name.split('.')[0] ?? ''}`);
          await this.connection.run(`CREATE OR REPLACE VIEW ${view.name} AS ${view.sql}`);
        } catch (error) {
          failed.push(view);
          lastError = error;
        }
      }
      if (failed.length === pending.length) throw lastError;
      pending = failed;
    }
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
