import { cpgNodesDataset, quoteIdentifier } from '@anatomy/schema-authority';

/**
 * The contract columns of `cpg.nodes` in contract order, qualified by a table
 * alias. Naming them, rather than `*`, keeps columns added by later contract
 * versions out of v1 answers.
 *
 * @example
 * nodeColumnsSql('n'); // 'n."node_id", n."node_kind", …'
 */
export function nodeColumnsSql(alias: string): string {
  return cpgNodesDataset.columns.map((c) => `${quoteIdentifier(alias)}.${quoteIdentifier(c.name)}`).join(', ');
}
