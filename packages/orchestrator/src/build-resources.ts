/**
 * DuckDB's buffer memory in a build unless `memoryLimit` says otherwise.
 * DuckDB's own default is 80% of the machine's memory, which a build of a
 * large repository used in full (3.4 GB on the CPython standard library)
 * although every heavy operator can spill to disk. With this cap the whole
 * process tree — Node, the tree-sitter threads, the python3 workers and
 * DuckDB — stays near 1 GiB.
 */
export const DEFAULT_BUILD_MEMORY_LIMIT = '512MB';

/**
 * Rows per batch the CPython extractor hands the store in a build, as many
 * as tree-sitter's. Every ingest is followed by a storage snapshot for its
 * write outcome, so the extractor's default of 8,192 rows meant hundreds of
 * ingests and snapshots for `py_ast_nodes` alone on a large repository.
 */
export const BUILD_PYTHON_BATCH_ROWS = 50_000;
