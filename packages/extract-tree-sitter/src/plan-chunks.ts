import type { ExtractableFile } from '@anatomy/schema-authority';

/** A unit of work for one worker: consecutive files of the request. */
export interface FileChunk {
  readonly files: readonly ExtractableFile[];
  readonly bytes: number;
}

/** How big a chunk may grow. */
export interface ChunkLimits {
  /** Source bytes per chunk; a file larger than this is a chunk of its own. */
  readonly bytes: number;
  readonly files: number;
}

/**
 * Splits files into chunks of bounded size, in request order, then orders
 * the chunks largest first — the "longest processing time first" rule for
 * scheduling jobs on parallel machines (Graham, 1969), so a huge file does
 * not start last and leave the other workers idle at the end.
 *
 * @example
 * planChunks(scan.files, { bytes: 1 << 20, files: 256 });
 */
export function planChunks(files: readonly ExtractableFile[], limits: ChunkLimits): FileChunk[] {
  const chunks: FileChunk[] = [];
  let current: ExtractableFile[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (bytes + file.size > limits.bytes || current.length >= limits.files)) {
      chunks.push({ files: current, bytes });
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) chunks.push({ files: current, bytes });
  // A stable sort keeps request order among chunks of equal size.
  return chunks.sort((a, b) => b.bytes - a.bytes);
}
