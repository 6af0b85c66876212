import { FileIdSchema } from '@anatomy/contracts';
import { z } from 'zod';

/** Every problem a scan can report about one path. */
export const ScanDiagnosticCodeSchema = z.enum([
  'repo-scan/Unreadable',
  'repo-scan/UndecodableBytes',
  'repo-scan/UnknownEncoding',
  'repo-scan/EncodingConflict',
  'repo-scan/BinaryFile',
  'repo-scan/SymlinkLoop',
  'repo-scan/SymlinkOutsideRoot',
]);
export type ScanDiagnosticCode = z.infer<typeof ScanDiagnosticCodeSchema>;

/**
 * A problem found while scanning one path. `file_id` is set exactly when the
 * path is listed in the scan's files (a binary or undecodable file), and null
 * when it is not (an unreadable file, a skipped symlink, an unreadable
 * directory), so it never points at a missing file row.
 *
 * @example
 * ScanDiagnosticSchema.parse({ path: 'blob.py', file_id: null, code: 'repo-scan/Unreadable', message: 'EACCES' });
 */
export const ScanDiagnosticSchema = z.object({
  path: z.string().min(1),
  file_id: FileIdSchema.nullable(),
  code: ScanDiagnosticCodeSchema,
  message: z.string().min(1),
}).readonly();
export type ScanDiagnostic = z.infer<typeof ScanDiagnosticSchema>;
