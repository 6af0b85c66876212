export {
  SchemaAuthorityError,
  ColumnTypeSchema,
  ColumnRoleSchema,
  ColumnSpecSchema,
  SpanUnitSchema,
  DatasetSchemaSchema,
  defineDataset,
  columnsWithRole,
  datasetSchemaName,
} from './dataset-schema.js';
export type { ColumnType, ColumnRole, ColumnSpec, SpanUnit, DatasetSchema } from './dataset-schema.js';
export { duckDbType, quoteIdentifier, qualifiedName, createTableSql } from './duckdb-ddl.js';
export type { DuckDbTypeName } from './duckdb-ddl.js';
export { schemaFingerprint } from './schema-fingerprint.js';
export { SchemaRegistry } from './schema-registry.js';
export { verifySchema } from './verify-schema.js';
export type { InformationSchemaColumn } from './verify-schema.js';
export { columnBatch } from './column-batch.js';
export type { CellValue, ColumnBatch } from './column-batch.js';
export { cpgNodesDataset, cpgEdgesDataset, cpgPropsDataset, cpgOutputDatasets } from './cpg-output-datasets.js';
export { ExtractorDescriptorSchema, ExtractorCapabilitySchema, defineExtractor } from './extractor.js';
export type { ExtractorDescriptor, ExtractorCapability, ExtractableFile, ExtractionRequest, Extractor } from './extractor.js';
