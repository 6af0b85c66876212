import { defineDataset } from '@anatomy/schema-authority';
import type { ColumnSpec, DatasetSchema } from '@anatomy/schema-authority';
import { fileIdColumn, scipRangeColumns } from './scip-range-columns.js';

/** Documents of a SCIP index whose relative_path is a scanned file. */
export const scipDocumentsDataset: DatasetSchema = defineDataset({
  name: 'evidence.scip_documents',
  producer: 'extract-scip',
  version: 2,
  description: 'One row per document of the SCIP index that names a scanned file; the others become diagnostics.',
  spanUnit: 'none',
  key: ['file_id'],
  columns: [
    fileIdColumn(),
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'repository-relative POSIX path of the scanned file' },
    {
      name: 'relative_path',
      type: 'utf8',
      nullable: false,
      role: 'attribute',
      description: "Document.relative_path as the index writes it, relative to the index's project root (equal to path unless that root is not the repository root)",
    },
    { name: 'language', type: 'utf8', nullable: true, role: 'attribute', description: 'Document.language; NULL when the indexer left it empty (scip-python does)' },
    {
      name: 'position_encoding',
      type: 'utf8',
      nullable: false,
      role: 'attribute',
      description: "Document.position_encoding as declared: 'utf8', 'utf16', 'utf32' or 'unspecified' (scip-python 0.6 declares none)",
    },
    {
      name: 'char_unit',
      type: 'utf8',
      nullable: false,
      role: 'attribute',
      description: "the unit the characters of the document's ranges were read in: the declared encoding, else the one the indexer is known to use ('utf16' for scip-python)",
    },
    { name: 'occurrence_count', type: 'int64', nullable: false, role: 'attribute', description: 'number of occurrences in the document' },
    { name: 'symbol_count', type: 'int64', nullable: false, role: 'attribute', description: 'number of SymbolInformation entries in the document' },
    {
      name: 'unmapped_range_count',
      type: 'int64',
      nullable: false,
      role: 'attribute',
      description: 'ranges of the document (occurrence and enclosing) that fall outside the file, so their byte spans are NULL; non-zero means the index does not match the file',
    },
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
  version: 2,
  description: 'One row per Occurrence of a document with a well-formed range, its roles bitmask decoded into booleans.',
  spanUnit: 'utf8-bytes',
  key: ['occurrence_id'],
  columns: [
    { name: 'occurrence_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the occurrence' },
    fileIdColumn(),
    {
      name: 'symbol',
      type: 'utf8',
      nullable: true,
      role: 'symbol-identity',
      description: "the SCIP symbol; a local one ('local 12') is unique only within its file, so match it together with file_id; NULL for an occurrence that only carries highlighting",
    },
    { name: 'is_local_symbol', type: 'bool', nullable: false, role: 'attribute', description: "true for document-local symbols ('local <id>')" },
    { name: 'symbol_roles', type: 'int32', nullable: false, role: 'attribute', description: 'Occurrence.symbol_roles bitmask (SymbolRole)' },
    ...roleColumns,
    { name: 'syntax_kind', type: 'utf8', nullable: true, role: 'attribute', description: "Occurrence.syntax_kind by name ('IdentifierFunction', …); NULL when unspecified" },
    ...scipRangeColumns('', 'the occurrence', false),
    ...scipRangeColumns('enclosing_', 'the enclosing syntax (Occurrence.enclosing_range; NULL when absent)', true),
  ],
});

