import { statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { CpgQueryError } from './cpg-query-error.js';

/** Folder of a repository that holds its store (ARCHITECTURE.md, "Store"). */
export const STORE_FOLDER = '.anatomy';

/** File name of the DuckDB database inside {@link STORE_FOLDER}. */
export const STORE_FILE = 'anatomy.duckdb';

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The absolute path of the store a user means: a database file as given, or
 * for a repository directory its `.anatomy/anatomy.duckdb` (the `.anatomy`
 * folder itself is accepted too). Throws `cpg-query/NotFound` when there is
 * no such file, because then nothing has been built yet.
 *
 * @example
 * locateStore('path/to/repo'); // '/abs/path/to/repo/.anatomy/anatomy.duckdb'
 */
export function locateStore(path: string): string {
  const absolute = resolve(path);
  const stats = statOf(absolute);
  if (stats?.isFile() === true) return absolute;
  if (stats?.isDirectory() === true) {
    for (const candidate of [join(absolute, STORE_FOLDER, STORE_FILE), join(absolute, STORE_FILE)]) {
      if (statOf(candidate)?.isFile() === true) return candidate;
    }
    throw CpgQueryError.create('NotFound', `no CPG store in ${absolute} (looked for ${join(STORE_FOLDER, STORE_FILE)})`, {
      details: { path: absolute },
      hint: `run \`anatomy build ${path}\` first`,
    });
  }
  throw CpgQueryError.create('NotFound', `${absolute} does not exist`, {
    details: { path: absolute },
    hint: 'pass a repository directory built with `anatomy build <dir>`, or the path of its .anatomy/anatomy.duckdb',
  });
}
