import type {
  ScipDiagnostic,
  ScipDocument,
  ScipMetadata,
  ScipOccurrence,
  ScipRange,
  ScipRelationship,
  ScipSymbolInformation,
} from './scip-messages.js';
import { WireType } from './wire-reader.js';
import type { WireReader } from './wire-reader.js';

/*
 * Decoders of the SCIP messages Anatomy reads. Field numbers are those of
 * scip.proto; a field with an unexpected wire type is skipped rather than
 * misread, as protobuf parsers do for unknown fields.
 */

function isLengthDelimited(wireType: number): boolean {
  return wireType === WireType.lengthDelimited;
}

/** The 3-element (`[line, startChar, endChar]`) or 4-element form; anything else is `null`. */
function packedRange(values: readonly number[]): ScipRange | null {
  if (values.length === 3) {
    const [line, startChar, endChar] = values as [number, number, number];
    return Object.freeze({ startLine: line, startChar, endLine: line, endChar });
  }
  if (values.length === 4) {
    const [startLine, startChar, endLine, endChar] = values as [number, number, number, number];
    return Object.freeze({ startLine, startChar, endLine, endChar });
  }
  return null;
}

/** `SingleLineRange {line = 1, start_character = 2, end_character = 3}`. */
function singleLineRange(r: WireReader): ScipRange {
  let line = 0;
  let startChar = 0;
  let endChar = 0;
  while (!r.done) {
    const key = r.varint();
    const wireType = key & 7;
    if (wireType !== WireType.varint) {
      r.skip(wireType);
      continue;
    }
    switch (key >>> 3) {
      case 1:
        line = r.int32();
        break;
      case 2:
        startChar = r.int32();
        break;
      case 3:
        endChar = r.int32();
        break;
      default:
        r.skip(wireType);
    }
  }
  return Object.freeze({ startLine: line, startChar, endLine: line, endChar });
}

/** `MultiLineRange {start_line = 1, start_character = 2, end_line = 3, end_character = 4}`. */
function multiLineRange(r: WireReader): ScipRange {
  const v = [0, 0, 0, 0];
  while (!r.done) {
    const key = r.varint();
    const field = key >>> 3;
    const wireType = key & 7;
    if (wireType === WireType.varint && field >= 1 && field <= 4) v[field - 1] = r.int32();
    else r.skip(wireType);
  }
  return Object.freeze({ startLine: v[0] as number, startChar: v[1] as number, endLine: v[2] as number, endChar: v[3] as number });
}

/** Repeated enum values, packed or not. */
function enums(r: WireReader, wireType: number, into: number[]): void {
  r.int32s(wireType, into);
}

function decodeDiagnostic(r: WireReader): ScipDiagnostic {
  let severity = 0;
  let code = '';
  let message = '';
  let source = '';
  const tags: number[] = [];
  while (!r.done) {
    const key = r.varint();
    const wireType = key & 7;
    switch (key >>> 3) {
      case 1:
        if (wireType === WireType.varint) severity = r.int32();
        else r.skip(wireType);
        break;
      case 2:
        if (isLengthDelimited(wireType)) code = r.string();
        else r.skip(wireType);
        break;
      case 3:
        if (isLengthDelimited(wireType)) message = r.string();
        else r.skip(wireType);
        break;
      case 4:
        if (isLengthDelimited(wireType)) source = r.string();
        else r.skip(wireType);
        break;
      case 5:
        enums(r, wireType, tags);
        break;
      default:
        r.skip(wireType);
    }
  }
  return Object.freeze({ severity, code, message, source, tags: Object.freeze(tags) });
}

function decodeOccurrence(r: WireReader): ScipOccurrence {
  const packed: number[] = [];
  const packedEnclosing: number[] = [];
  let typed: ScipRange | null = null;
  let typedEnclosing: ScipRange | null = null;
  let symbol = '';
  let symbolRoles = 0;
  let syntaxKind = 0;
  const overrideDocumentation: string[] = [];
  const diagnostics: ScipDiagnostic[] = [];
  while (!r.done) {
    const key = r.varint();
    const wireType = key & 7;
    const field = key >>> 3;
    if (field === 1) r.int32s(wireType, packed);
    else if (field === 7) r.int32s(wireType, packedEnclosing);
    else if (field === 3 && wireType === WireType.varint) symbolRoles = r.int32();
    else if (field === 5 && wireType === WireType.varint) syntaxKind = r.int32();
    else if (!isLengthDelimited(wireType)) r.skip(wireType);
    else if (field === 2) symbol = r.string();
    else if (field === 4) overrideDocumentation.push(r.string());
    else if (field === 6) diagnostics.push(decodeDiagnostic(r.message()));
    else if (field === 8) typed = singleLineRange(r.message());
    else if (field === 9) typed = multiLineRange(r.message());
    else if (field === 10) typedEnclosing = singleLineRange(r.message());
    else if (field === 11) typedEnclosing = multiLineRange(r.message());
    else r.skip(wireType);
  }
  // The typed fields supersede the packed ones where an indexer writes both.
  return Object.freeze({
    range: typed ?? packedRange(packed),
    symbol,
    symbolRoles,
    syntaxKind,
    overrideDocumentation: Object.freeze(overrideDocumentation),
    diagnostics: Object.freeze(diagnostics),
    enclosingRange: typedEnclosing ?? (packedEnclosing.length === 0 ? null : packedRange(packedEnclosing)),
  });
}

