import type { FileId } from '@anatomy/contracts';
import { bytePosition } from '@anatomy/repo-scan';
import type { Parser } from 'web-tree-sitter';
import { collectDefinitions } from './collect-definitions.js';
import { collectNodes } from './collect-nodes.js';
import { collectSyntaxEvidence } from './collect-syntax-evidence.js';
import { activeBuffers } from './file-evidence-sinks.js';
import type { FileEvidenceSinks } from './file-evidence-sinks.js';
import { parseFile } from './parse-file.js';
import type { PythonGrammar } from './python-grammar.js';
import { SourcePositions } from './source-positions.js';

/**
 * Appends a file-level problem to `evidence.ts_errors` (when demanded):
 * at `byteOffset`, with an empty span.
 *
 * @example
 * appendFileError(sinks, fileId, lineIndex(bytes), 0, 'x.py changed since it was scanned');
 */
export function appendFileError(sinks: FileEvidenceSinks, fileId: FileId, lines: Uint32Array, byteOffset: number, message: string): void {
  sinks.errors?.append({ file_id: fileId, bstart: byteOffset, bend: byteOffset, ...bytePosition(lines, byteOffset), message });
}

/**
 * Extracts the demanded evidence of one file into `sinks`, running only the
 * walks that feed a demanded dataset: definitions and errors share one
 * pruned walk, the syntax facts (parameters, references, attributes,
 * imports, calls, decorators, docstrings) another, and `ts_nodes` its own.
 * Never throws for the file: undecodable bytes become an error row, and an
 * unexpected failure inside a walk drops the file's partial rows and
 * becomes an error row too, so one file never stops the others.
 *
 * @example
 * const sinks = fileEvidenceSinks(new Set(['evidence.ts_calls']));
 * extractFileEvidence(parser, grammar, bytes, fileId, 'utf-8', sinks);
 */
export function extractFileEvidence(parser: Parser, grammar: PythonGrammar, bytes: Uint8Array, fileId: FileId, encoding: string, sinks: FileEvidenceSinks): void {
  const buffers = activeBuffers(sinks);
  const marks = buffers.map((b) => b.rowCount);
  let lines: Uint32Array | null = null;
  try {
    const parsed = parseFile(parser, bytes, encoding);
    lines = parsed.lines;
    if (!parsed.ok) {
      appendFileError(sinks, fileId, parsed.lines, parsed.byteOffset, parsed.message);
      return;
    }
    try {
      const { text, source, tree } = parsed;
      if (sinks.defs !== null || sinks.errors !== null) {
        const found = collectDefinitions(tree, grammar, { fileId, text, source, lines });
        if (sinks.defs !== null) for (const row of found.defs) sinks.defs.append(row);
        if (sinks.errors !== null) for (const row of found.errors) sinks.errors.append(row);
      }
      const positions = new SourcePositions(source, lines);
      const { params, refs, attributes, imports, calls, decorators, docstrings } = sinks;
      if (params ?? refs ?? attributes ?? imports ?? calls ?? decorators ?? docstrings) {
        collectSyntaxEvidence(tree, grammar, { fileId, text, positions }, sinks);
      }
      if (sinks.nodes !== null) collectNodes(tree, grammar, { fileId, positions }, sinks.nodes);
    } finally {
      parsed.tree.delete();
    }
  } catch (error) {
    buffers.forEach((b, i) => b.truncate(marks[i] as number));
    appendFileError(sinks, fileId, lines ?? new Uint32Array(0), 0, `tree-sitter extraction failed: ${(error as Error).message ?? String(error)}`);
  }
}
