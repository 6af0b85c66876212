import type { ExtractableFile } from '@anatomy/schema-authority';
import type { PackedRows } from './packed-rows.js';

/** Main thread → worker: extract the demanded datasets of these files. */
export interface ExtractChunkRequest {
  readonly kind: 'extract';
  readonly chunk: number;
  readonly root: string;
  readonly files: readonly ExtractableFile[];
  readonly datasets: readonly string[];
}

/** Worker → main thread. */
export type ExtractionWorkerReply =
  /** The grammar is loaded; a crash from now on is blamed on the files being extracted. */
  | { readonly kind: 'ready' }
  /** The grammar could not be loaded: no file can be extracted in this process. */
  | { readonly kind: 'init-failed'; readonly message: string }
  /** The chunk's rows, one entry per demanded dataset. */
  | { readonly kind: 'done'; readonly chunk: number; readonly parts: readonly PackedRows[]; readonly durationsMs: readonly number[] };
