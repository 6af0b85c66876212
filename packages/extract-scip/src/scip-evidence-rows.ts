import { stableId } from '@anatomy/contracts';
import type { CellValue, ColumnBatch, DatasetSchema } from '@anatomy/schema-authority';
import type { DocumentPositionMap } from './document-position-map.js';
import { parseScipSymbol } from './parse-scip-symbol.js';
import { RowBuffer } from './row-buffer.js';
import {
  SCIP_SYMBOL_ROLE_BITS,
  scipDiagnosticsDataset,
  scipDocumentsDataset,
  scipOccurrencesDataset,
  scipRelationshipsDataset,
  scipSymbolsDataset,
} from './scip-datasets.js';
import { scipRangeColumns } from './scip-range-columns.js';
import { DIAGNOSTIC_TAG, enumName, POSITION_ENCODING_NAMES, SEVERITY_NAMES, SYMBOL_KIND_NAMES, SYNTAX_KIND_NAMES } from './scip-enums.js';
import type { CharUnit } from './scip-enums.js';
import type { ScipDocument, ScipMetadata, ScipRange, ScipSymbolInformation } from './scip-messages.js';

/** A document of the index matched to a scanned file. */
export interface ScannedDocument {
  readonly document: ScipDocument;
  readonly fileId: string;
  /** The scanned file's repository-relative path. */
  readonly path: string;
  /** The file's positions; `null` when the file could not be read or decoded (spans are then NULL). */
  readonly positions: DocumentPositionMap | null;
  readonly unit: CharUnit;
}

/** A problem the extractor met, reported as a diagnostic row. */
export interface ExtractorProblem {
  readonly fileId: string | null;
  readonly path: string | null;
  readonly severity: 'error' | 'warning' | 'information';
  /** `extract-scip/<Reason>`. */
  readonly code: string;
  readonly message: string;
}

const ROLE_BITS = Object.entries(SCIP_SYMBOL_ROLE_BITS);
/** The columns of a range, as the datasets declare them: lines and characters, then the byte span. */
const RANGE_COLUMNS = scipRangeColumns('', 'the range', false).map((c) => c.name);

/** A range's values in the order of {@link RANGE_COLUMNS}. */
function rangeValues(range: ScipRange, bstart: number | null, bend: number | null): CellValue[] {
  return [range.startLine, range.startChar, range.endLine, range.endChar, bstart, bend];
}

function pushRange(columns: readonly CellValue[][], range: ScipRange, bstart: number | null, bend: number | null): void {
  const values = rangeValues(range, bstart, bend);
  columns.forEach((column, i) => column.push(values[i] ?? null));
}

/** A range's columns as a row's fields. */
function rangeRow(range: ScipRange, bstart: number | null, bend: number | null): Record<string, CellValue> {
  const values = rangeValues(range, bstart, bend);
  return Object.fromEntries(RANGE_COLUMNS.map((name, i) => [name, values[i] ?? null]));
}
/** A fenced code block making up a whole documentation entry: scip-python's way of writing a signature. */
const FENCED_SIGNATURE = /^```[\w+-]*\n([\s\S]*?)\n?```$/;

function orNull(text: string): string | null {
  return text === '' ? null : text;
}

/** Signature and remaining documentation of a symbol (see `scip_symbols.signature`). */
function splitDocumentation(info: ScipSymbolInformation): { signature: string | null; documentation: string | null } {
  let docs = info.documentation;
  let signature = orNull(info.signature);
  if (signature === null && docs.length > 0) {
    const fenced = FENCED_SIGNATURE.exec(docs[0] as string);
    if (fenced?.[1] !== undefined) {
      signature = fenced[1];
      docs = docs.slice(1);
    }
  }
  return { signature, documentation: docs.length === 0 ? null : docs.join('\n\n') };
}

/**
 * Turns decoded SCIP entries into rows of the demanded evidence datasets —
 * and only those — converting ranges to byte spans once, and hands them out
 * as bounded batches.
 */
export class ScipEvidenceRows {
  readonly #buffers = new Map<string, RowBuffer>();
  #toolName: string | null = null;
  #toolVersion: string | null = null;

