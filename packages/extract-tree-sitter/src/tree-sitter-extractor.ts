import { FileIdSchema } from '@anatomy/contracts';
import type { FileId } from '@anatomy/contracts';
import { bytePosition, decodeSource, lineIndex } from '@anatomy/repo-scan';
import { Parser } from 'web-tree-sitter';
import { collectDefinitions } from './collect-definitions.js';
import { ExtractTreeSitterError } from './extract-tree-sitter-error.js';
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
 * Python reads a lone `\r` as a line end (universal newlines), but
 * tree-sitter-python's scanner does not, and mis-parses indentation after
 * one. Replacing it with `\n` keeps every index and byte width unchanged.
 */
function withUniversalNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/**
 * Extracts syntax evidence from Python files with tree-sitter-python. One
 * extractor owns one parser; reuse it for many files, and `dispose()` it when
 * done. Spans are UTF-8 byte offsets into each file's bytes, whatever its
 * encoding: the UTF-16 positions tree-sitter reports are mapped back once per
 * file (see `decodeSource` in `@anatomy/repo-scan`).
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

  /**
   * Parses one file and returns its definitions and syntax errors. Never
   * throws for the file's content: syntax errors become error rows next to
   * the definitions that could still be found, and bytes that cannot be
   * decoded in `encoding` become a single error row.
   */
  extractFile(source: Uint8Array, fileId: string, encoding: string): FileEvidence {
    const parser = this.#parser;
    if (parser === null) {
      throw ExtractTreeSitterError.create('Disposed', 'this extractor was disposed', { hint: 'create a new one with TreeSitterExtractor.init()' });
    }
    const file_id = FileIdSchema.parse(fileId);
    const lines = lineIndex(source);
    const decoded = decodeSource(source, encoding);
    if (!decoded.ok) {
      const bstart = decoded.byteOffset ?? 0;
      const error: TsErrorRow = Object.freeze({ file_id, bstart, bend: bstart, ...bytePosition(lines, bstart), message: decoded.message });
      return Object.freeze({ file_id, defs: Object.freeze([]), errors: Object.freeze([error]) });
    }
    const text = withUniversalNewlines(decoded.source.text);
    const tree = parser.parse(text);
    if (tree === null) {
      throw ExtractTreeSitterError.create('ParseFailed', 'tree-sitter returned no tree although a language is set', {
        hint: 'this is a bug in the extractor or in web-tree-sitter; please report it with the file',
      });
    }
    try {
      const { defs, errors } = collectDefinitions(tree, this.#grammar, { fileId: file_id, text, source: decoded.source, lines });
      return Object.freeze({ file_id, defs, errors });
    } finally {
      tree.delete();
    }
  }

  /** Frees the parser's WebAssembly memory; the extractor is unusable afterwards. */
  dispose(): void {
    this.#parser?.delete();
    this.#parser = null;
  }
}
