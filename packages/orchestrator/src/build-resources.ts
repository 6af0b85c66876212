/**
 * Rows per batch the CPython extractor hands the store in a build, as many
 * as tree-sitter's. Every ingest is followed by a storage snapshot for its
 * write outcome, so the extractor's default of 8,192 rows meant hundreds of
 * ingests and snapshots for `py_ast_nodes` alone on a large repository.
 */
export const BUILD_PYTHON_BATCH_ROWS = 50_000;
