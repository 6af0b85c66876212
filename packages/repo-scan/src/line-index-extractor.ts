import { columnBatch, defineDataset, defineExtractor } from '@anatomy/schema-authority';
import type { ColumnBatch, DatasetSchema, ExtractionRequest, Extractor, ExtractorCapability } from '@anatomy/schema-authority';
import { lineIndex } from './line-index.js';
import { readSource } from './read-source.js';

/**
 * `evidence.line_index`: where every line of every file starts and ends, in
 * bytes. `bend` is where the next line starts (the line's terminator
 * included), or the end of the file for the last line. This is the table
 * that converts line/column positions into byte spans in SQL.
 */
export const lineIndexDataset: DatasetSchema = defineDataset({
  name: 'evidence.line_index',
  producer: 'repo-scan',
  version: 1,
  description: 'Byte range of every line of every scanned file.',
  spanUnit: 'utf8-bytes',
  key: ['file_id', 'line_no'],
  columns: [
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: "stableId('file', path)" },
    { name: 'line_no', type: 'int32', nullable: false, role: 'line', description: '1-based line number' },
    { name: 'bstart', type: 'int64', nullable: false, role: 'span-start', description: 'byte offset where the line starts (after a BOM on line 1)' },
    { name: 'bend', type: 'int64', nullable: false, role: 'span-end', description: 'byte offset where the next line starts, or the file size' },
  ],
});

/** Rows per batch: bounded, so memory stays flat whatever the repository. */
const BATCH_ROWS = 65_536;

/**
 * The line index as an extractor, so it is produced only when the compiled
 * program (or `--all-evidence`) asks for it. Files changed or unreadable
 * since the scan are skipped: the scan's diagnostics already name them.
 *
 * @example
 * for await (const batch of lineIndexExtractor.extract({ root, files, datasets: new Set(['evidence.line_index']) })) …
 */
export const lineIndexExtractor: Extractor = Object.freeze({
  descriptor: defineExtractor({ name: 'line-index', version: '1', needs: {}, datasets: [lineIndexDataset] }),
  async capability(): Promise<ExtractorCapability> {
    return { extractor: 'line-index', available: true, tools: {} };
  },
  async *extract(request: ExtractionRequest): AsyncIterable<ColumnBatch> {
    if (!request.datasets.has(lineIndexDataset.name)) return;
    let fileIds: string[] = [];
    let lines: number[] = [];
    let starts: number[] = [];
    let ends: number[] = [];
    const flush = (): ColumnBatch => {
      const batch = columnBatch(lineIndexDataset, { file_id: fileIds, line_no: lines, bstart: starts, bend: ends });
      fileIds = [];
      lines = [];
      starts = [];
      ends = [];
      return batch;
    };
    let done = 0;
    for (const file of request.files) {
      if (request.signal?.aborted === true) return;
      let bytes: Buffer | undefined;
      try {
        bytes = await readSource(request.root, file);
      } catch {
        bytes = undefined;
      }
      if (bytes !== undefined) {
        const index = lineIndex(bytes);
        for (let i = 0; i < index.length; i++) {
          fileIds.push(file.file_id);
          lines.push(i + 1);
          starts.push(index[i] ?? 0);
          ends.push(i + 1 < index.length ? (index[i + 1] ?? bytes.length) : bytes.length);
        }
      }
      request.onProgress?.(++done, request.files.length);
      if (fileIds.length >= BATCH_ROWS) yield flush();
    }
    if (fileIds.length > 0) yield flush();
  },
});
