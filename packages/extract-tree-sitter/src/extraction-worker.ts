/**
 * The entry of an extraction worker thread: it loads the grammar once, then
 * for every chunk it is sent reads the files itself (checking them against
 * the scan), extracts the demanded datasets and replies with packed columns
 * whose buffers are transferred, not copied. A file that cannot be read or
 * parsed becomes an `evidence.ts_errors` row; nothing a file contains stops
 * the worker.
 */
import { parentPort } from 'node:worker_threads';
import type { FileId } from '@anatomy/contracts';
import { readSourceSync } from '@anatomy/repo-scan';
import { Parser } from 'web-tree-sitter';
import { ExtractTreeSitterError } from './extract-tree-sitter-error.js';
import { appendFileError, extractFileEvidence } from './extract-file-evidence.js';
import { activeBuffers, fileEvidenceSinks } from './file-evidence-sinks.js';
import { packRows } from './packed-rows.js';
import type { PackedRows } from './packed-rows.js';
import { loadPythonGrammar } from './python-grammar.js';
import type { PythonGrammar } from './python-grammar.js';
import type { ExtractChunkRequest, ExtractionWorkerReply } from './worker-protocol.js';

const port = parentPort;
if (port === null) {
  throw ExtractTreeSitterError.create('WorkerFailed', 'extraction-worker was started outside a worker thread', {
    hint: 'it is started by treeSitterExtractor.extract(); import the package instead of running this module',
  });
}

const reply = (message: ExtractionWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

const ready: Promise<{ grammar: PythonGrammar; parser: Parser } | null> = loadPythonGrammar().then(
  (grammar) => {
    const parser = new Parser();
    parser.setLanguage(grammar.language);
    reply({ kind: 'ready' });
    return { grammar, parser };
  },
  (error: unknown) => {
    reply({ kind: 'init-failed', message: (error as Error).message ?? String(error) });
    return null;
  },
);

async function extractChunk(request: ExtractChunkRequest): Promise<void> {
  const loaded = await ready;
  if (loaded === null) return;
  const sinks = fileEvidenceSinks(new Set(request.datasets));
  const durationsMs: number[] = [];
  for (const file of request.files) {
    const fileId = file.file_id as FileId;
    const started = performance.now();
    let bytes: Buffer | undefined;
    try {
      // Read on this thread: the worker has nothing else to do meanwhile, and a promise read costs several times the CPU.
      bytes = readSourceSync(request.root, file);
    } catch (error) {
      // Changed, vanished or unreadable since the scan: reported against the file, never fatal.
      appendFileError(sinks, fileId, new Uint32Array(0), 0, (error as Error).message ?? String(error));
    }
    if (bytes !== undefined) extractFileEvidence(loaded.parser, loaded.grammar, bytes, fileId, file.encoding, sinks);
    durationsMs.push(performance.now() - started);
  }
  const parts: PackedRows[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const buffer of activeBuffers(sinks)) {
    const packed = packRows(buffer.dataset, buffer.take());
    parts.push(packed.rows);
    transfer.push(...packed.transfer);
  }
  reply({ kind: 'done', chunk: request.chunk, parts, durationsMs }, transfer);
}

port.on('message', (request: ExtractChunkRequest) => {
  void extractChunk(request);
});
