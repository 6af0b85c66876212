import { defineDataset } from '@anatomy/schema-authority';
import type { DatasetSchema } from '@anatomy/schema-authority';

/** The namespace of edge ids: the stable id of (edge kind, source id, destination id). */
export const EDGE_NAMESPACE = 'edge';

/**
 * The standard output of every relate view, named like the columns of the
 * `cpg.edges` contract so that projecting edges needs no declaration: the
 * edge id, its kind, both ends, where the evidence sits, which sources it
 * came from, the rule (the relate view) and the confidence.
 *
 * @example
 * edgeTemplate('rel.def_parent').columns.map((c) => c.name);
 * // ['edge_id', 'edge_kind', 'src_node_id', 'dst_node_id', 'file_id', 'bstart', 'bend', 'origin', 'rule', 'confidence']
 */
export function edgeTemplate(name: string): DatasetSchema {
  return defineDataset({
    name,
    producer: 'semantic-ir',
    version: 1,
    description: 'edges of a relationship: the best or every candidate pair, with its confidence',
    spanUnit: 'utf8-bytes',
    key: ['edge_id'],
    columns: [
      { name: 'edge_id', type: 'utf8', nullable: false, role: 'entity-identity', description: `stable id of (edge_kind, src_node_id, dst_node_id) in namespace '${EDGE_NAMESPACE}'` },
      { name: 'edge_kind', type: 'utf8', nullable: false, role: 'kind', description: 'the declared edge kind' },
      { name: 'src_node_id', type: 'utf8', nullable: false, role: 'attribute', description: 'id of the row the edge starts from' },
      { name: 'dst_node_id', type: 'utf8', nullable: false, role: 'attribute', description: 'id of the row the edge leads to' },
      { name: 'file_id', type: 'utf8', nullable: true, role: 'file-identity', description: 'file holding the evidence' },
      { name: 'bstart', type: 'int64', nullable: true, role: 'span-start', description: 'first byte of the evidence' },
      { name: 'bend', type: 'int64', nullable: true, role: 'span-end', description: 'byte after the evidence' },
      { name: 'origin', type: 'utf8', nullable: false, role: 'provenance', description: "the evidence sources of both ends, '+'-joined" },
      { name: 'rule', type: 'utf8', nullable: false, role: 'attribute', description: 'the relate view that made the edge' },
      { name: 'confidence', type: 'float64', nullable: false, role: 'attribute', description: 'score / (1 + score), in [0, 1)' },
    ],
  });
}
