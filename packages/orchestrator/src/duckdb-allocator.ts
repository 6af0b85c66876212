/**
 * The environment variable DuckDB's bundled allocator (jemalloc) reads its
 * settings from, once, when the DuckDB library loads.
 */
export const DUCKDB_ALLOCATOR_VARIABLE = 'DUCKDB_JE_MALLOC_CONF';

/**
 * The allocator settings the `anatomy` command starts DuckDB with. DuckDB's
 * own keep freed memory for five seconds, then mark it lazily freeable, which
 * the kernel still counts as the process's until it runs short: a build's
 * statements, one after another, each held on to what the ones before had
 * freed. With memory given back after a second, and at once when it leaves
 * that state, full builds of the standard library under a 500MB cap with
 * sorted rankings peaked at 965 and 1008 MiB against 1079 MiB with DuckDB's
 * settings (one build each, RSS sampled every 0.2–0.25 s; see
 * docs/benchmarks.md), in about the same time.
 */
export const DUCKDB_ALLOCATOR_DEFAULT = 'dirty_decay_ms:1000,muzzy_decay_ms:0';

/**
 * Gives `env` the allocator settings above unless it holds some already,
 * which are then kept as they are. To take effect it must run before the
 * DuckDB library is first loaded in the process. Returns whether it set them.
 *
 * @example
 * setAllocatorDefaults(process.env); // then import what loads @duckdb/node-api
 */
export function setAllocatorDefaults(env: Record<string, string | undefined>): boolean {
  if (env[DUCKDB_ALLOCATOR_VARIABLE] !== undefined) return false;
  env[DUCKDB_ALLOCATOR_VARIABLE] = DUCKDB_ALLOCATOR_DEFAULT;
  return true;
}
