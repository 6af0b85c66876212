import { FileIdSchema } from '@anatomy/contracts';
import { z } from 'zod';
import { RelativePathSchema } from './relative-path.js';

/**
 * One scanned file: its stable id, repository-relative path, size, content
 * hash, source encoding and number of lines. Records carry no contents; read
 * them with `readSource`.
 *
 * @example
 * FileRecordSchema.parse({ file_id: fileIdForPath('a.py'), path: 'a.py', size: 0,
 *   sha256: 'e3b0c442…', encoding: 'utf-8', line_count: 0 });
 */
export const FileRecordSchema = z.object({
  file_id: FileIdSchema,
  path: RelativePathSchema,
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  /** `utf-8`, `utf-8-sig` (byte order mark) or the lower-cased PEP 263 coding cookie. */
  encoding: z.string().min(1),
  line_count: z.number().int().nonnegative(),
}).readonly();
export type FileRecord = z.infer<typeof FileRecordSchema>;
