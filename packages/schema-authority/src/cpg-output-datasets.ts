import { defineDataset } from './dataset-schema.js';
import type { DatasetSchema } from './dataset-schema.js';

/**
 * The public output contract of Anatomy (CPG_CONTRACT.md, v1): `cpg.nodes`,
 * `cpg.edges` and `cpg.props`. Users and their tools depend on these names and
 * columns; they change only with a major version.
 */
export const cpgNodesDataset: DatasetSchema = defineDataset({
  name: 'cpg.nodes',
  producer: 'cpg-contract',
  version: 1,
  description: 'One row per node of the code property graph.',
  spanUnit: 'utf8-bytes',
  key: ['node_id'],
  columns: [
    { name: 'node_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable node id' },
    { name: 'node_kind', type: 'utf8', nullable: false, role: 'kind', description: 'FILE, MODULE, DEF, …' },
    { name: 'name', type: 'utf8', nullable: true, role: 'name', description: 'identifier, dotted module name, qualname or path' },
    { name: 'file_id', type: 'utf8', nullable: true, role: 'file-identity', description: 'owning file' },
    { name: 'path', type: 'utf8', nullable: true, role: 'path', description: 'repository-relative POSIX path' },
    { name: 'bstart', type: 'int64', nullable: true, role: 'span-start', description: 'first byte of the span' },
    { name: 'bend', type: 'int64', nullable: true, role: 'span-end', description: 'byte after the span' },
    { name: 'line', type: 'int32', nullable: true, role: 'line', description: '1-based line of bstart' },
    { name: 'col', type: 'int32', nullable: true, role: 'column', description: '0-based byte column of bstart' },
    { name: 'origin', type: 'utf8', nullable: false, role: 'provenance', description: 'evidence source(s) that produced the node' },
  ],
});

/** `cpg.edges`: one row per edge; both ends exist in `cpg.nodes`. */
export const cpgEdgesDataset: DatasetSchema = defineDataset({
  name: 'cpg.edges',
  producer: 'cpg-contract',
  version: 1,
  description: 'One row per edge of the code property graph.',
  spanUnit: 'utf8-bytes',
  key: ['edge_id'],
  columns: [
    { name: 'edge_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'stable edge id' },
    { name: 'edge_kind', type: 'utf8', nullable: false, role: 'kind', description: 'CONTAINS, CALLS, …' },
    { name: 'src_node_id', type: 'utf8', nullable: false, role: 'attribute', description: 'source node' },
    { name: 'dst_node_id', type: 'utf8', nullable: false, role: 'attribute', description: 'destination node' },
    { name: 'file_id', type: 'utf8', nullable: true, role: 'file-identity', description: 'file holding the evidence' },
    { name: 'path', type: 'utf8', nullable: true, role: 'path', description: 'repository-relative POSIX path' },
    { name: 'bstart', type: 'int64', nullable: true, role: 'span-start', description: 'first byte of the evidence' },
    { name: 'bend', type: 'int64', nullable: true, role: 'span-end', description: 'byte after the evidence' },
    { name: 'origin', type: 'utf8', nullable: false, role: 'provenance', description: 'evidence source(s)' },
    { name: 'rule', type: 'utf8', nullable: false, role: 'attribute', description: 'relationship or derivation that made the edge' },
    { name: 'confidence', type: 'float64', nullable: false, role: 'attribute', description: 'confidence in [0, 1]' },
  ],
});

/** `cpg.props`: one row per property of a node or an edge. */
export const cpgPropsDataset: DatasetSchema = defineDataset({
  name: 'cpg.props',
  producer: 'cpg-contract',
  version: 1,
  description: 'Properties of nodes and edges, one typed value per row.',
  spanUnit: 'none',
  key: ['entity_id', 'prop_key'],
  columns: [
    { name: 'entity_id', type: 'utf8', nullable: false, role: 'entity-identity', description: 'node or edge id' },
    { name: 'prop_key', type: 'utf8', nullable: false, role: 'name', description: 'property name' },
    { name: 'value_type', type: 'utf8', nullable: false, role: 'kind', description: 'string, int, float or bool' },
    { name: 'value_string', type: 'utf8', nullable: true, role: 'attribute', description: 'value when a string' },
    { name: 'value_int', type: 'int64', nullable: true, role: 'attribute', description: 'value when an integer' },
    { name: 'value_float', type: 'float64', nullable: true, role: 'attribute', description: 'value when a float' },
    { name: 'value_bool', type: 'bool', nullable: true, role: 'attribute', description: 'value when a boolean' },
    // Last, so readers of the first seven columns by position see them unchanged; NULL for entities of no file (SYMBOL nodes, say).
    { name: 'file_id', type: 'utf8', nullable: true, role: 'file-identity', description: 'owning file of the entity' },
  ],
});

/** The three output datasets of the CPG contract. */
export const cpgOutputDatasets: readonly DatasetSchema[] = Object.freeze([cpgNodesDataset, cpgEdgesDataset, cpgPropsDataset]);