/** What the index says about each symbol. */
export const scipSymbolsDataset: DatasetSchema = defineDataset({
  name: 'evidence.scip_symbols',
  producer: 'extract-scip',
  version: 2,
  description: "One row per SymbolInformation: the documents' own and the index's external symbols.",
  spanUnit: 'none',
  columns: [
    { name: 'symbol', type: 'utf8', nullable: false, role: 'symbol-identity', description: 'the SCIP symbol' },
    fileIdColumn('for external symbols, which no document declares'),
    { name: 'is_external', type: 'bool', nullable: false, role: 'attribute', description: 'true for Index.external_symbols' },
    { name: 'is_local_symbol', type: 'bool', nullable: false, role: 'attribute', description: "true for document-local symbols ('local <id>')" },
    {
      name: 'kind',
      type: 'utf8',
      nullable: true,
      role: 'kind',
      description: "SymbolInformation.Kind by name ('Function', 'Class', 'Method', …); NULL when unspecified, as scip-python 0.6 leaves it (see descriptor_suffix)",
    },
    { name: 'display_name', type: 'utf8', nullable: true, role: 'attribute', description: 'SymbolInformation.display_name; NULL when empty, as scip-python 0.6 leaves it (see descriptor_name)' },
    {
      name: 'descriptor_name',
      type: 'utf8',
      nullable: true,
      role: 'name',
      description: "name of the symbol's last descriptor, unescaped ('area' in '…/Shape#area().'); NULL for local symbols and symbols that do not parse",
    },
    {
      name: 'descriptor_suffix',
      type: 'utf8',
      nullable: true,
      role: 'attribute',
      description: "kind of the last descriptor: 'namespace', 'type', 'term', 'method', 'type-parameter', 'parameter', 'meta' or 'macro'; NULL where descriptor_name is",
    },
    { name: 'package_manager', type: 'utf8', nullable: true, role: 'attribute', description: "the symbol's package manager ('python'); NULL for local symbols or the placeholder '.'" },
    { name: 'package_name', type: 'utf8', nullable: true, role: 'attribute', description: "the symbol's package name ('python-stdlib', the project name); NULL for local symbols or the placeholder '.'" },
    { name: 'package_version', type: 'utf8', nullable: true, role: 'attribute', description: "the symbol's package version; NULL for local symbols or the placeholder '.'" },
    {
      name: 'signature',
      type: 'utf8',
      nullable: true,
      role: 'attribute',
      description: 'signature_documentation.text, else the code of a fenced code block opening the documentation (where scip-python puts signatures); NULL when neither exists',
    },
    {
      name: 'documentation',
      type: 'utf8',
      nullable: true,
      role: 'attribute',
      description: 'the other Markdown documentation entries (docstrings), joined by blank lines; NULL when there are none',
    },
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
    { name: 'is_implementation', type: 'bool', nullable: false, role: 'attribute', description: 'Relationship.is_implementation (scip-python: a subclass of a class, an override of a method)' },
    { name: 'is_type_definition', type: 'bool', nullable: false, role: 'attribute', description: 'Relationship.is_type_definition' },
    { name: 'is_definition', type: 'bool', nullable: false, role: 'attribute', description: 'Relationship.is_definition' },
  ],
});

/** Problems: those the indexer attached to occurrences, and those met reading the index. */
export const scipDiagnosticsDataset: DatasetSchema = defineDataset({
  name: 'evidence.scip_diagnostics',
  producer: 'extract-scip',
  version: 2,
  description:
    "One row per Diagnostic of an occurrence (reported_by 'indexer'), or per problem the extractor met reading the index (reported_by 'extract-scip': a document outside the scan or listed twice, ranges outside their file, a damaged document).",
  spanUnit: 'utf8-bytes',
  columns: [
    { name: 'diagnostic_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable id of the diagnostic' },
    fileIdColumn('when the problem concerns no scanned file (a document outside the scan, the index as a whole)'),
    { name: 'path', type: 'utf8', nullable: true, role: 'path', description: "the document's path; NULL for a problem of the index as a whole" },
    { name: 'occurrence_id', type: 'utf8', nullable: true, role: 'parent-identity', description: 'the occurrence in scip_occurrences carrying it; NULL for problems the extractor reports' },
    { name: 'reported_by', type: 'utf8', nullable: false, role: 'provenance', description: "'indexer' (a Diagnostic in the index) or 'extract-scip'" },
    { name: 'severity', type: 'utf8', nullable: false, role: 'kind', description: "'error', 'warning', 'information', 'hint' or 'unspecified'" },
    { name: 'code', type: 'utf8', nullable: true, role: 'attribute', description: "Diagnostic.code, or the extractor's code such as 'extract-scip/DocumentNotScanned'; NULL when empty" },
    { name: 'message', type: 'utf8', nullable: false, role: 'attribute', description: 'Diagnostic.message, or what the extractor met' },
    { name: 'source', type: 'utf8', nullable: true, role: 'attribute', description: 'Diagnostic.source; NULL when empty' },
    { name: 'is_unnecessary', type: 'bool', nullable: false, role: 'attribute', description: 'tags include Unnecessary' },
    { name: 'is_deprecated', type: 'bool', nullable: false, role: 'attribute', description: 'tags include Deprecated' },
    ...scipRangeColumns('', 'the occurrence the diagnostic is attached to (NULL for problems the extractor reports)', true),
  ],
});
