import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FileRecord } from './file-record.js';
import { RelativePathSchema } from './relative-path.js';
import { RepoScanError } from './repo-scan-error.js';

/**
 * Reads the bytes of a scanned file and checks that they are the bytes the
 * scan hashed: every span an extractor derives is an offset into exactly
 * those bytes, so a file edited since the scan is refused rather than
 * silently mismatched. Throws `repo-scan/Unreadable`,
 * `repo-scan/ContentChanged` or `repo-scan/PathOutsideRoot`.
 *
 * @example
 * const scan = await scanRepository({ root });
 * const bytes = await readSource(scan.root, scan.files[0]);
 */
export async function readSource(root: string, record: Pick<FileRecord, 'path' | 'size' | 'sha256'>): Promise<Buffer> {
  if (!RelativePathSchema.safeParse(record.path).success) {
    throw RepoScanError.create('PathOutsideRoot', `'${record.path}' is not a repository-relative path`, {
      hint: 'pass a record produced by scanRepository',
    });
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(join(resolve(root), ...record.path.split('/')));
  } catch (error) {
    throw RepoScanError.create('Unreadable', `cannot read ${record.path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'the file was readable during the scan; check that it still exists and is readable, then scan again',
    });
  }
  if (bytes.length !== record.size || createHash('sha256').update(bytes).digest('hex') !== record.sha256) {
    throw RepoScanError.create('ContentChanged', `${record.path} changed since it was scanned`, {
      details: { path: record.path, expectedSha256: record.sha256, size: bytes.length },
      hint: 'scan the repository again before extracting',
    });
  }
  return bytes;
}
