import { defineDataset } from '@anatomy/schema-authority';
import type { ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import { fileIdColumn, scipRangeColumns } from './scip-range-columns.js';

/** Documents of a SCIP index whose relative_path is a scanned file. */
export const scipDocumentsDataset: DatasetSchema = defineDataset({
  name: 'evidence.scip_documents',
  producer: 'extract-scip',
  version: 1,
  description: 'One row per document of the SCIP index that names a scanned file; the others are not loaded.',
  spanUnit: 'none',
  columns: [
    fileIdColumn(),
    { name: 'relative_path', type: 'utf8', nullable: false, role: 'path', description: 'Document.relative_path: POSIX path from the project root' },
    { name: 'language', type: 'utf8', nullable: true, role: 'attribute', description: 'Document.language; NULL when the indexer left it empty' },
    { name: 'position_encoding', type: 'utf8', nullable: false, role: 'attribute', description: "unit of the document's characters: 'utf8', 'utf16', 'utf32' or 'unspecified'" },
    { name: 'occurrence_count', type: 'int64', nullable: false, role: 'attribute', description: 'number of occurrences in the document' },
    { name: 'symbol_count', type: 'int64', nullable: false, role: 'attribute', description: 'number of SymbolInformation entries in the document' },
    { name: 'tool_name', type: 'utf8', nullable: true, role: 'attribute', description: "Metadata.tool_info.name of the index, e.g. 'scip-python'" },
    { name: 'tool_version', type: 'utf8', nullable: true, role: 'attribute', description: 'Metadata.tool_info.version of the index' },
  ],
});

/**
 * The SymbolRole bits of SCIP, by the boolean column that decodes each. A
 * Record over the columns, so the decoding and the schema cannot drift apart.
 */
export const SCIP_SYMBOL_ROLE_BITS = Object.freeze({
  is_definition: 0x1,
  is_import: 0x2,
  is_write_access: 0x4,
  is_read_access: 0x8,
  is_generated: 0x10,
  is_test: 0x20,
  is_forward_definition: 0x40,
} as const);

const roleColumns: ColumnSpec[] = Object.entries(SCIP_SYMBOL_ROLE_BITS).map(([name, bit]) => ({
  name,
  type: 'bool',
  nullable: false,
  role: 'attribute',
  description: `symbol_roles & 0x${bit.toString(16)} is set`,
}));

/** Symbol occurrences: every place a document mentions a symbol, with its roles. */
export const scipOccurrencesDataset: DatasetSchema = defineDataset({
  name: 'evidence.scip_occurrences',
  producer: 'extract-scip',
  version: 1,
  description: 'One row per Occurrence of a document, its roles bitmask decoded into booleans.',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'occurrence_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the occurrence' },
    fileIdColumn(),
    {
      name: 'symbol',
      type: 'utf8',
      nullable: false,
      role: 'symbol-identity',
      description: "the SCIP symbol; a local one ('local 12') is unique only within its file, so match it together with file_id",
    },
    { name: 'is_local_symbol', type: 'bool', nullable: false, role: 'attribute', description: "true for document-local symbols ('local <id>')" },
    { name: 'symbol_roles', type: 'int32', nullable: false, role: 'attribute', description: 'Occurrence.symbol_roles bitmask (SymbolRole)' },
    ...roleColumns,
    ...scipRangeColumns('', 'the occurrence', false),
    ...scipRangeColumns('enclosing_', 'the enclosing syntax (Occurrence.enclosing_range; NULL when absent)', true),
  ],
});

