import { cpgNodesDataset, cpgPropsDataset, qualifiedName } from '@anatomy/schema-authority';
import type { BoundQuery } from './bound-query.js';
import type { DefinitionFilter } from './definition-filter.js';
import { nodeColumnsSql } from './node-columns-sql.js';

/**
 * The query for DEF nodes matching a filter, ordered by file and position so
 * answers are the same on every run. `kind` is looked up in `cpg.props`
 * (`def_kind`), where the contract keeps it.
 *
 * @example
 * definitionsQuery({ name: "it's" }); // { sql: '… AND n."name" = $name …', params: { name: "it's" } }
 */
export function definitionsQuery(filter: DefinitionFilter): BoundQuery {
  const where = [`n."node_kind" = 'DEF'`];
  const params: Record<string, string> = {};
  if (filter.name !== undefined) {
    where.push('n."name" = $name');
    params['name'] = filter.name;
  }
  if (filter.path !== undefined) {
    where.push('n."path" = $path');
    params['path'] = filter.path;
  }
  if (filter.kind !== undefined) {
    where.push(
      `EXISTS (SELECT 1 FROM ${qualifiedName(cpgPropsDataset)} AS p WHERE p."entity_id" = n."node_id" ` +
        `AND p."prop_key" = 'def_kind' AND p."value_string" = $kind)`,
    );
    params['kind'] = filter.kind;
  }
  return Object.freeze({
    sql: `SELECT ${nodeColumnsSql('n')} FROM ${qualifiedName(cpgNodesDataset)} AS n WHERE ${where.join(' AND ')} ORDER BY n."path", n."bstart", n."node_id"`,
    params: Object.freeze(params),
  });
}