function decodeRelationship(r: WireReader): ScipRelationship {
  let symbol = '';
  const flags = [false, false, false, false];
  while (!r.done) {
    const key = r.varint();
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 1 && isLengthDelimited(wireType)) symbol = r.string();
    else if (field >= 2 && field <= 5 && wireType === WireType.varint) flags[field - 2] = r.bool();
    else r.skip(wireType);
  }
  const [isReference, isImplementation, isTypeDefinition, isDefinition] = flags as [boolean, boolean, boolean, boolean];
  return Object.freeze({ symbol, isReference, isImplementation, isTypeDefinition, isDefinition });
}

/** `signature_documentation` is a `Document` (older) or `Signature` (newer): both keep the text in field 5. */
function signatureText(r: WireReader): string {
  let text = '';
  while (!r.done) {
    const key = r.varint();
    const wireType = key & 7;
    if (key >>> 3 === 5 && isLengthDelimited(wireType)) text = r.string();
    else r.skip(wireType);
  }
  return text;
}

/** Decodes a `SymbolInformation` message. */
export function decodeSymbolInformation(r: WireReader): ScipSymbolInformation {
  let symbol = '';
  const documentation: string[] = [];
  const relationships: ScipRelationship[] = [];
  let kind = 0;
  let displayName = '';
  let signature = '';
  let enclosingSymbol = '';
  while (!r.done) {
    const key = r.varint();
    const wireType = key & 7;
    const field = key >>> 3;
    if (field === 5 && wireType === WireType.varint) kind = r.int32();
    else if (!isLengthDelimited(wireType)) r.skip(wireType);
    else if (field === 1) symbol = r.string();
    else if (field === 3) documentation.push(r.string());
    else if (field === 4) relationships.push(decodeRelationship(r.message()));
    else if (field === 6) displayName = r.string();
    else if (field === 7) signature = signatureText(r.message());
    else if (field === 8) enclosingSymbol = r.string();
    else r.skip(wireType);
  }
  return Object.freeze({
    symbol,
    documentation: Object.freeze(documentation),
    relationships: Object.freeze(relationships),
    kind,
    displayName,
    signature,
    enclosingSymbol,
  });
}

/** Decodes a `Document` message, without its optional `text`. */
export function decodeDocument(r: WireReader): ScipDocument {
  let relativePath = '';
  let language = '';
  let positionEncoding = 0;
  const occurrences: ScipOccurrence[] = [];
  const symbols: ScipSymbolInformation[] = [];
  while (!r.done) {
    const key = r.varint();
    const wireType = key & 7;
    const field = key >>> 3;
    if (field === 6 && wireType === WireType.varint) positionEncoding = r.int32();
    else if (!isLengthDelimited(wireType)) r.skip(wireType);
    else if (field === 1) relativePath = r.string();
    else if (field === 2) occurrences.push(decodeOccurrence(r.message()));
    else if (field === 3) symbols.push(decodeSymbolInformation(r.message()));
    else if (field === 4) language = r.string();
    else r.skip(wireType);
  }
  return Object.freeze({ relativePath, language, positionEncoding, occurrences: Object.freeze(occurrences), symbols: Object.freeze(symbols) });
}

/**
 * The `relative_path` of a document that failed to decode, read leniently
 * up to the damage; `null` when it cannot be found.
 */
export function salvageRelativePath(r: WireReader): string | null {
  try {
    while (!r.done) {
      const key = r.varint();
      const wireType = key & 7;
      if (key >>> 3 === 1 && isLengthDelimited(wireType)) return r.string();
      r.skip(wireType);
    }
  } catch {
    // The damage came first.
  }
  return null;
}

function decodeToolInfo(r: WireReader): { name: string; version: string; args: string[] } {
  const info = { name: '', version: '', args: [] as string[] };
  while (!r.done) {
    const key = r.varint();
    const wireType = key & 7;
    const field = key >>> 3;
    if (!isLengthDelimited(wireType)) r.skip(wireType);
    else if (field === 1) info.name = r.string();
    else if (field === 2) info.version = r.string();
    else if (field === 3) info.args.push(r.string());
    else r.skip(wireType);
  }
  return info;
}

/** Decodes a `Metadata` message. */
export function decodeMetadata(r: WireReader): ScipMetadata {
  let protocolVersion = 0;
  let tool = { name: '', version: '', args: [] as string[] };
  let projectRoot = '';
  let textDocumentEncoding = 0;
  while (!r.done) {
    const key = r.varint();
    const wireType = key & 7;
    const field = key >>> 3;
    if (field === 1 && wireType === WireType.varint) protocolVersion = r.int32();
    else if (field === 4 && wireType === WireType.varint) textDocumentEncoding = r.int32();
    else if (field === 2 && isLengthDelimited(wireType)) tool = decodeToolInfo(r.message());
    else if (field === 3 && isLengthDelimited(wireType)) projectRoot = r.string();
    else r.skip(wireType);
  }
  return Object.freeze({
    protocolVersion,
    toolName: tool.name,
    toolVersion: tool.version,
    toolArguments: Object.freeze(tool.args),
    projectRoot,
    textDocumentEncoding,
  });
}
