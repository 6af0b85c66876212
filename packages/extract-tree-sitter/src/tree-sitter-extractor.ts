import { FileIdSchema } from '@anatomy/contracts';
import type { FileId } from '@anatomy/contracts';
import { bytePosition } from '@anatomy/repo-scan';
import type { ColumnBatch } from '@anatomy/schema-authority';
import { Parser } from 'web-tree-sitter';
import { collectDefinitions } from './collect-definitions.js';
import { ExtractTreeSitterError } from './extract-tree-sitter-error.js';
import { extractFileEvidence } from './extract-file-evidence.js';
import { activeBuffers, fileEvidenceSinks } from './file-evidence-sinks.js';
import { parseFile } from './parse-file.js';
import { loadPythonGrammar } from './python-grammar.js';
import type { PythonGrammar } from './python-grammar.js';
import type { TsDefRow } from './ts-def-row.js';
import type { TsErrorRow } from './ts-error-row.js';

/** The evidence extracted from one file. */
export interface FileEvidence {
  readonly file_id: FileId;
  /** In source order of their `def`/`class` keyword (outer before inner). */
  readonly defs: readonly TsDefRow[];
  readonly errors: readonly TsErrorRow[];
}

/**
 * Extracts syntax evidence from Python files with tree-sitter-python, in the
 * calling thread. One extractor owns one parser; reuse it for many files,
 * and `dispose()` it when done. Spans are UTF-8 byte offsets into each
 * file's bytes, whatever its encoding: the UTF-16 positions tree-sitter
 * reports are mapped back once per file (see `decodeSource` in
 * `@anatomy/repo-scan`). For whole repositories use `treeSitterExtractor`,
 * which spreads files over worker threads.
 *
 * @example
 * const extractor = await TreeSitterExtractor.init();
 * try {
 *   const { defs, errors } = extractor.extractFile(bytes, record.file_id, record.encoding);
 * } finally {
 *   extractor.dispose();
 * }
 */
export class TreeSitterExtractor {
  readonly #grammar: PythonGrammar;
  #parser: Parser | null;

  private constructor(grammar: PythonGrammar) {
    this.#grammar = grammar;
    this.#parser = new Parser();
    this.#parser.setLanguage(grammar.language);
  }

  /** Loads the grammar (once per process) and creates an extractor with its own parser. */
  static async init(): Promise<TreeSitterExtractor> {
    return new TreeSitterExtractor(await loadPythonGrammar());
  }

  #live(): Parser {
    if (this.#parser === null) {
      throw ExtractTreeSitterError.create('Disposed', 'this extractor was disposed', { hint: 'create a new one with TreeSitterExtractor.init()' });
    }
    return this.#parser;
  }

  /**
   * Parses one file and returns its definitions and syntax errors. Never
   * throws for the file's content: syntax errors become error rows next to
   * the definitions that could still be found, and bytes that cannot be
   * decoded in `encoding` become a single error row.
   */
  extractFile(source: Uint8Array, fileId: string, encoding: string): FileEvidence {
    const parser = this.#live();
    const file_id = FileIdSchema.parse(fileId);
    const parsed = parseFile(parser, source, encoding);
    if (!parsed.ok) {
      const bstart = parsed.byteOffset;
      const error: TsErrorRow = Object.freeze({ file_id, bstart, bend: bstart, ...bytePosition(parsed.lines, bstart), message: parsed.message });
      return Object.freeze({ file_id, defs: Object.freeze([]), errors: Object.freeze([error]) });
    }
    try {
      const { defs, errors } = collectDefinitions(parsed.tree, this.#grammar, { fileId: file_id, text: parsed.text, source: parsed.source, lines: parsed.lines });
      return Object.freeze({ file_id, defs, errors });
    } finally {
      parsed.tree.delete();
    }
  }

  /**
   * Extracts the demanded datasets (names like `evidence.ts_refs`; others
   * are ignored) of one file as validated column batches, one per demanded
   * dataset in the order of `treeSitterDatasets`, empty ones included.
   * Never throws for the file's content.
   *
   * @example
   * const [calls] = extractor.extractDatasets(bytes, record.file_id, record.encoding, new Set(['evidence.ts_calls']));
   */
  extractDatasets(source: Uint8Array, fileId: string, encoding: string, datasets: ReadonlySet<string>): ColumnBatch[] {
    const parser = this.#live();
    const sinks = fileEvidenceSinks(datasets);
    extractFileEvidence(parser, this.#grammar, source, FileIdSchema.parse(fileId), encoding, sinks);
    return activeBuffers(sinks).map((b) => b.toBatch());
  }

  /** Frees the parser's WebAssembly memory; the extractor is unusable afterwards. */
  dispose(): void {
    this.#parser?.delete();
    this.#parser = null;
  }
}
