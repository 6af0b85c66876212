/**
 * The parts of a SCIP index (https://github.com/sourcegraph/scip, scip.proto)
 * that Anatomy reads, decoded into plain frozen objects. Field names follow
 * the proto's meaning in camelCase; enums keep their numbers (see
 * `scip-enums.ts` for names). Absent proto3 fields read as their defaults
 * (0, '' or empty lists).
 */

/**
 * A half-open range of 0-based lines and characters; characters count the
 * units of the document's position encoding. The 3-element form of the
 * index is expanded (`endLine = startLine`).
 */
export interface ScipRange {
  readonly startLine: number;
  readonly startChar: number;
  readonly endLine: number;
  readonly endChar: number;
}

/** `Metadata` of an index: who wrote it, and where its documents live. */
export interface ScipMetadata {
  readonly protocolVersion: number;
  readonly toolName: string;
  readonly toolVersion: string;
  readonly toolArguments: readonly string[];
  /** URI of the directory the documents' relative paths start from, e.g. `file:///repo`. */
  readonly projectRoot: string;
  /** `TextEncoding` of the files on disk: 0 unspecified, 1 UTF-8, 2 UTF-16. */
  readonly textDocumentEncoding: number;
}

/** A `Diagnostic` attached to an occurrence. */
export interface ScipDiagnostic {
  /** `Severity`: 0 unspecified, 1 error, 2 warning, 3 information, 4 hint. */
  readonly severity: number;
  readonly code: string;
  readonly message: string;
  readonly source: string;
  /** `DiagnosticTag`s: 1 unnecessary, 2 deprecated. */
  readonly tags: readonly number[];
}

/** An `Occurrence`: a place in a document that mentions a symbol. */
export interface ScipOccurrence {
  /**
   * The occurrence's range, from the typed range fields when present and the
   * packed `range` otherwise; `null` when the index holds neither or a
   * packed range of other than 3 or 4 elements.
   */
  readonly range: ScipRange | null;
  /** The symbol; empty when the occurrence only carries highlighting. */
  readonly symbol: string;
  /** `SymbolRole` bitmask. */
  readonly symbolRoles: number;
  readonly syntaxKind: number;
  readonly overrideDocumentation: readonly string[];
  readonly diagnostics: readonly ScipDiagnostic[];
  /** The nearest enclosing syntax node's range; `null` when absent or malformed. */
  readonly enclosingRange: ScipRange | null;
}

/** A `Relationship` from one symbol to another. */
export interface ScipRelationship {
  readonly symbol: string;
  readonly isReference: boolean;
  readonly isImplementation: boolean;
  readonly isTypeDefinition: boolean;
  readonly isDefinition: boolean;
}

/** A `SymbolInformation`: what the index knows about one symbol. */
export interface ScipSymbolInformation {
  readonly symbol: string;
  /** Markdown entries, in index order. */
  readonly documentation: readonly string[];
  readonly relationships: readonly ScipRelationship[];
  /** `SymbolInformation.Kind` number; 0 when unspecified. */
  readonly kind: number;
  readonly displayName: string;
  /** `signature_documentation.text`; empty when absent. */
  readonly signature: string;
  readonly enclosingSymbol: string;
}

/** A `Document`: one source file of the index. */
export interface ScipDocument {
  readonly relativePath: string;
  readonly language: string;
  /** `PositionEncoding`: 0 unspecified, 1 UTF-8 bytes, 2 UTF-16 code units, 3 UTF-32 code units. */
  readonly positionEncoding: number;
  readonly occurrences: readonly ScipOccurrence[];
  readonly symbols: readonly ScipSymbolInformation[];
}

/** One top-level entry of an index, in file order. */
export type ScipIndexEntry =
  | { readonly kind: 'metadata'; readonly metadata: ScipMetadata }
  | { readonly kind: 'document'; readonly document: ScipDocument }
  | { readonly kind: 'external-symbol'; readonly symbol: ScipSymbolInformation }
  | {
      /** A document that cannot be decoded; the entries around it still can. */
      readonly kind: 'malformed-document';
      /** The document's path when it could be read before the damage. */
      readonly relativePath: string | null;
      readonly message: string;
    };