/** What the index says about each symbol. */
export const scipSymbolsDataset: DatasetSchema = defineDataset({
  name: 'evidence.scip_symbols',
  producer: 'extract-scip',
  version: 1,
  description: "One row per SymbolInformation: the documents' own and the index's external symbols.",
  spanUnit: 'none',
  columns: [
    { name: 'symbol', type: 'utf8', nullable: false, role: 'symbol-identity', description: 'the SCIP symbol' },
    fileIdColumn('for external symbols, which no document declares'),
    { name: 'is_external', type: 'bool', nullable: false, role: 'attribute', description: 'true for Index.external_symbols' },
    { name: 'is_local_symbol', type: 'bool', nullable: false, role: 'attribute', description: "true for document-local symbols ('local <id>')" },
    { name: 'kind', type: 'utf8', nullable: false, role: 'kind', description: "SymbolInformation.Kind by name ('Function', 'Class', 'Method', …); 'UnspecifiedKind' when not set" },
    { name: 'display_name', type: 'utf8', nullable: true, role: 'name', description: 'SymbolInformation.display_name; NULL when empty' },
    { name: 'documentation', type: 'utf8', nullable: true, role: 'attribute', description: 'the Markdown documentation entries joined by blank lines; NULL when there are none' },
    { name: 'signature', type: 'utf8', nullable: true, role: 'attribute', description: 'signature_documentation.text; NULL when absent' },
    { name: 'enclosing_symbol', type: 'utf8', nullable: true, role: 'attribute', description: 'SymbolInformation.enclosing_symbol; NULL when empty' },
    { name: 'relationship_count', type: 'int32', nullable: false, role: 'attribute', description: 'number of rows for this symbol in scip_relationships' },
  ],
});

/**
 * The relationships of each symbol (implementation, type definition,
 * reference, definition), one row per related symbol: a column cannot hold
 * a list, and a table joins.
 */
export const scipRelationshipsDataset: DatasetSchema = defineDataset({
  name: 'evidence.scip_relationships',
  producer: 'extract-scip',
  version: 1,
  description: 'One row per Relationship of a SymbolInformation.',
  spanUnit: 'none',
  columns: [
    { name: 'symbol', type: 'utf8', nullable: false, role: 'symbol-identity', description: 'the symbol the relationship belongs to' },
    fileIdColumn('for external symbols, which no document declares'),
    { name: 'related_symbol', type: 'utf8', nullable: false, role: 'attribute', description: 'Relationship.symbol' },
    { name: 'is_reference', type: 'bool', nullable: false, role: 'attribute', description: 'Relationship.is_reference' },
    { name: 'is_implementation', type: 'bool', nullable: false, role: 'attribute', description: 'Relationship.is_implementation' },
    { name: 'is_type_definition', type: 'bool', nullable: false, role: 'attribute', description: 'Relationship.is_type_definition' },
    { name: 'is_definition', type: 'bool', nullable: false, role: 'attribute', description: 'Relationship.is_definition' },
  ],
});

/** Diagnostics the indexer attached to occurrences. */
export const scipDiagnosticsDataset: DatasetSchema = defineDataset({
  name: 'evidence.scip_diagnostics',
  producer: 'extract-scip',
  version: 1,
  description: 'One row per Diagnostic of an occurrence, located at the occurrence.',
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'diagnostic_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the diagnostic' },
    fileIdColumn(),
    { name: 'occurrence_id', type: 'utf8', nullable: false, role: 'parent-identity', description: 'the occurrence in scip_occurrences carrying it' },
    { name: 'severity', type: 'utf8', nullable: false, role: 'kind', description: "'error', 'warning', 'information', 'hint' or 'unspecified'" },
    { name: 'code', type: 'utf8', nullable: true, role: 'attribute', description: 'Diagnostic.code; NULL when empty' },
    { name: 'message', type: 'utf8', nullable: false, role: 'attribute', description: 'Diagnostic.message' },
    { name: 'source', type: 'utf8', nullable: true, role: 'attribute', description: 'Diagnostic.source; NULL when empty' },
    { name: 'is_unnecessary', type: 'bool', nullable: false, role: 'attribute', description: 'tags include Unnecessary' },
    { name: 'is_deprecated', type: 'bool', nullable: false, role: 'attribute', description: 'tags include Deprecated' },
    ...scipRangeColumns('', 'the occurrence the diagnostic is attached to', false),
  ],
});
