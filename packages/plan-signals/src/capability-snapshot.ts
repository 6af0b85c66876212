import { fingerprint, FingerprintSchema } from '@anatomy/contracts';
import type { SqlQueryable } from './sql-queryable.js';
import { z } from 'zod';
import { deepFreeze } from './deep-freeze.js';
import { PlanSignalsError } from './plan-signals-error.js';

/**
 * Session settings that change what a build does or how fast: parallelism,
 * memory, ordering and collation defaults, time zone, extension loading and
 * the storage format.
 */
const SNAPSHOT_SETTINGS = [
  'threads',
  'memory_limit',
  'max_temp_directory_size',
  'preserve_insertion_order',
  'default_order',
  'default_null_order',
  'default_collation',
  'integer_division',
  'disabled_optimizers',
  'TimeZone',
  'Calendar',
  'autoinstall_known_extensions',
  'autoload_known_extensions',
  'enable_external_access',
  'checkpoint_threshold',
  'storage_compatibility_version',
] as const;

/**
 * What the DuckDB of a store can do: its version, every function name it
 * knows, the loaded extensions, and the settings that matter. `fingerprint`
 * covers what decides whether a view can run at all (version, functions,
 * extensions); `settingsFingerprint` covers the settings, which vary between
 * machines (threads, memory) without changing any result.
 */
export const CapabilitySnapshotSchema = z.object({
  duckdbVersion: z.string().min(1),
  functions: z.object({
    /** Distinct function and macro names, sorted. */
    names: z.array(z.string().min(1)),
    count: z.number().int().nonnegative(),
    fingerprint: FingerprintSchema,
  }),
  /** Loaded extensions with their versions, sorted by name. */
  extensions: z.array(z.object({ name: z.string().min(1), version: z.string() })),
  settings: z.record(z.string(), z.string()),
  settingsFingerprint: FingerprintSchema,
  fingerprint: FingerprintSchema,
});
export type CapabilitySnapshot = z.infer<typeof CapabilitySnapshotSchema>;

/**
 * Captures the capability snapshot of a store's DuckDB.
 *
 * @example
 * const caps = await captureCapabilities(store);
 * caps.functions.names.includes('json_serialize_sql'); // true
 */
export async function captureCapabilities(store: SqlQueryable): Promise<CapabilitySnapshot> {
  try {
    const version = String((await store.query('SELECT version() AS v'))[0]?.['v'] ?? '');
    // Sorted here rather than in SQL so a session collation cannot reorder the list.
    const names = (await store.query('SELECT DISTINCT function_name AS name FROM duckdb_functions()')).map((r) => String(r['name'])).sort();
    const extensions = (
      await store.query("SELECT extension_name AS name, coalesce(extension_version, '') AS version FROM duckdb_extensions() WHERE loaded")
    )
      .map((r) => ({ name: String(r['name']), version: String(r['version']) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const wanted = SNAPSHOT_SETTINGS.map((s) => `'${s}'`).join(', ');
    const settings: Record<string, string> = {};
    for (const row of await store.query(`SELECT name, coalesce(value, '') AS value FROM duckdb_settings() WHERE name IN (${wanted}) ORDER BY name`)) {
      settings[String(row['name'])] = String(row['value']);
    }
    const functions = { names, count: names.length, fingerprint: fingerprint(names) };
    return deepFreeze({
      duckdbVersion: version,
      functions,
      extensions,
      settings,
      settingsFingerprint: fingerprint(settings),
      fingerprint: fingerprint({ version, functions: functions.fingerprint, extensions }),
    });
  } catch (error) {
    throw PlanSignalsError.create('CatalogFailed', `cannot capture the capabilities of the store: ${(error as Error).message}`, {
      cause: error,
      hint: 'check that the store is open; the catalog functions used ship with DuckDB',
    });
  }
}
