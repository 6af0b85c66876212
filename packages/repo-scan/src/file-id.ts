import { FileIdSchema, stableId } from '@anatomy/contracts';
import type { FileId } from '@anatomy/contracts';

/**
 * The stable id of a file: `stableId('file', path)` over its
 * repository-relative POSIX path, identical on every machine and in SQL.
 *
 * @example
 * fileIdForPath('pkg/mod.py'); // 'file:…'
 */
export function fileIdForPath(path: string): FileId {
  return FileIdSchema.parse(stableId('file', path));
}