  constructor(demanded: ReadonlySet<string>, capacity: number) {
    for (const ds of [scipDocumentsDataset, scipOccurrencesDataset, scipSymbolsDataset, scipRelationshipsDataset, scipDiagnosticsDataset]) {
      if (demanded.has(ds.name)) this.#buffers.set(ds.name, new RowBuffer(ds, capacity));
    }
  }

  /** Whether any demanded dataset needs byte spans, and so the files' text. */
  get needsPositions(): boolean {
    return this.#buffers.has(scipOccurrencesDataset.name) || this.#buffers.has(scipDiagnosticsDataset.name) || this.#buffers.has(scipDocumentsDataset.name);
  }

  get demandsAny(): boolean {
    return this.#buffers.size > 0;
  }

  #push(ds: DatasetSchema, row: Record<string, CellValue>): void {
    this.#buffers.get(ds.name)?.push(row);
  }

  setMetadata(metadata: ScipMetadata): void {
    this.#toolName = orNull(metadata.toolName);
    this.#toolVersion = orNull(metadata.toolVersion);
  }

  addProblem(p: ExtractorProblem): void {
    this.#push(scipDiagnosticsDataset, {
      diagnostic_id: stableId('scip-diagnostic', p.code, p.path, p.message),
      file_id: p.fileId,
      path: p.path,
      occurrence_id: null,
      reported_by: 'extract-scip',
      severity: p.severity,
      code: p.code,
      message: p.message,
      source: null,
      is_unnecessary: false,
      is_deprecated: false,
    });
  }

  #symbol(info: ScipSymbolInformation, fileId: string | null): void {
    const parsed = parseScipSymbol(info.symbol);
    const last = parsed?.kind === 'global' ? parsed.descriptors[parsed.descriptors.length - 1] : undefined;
    const global = parsed?.kind === 'global' ? parsed : null;
    const { signature, documentation } = splitDocumentation(info);
    this.#push(scipSymbolsDataset, {
      symbol: info.symbol,
      file_id: fileId,
      is_external: fileId === null,
      is_local_symbol: info.symbol.startsWith('local '),
      kind: enumName(SYMBOL_KIND_NAMES, 'Kind', info.kind),
      display_name: orNull(info.displayName),
      descriptor_name: last?.name ?? null,
      descriptor_suffix: last?.suffix ?? null,
      package_manager: global?.manager ?? null,
      package_name: global?.packageName ?? null,
      package_version: global?.packageVersion ?? null,
      signature,
      documentation,
      enclosing_symbol: orNull(info.enclosingSymbol),
      relationship_count: info.relationships.length,
    });
    for (const r of info.relationships) {
      this.#push(scipRelationshipsDataset, {
        symbol: info.symbol,
        file_id: fileId,
        related_symbol: r.symbol,
        is_reference: r.isReference,
        is_implementation: r.isImplementation,
        is_type_definition: r.isTypeDefinition,
        is_definition: r.isDefinition,
      });
    }
  }

  addExternalSymbol(info: ScipSymbolInformation): void {
    this.#symbol(info, null);
  }

  addDocument(d: ScannedDocument): void {
    const { document: doc, fileId, positions, unit } = d;
    let unmapped = 0;
    let malformed = 0;
    // Byte spans of the range last located, NULL when it does not fit the file.
    let bstart: number | null = null;
    let bend: number | null = null;
    const locate = (range: ScipRange): void => {
      bstart = null;
      bend = null;
      if (positions === null) return;
      const start = positions.byteOffset(range.startLine, range.startChar, unit);
      const end = start === null ? null : positions.byteOffset(range.endLine, range.endChar, unit);
      if (start === null || end === null || end < start) unmapped++;
      else [bstart, bend] = [start, end];
    };
    // The occurrences' columns are filled directly, one value each per occurrence: a row object for
    // each of a large index's million occurrences cost more than everything else done with it.
    const occurrences = this.#buffers.get(scipOccurrencesDataset.name);
    const column = (name: string): CellValue[] => {
      const values = occurrences?.columns()[name];
      if (values === undefined) throw new Error(`evidence.scip_occurrences has no column ${name}`);
      return values;
    };
    const out =
      occurrences === undefined
        ? undefined
        : {
            id: column('occurrence_id'),
            file: column('file_id'),
            symbol: column('symbol'),
            local: column('is_local_symbol'),
            roles: column('symbol_roles'),
            bits: ROLE_BITS.map(([name, bit]) => [column(name), bit] as const),
            syntax: column('syntax_kind'),
            range: RANGE_COLUMNS.map((name) => column(name)),
            enclosing: RANGE_COLUMNS.map((name) => column(`enclosing_${name}`)),
          };
    let added = 0;
    // Identical occurrences (same range, symbol and roles) are told apart by their rank.
    const seen = new Map<string, number>();
    for (const occ of doc.occurrences) {
      if (occ.range === null) {
        malformed++;
        continue;
      }
      const r = occ.range;
      const key = `${r.startLine}:${r.startChar}:${r.endLine}:${r.endChar}:${occ.symbolRoles}:${occ.symbol}`;
      const rank = seen.get(key) ?? 0;
      seen.set(key, rank + 1);
      const occurrenceId = stableId('scip-occurrence', fileId, r.startLine, r.startChar, r.endLine, r.endChar, occ.symbol, occ.symbolRoles, rank);
      locate(r);
      const [start, end] = [bstart, bend];
      // Located whether or not its columns are written: its misfit counts in the document's row.
      const enclosing = occ.enclosingRange;
      if (enclosing !== null) locate(enclosing);
      if (out !== undefined) {
        out.id.push(occurrenceId);
        out.file.push(fileId);
        out.symbol.push(orNull(occ.symbol));
        out.local.push(occ.symbol.startsWith('local '));
        out.roles.push(occ.symbolRoles);
        for (const [values, bit] of out.bits) values.push((occ.symbolRoles & bit) !== 0);
        out.syntax.push(enumName(SYNTAX_KIND_NAMES, 'SyntaxKind', occ.syntaxKind));
        pushRange(out.range, r, start, end);
        if (enclosing === null) for (const values of out.enclosing) values.push(null);
        else pushRange(out.enclosing, enclosing, bstart, bend);
        added++;
      }
      occ.diagnostics.forEach((diag, k) => {
        this.#push(scipDiagnosticsDataset, {
          diagnostic_id: stableId('scip-diagnostic', occurrenceId, k),
          file_id: fileId,
          path: d.path,
          occurrence_id: occurrenceId,
          reported_by: 'indexer',
          severity: SEVERITY_NAMES[diag.severity] ?? `severity${diag.severity}`,
          code: orNull(diag.code),
          message: diag.message,
          source: orNull(diag.source),
          is_unnecessary: diag.tags.includes(DIAGNOSTIC_TAG.unnecessary),
          is_deprecated: diag.tags.includes(DIAGNOSTIC_TAG.deprecated),
          ...rangeRow(r, start, end),
        });
      });
    }
    occurrences?.added(added);
    for (const info of doc.symbols) this.#symbol(info, fileId);
    this.#push(scipDocumentsDataset, {
      file_id: fileId,
      path: d.path,
      relative_path: doc.relativePath,
      language: orNull(doc.language),
      position_encoding: POSITION_ENCODING_NAMES[doc.positionEncoding] ?? `encoding${doc.positionEncoding}`,
      char_unit: unit,
      occurrence_count: doc.occurrences.length,
      symbol_count: doc.symbols.length,
      unmapped_range_count: unmapped,
      tool_name: this.#toolName,
      tool_version: this.#toolVersion,
    });
    if (unmapped > 0) {
      this.addProblem({
        fileId,
        path: d.path,
        severity: 'warning',
        code: 'extract-scip/RangeOutsideFile',
        message: `${unmapped} range(s) of the index do not fit ${d.path} as it is now; their byte spans are NULL (was the file edited after indexing?)`,
      });
    }
    if (malformed > 0) {
      this.addProblem({
        fileId,
        path: d.path,
        severity: 'warning',
        code: 'extract-scip/MalformedRange',
        message: `${malformed} occurrence(s) of ${d.path} have no range of 3 or 4 integers and were left out`,
      });
    }
  }

  /** Full batches of every buffer that holds enough rows for one. */
  full(): ColumnBatch[] {
    return [...this.#buffers.values()].flatMap((buffer) => buffer.take(false));
  }

  /** Everything that remains, the last batch of each dataset possibly smaller. */
  rest(): ColumnBatch[] {
    return [...this.#buffers.values()].flatMap((buffer) => buffer.take(true));
  }
}
