// No import: the CLI reads these before it loads DuckDB.

/**
 * The storage version new store files are written in: DuckDB 1.4's, which
 * any DuckDB from 1.4 on reads. Its string compression (dictionary and FSST
 * together) made a full build of the CPython standard library 828–832 MiB →
 * 698–699 MiB on disk and its `execute` stage 39.1–39.4 s → 36.4–38.4 s,
 * against DuckDB's default (1.0's format); see docs/benchmarks.md.
 */
export const DEFAULT_STORAGE_VERSION = 'v1.4.0';

/** The form of a storage version: a DuckDB version (`v1.4.0`) or `latest`. */
export const STORAGE_VERSION_PATTERN = /^(v\d+\.\d+\.\d+|latest)$/;
