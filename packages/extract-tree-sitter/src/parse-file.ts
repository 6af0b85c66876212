import { decodeSource, lineIndex } from '@anatomy/repo-scan';
import type { DecodedSource } from '@anatomy/repo-scan';
import type { Parser, Tree } from 'web-tree-sitter';
import { ExtractTreeSitterError } from './extract-tree-sitter-error.js';

/** A file's bytes decoded and parsed, or why they could not be decoded. The caller deletes the tree. */
export type ParsedFile =
  | { readonly ok: true; readonly text: string; readonly source: DecodedSource; readonly lines: Uint32Array; readonly tree: Tree }
  | { readonly ok: false; readonly lines: Uint32Array; readonly byteOffset: number; readonly message: string };

/**
 * Python reads a lone `\r` as a line end (universal newlines), but
 * tree-sitter-python's scanner does not, and mis-parses indentation after
 * one. Replacing it with `\n` keeps every index and byte width unchanged.
 */
function withUniversalNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/**
 * Decodes a file's bytes in its source encoding and parses the text with
 * tree-sitter-python. Undecodable bytes come back as a result (with the
 * first offending byte when known), never as an exception.
 *
 * @example
 * const parsed = parseFile(parser, bytes, 'utf-8');
 * if (parsed.ok) try { walk(parsed.tree); } finally { parsed.tree.delete(); }
 */
export function parseFile(parser: Parser, bytes: Uint8Array, encoding: string): ParsedFile {
  const lines = lineIndex(bytes);
  const decoded = decodeSource(bytes, encoding);
  if (!decoded.ok) return { ok: false, lines, byteOffset: decoded.byteOffset ?? 0, message: decoded.message };
  const text = withUniversalNewlines(decoded.source.text);
  const tree = parser.parse(text);
  if (tree === null) {
    throw ExtractTreeSitterError.create('ParseFailed', 'tree-sitter returned no tree although a language is set', {
      hint: 'this is a bug in the extractor or in web-tree-sitter; please report it with the file',
    });
  }
  return { ok: true, text, source: decoded.source, lines, tree };
}
