import { cpgPropsDataset, qualifiedName, quoteIdentifier } from '@anatomy/schema-authority';
import type { ColumnType, DatasetSchema } from '@anatomy/schema-authority';
import type { PlainValue } from '@anatomy/store';
import { contractTableSql } from './contract-table-sql.js';
import type { Cpg } from './open-cpg.js';
import type { RowBatch } from './row-batch.js';

/** An attribute type as both GraphML (`attr.type`) and neo4j-admin headers spell it. */
export type AttributeType = 'string' | 'int' | 'long' | 'double' | 'boolean';

/** A scalar attribute value; null when the entity has none. */
export type AttributeValue = string | number | bigint | boolean | null;

/**
 * One attribute of a node or an edge in a graph export: a contract column,
 * or a property from `cpg.props` (`prop`) flattened into its own attribute.
 */
export interface EntityAttribute {
  readonly name: string;
  readonly type: AttributeType;
  readonly column?: string;
  readonly prop?: string;
}

const COLUMN_TYPES: Readonly<Record<ColumnType, AttributeType>> = {
  utf8: 'string',
  int64: 'long',
  int32: 'int',
  float64: 'double',
  bool: 'boolean',
  binary: 'string',
};

const PROP_TYPES: Readonly<Record<string, AttributeType>> = { string: 'string', int: 'long', float: 'double', bool: 'boolean' };

/** Name of the list column that {@link entityRowsSql} adds with an entity's properties. */
export const PROPS_COLUMN = '__props';

/** How a graph format names and places attributes. */
export interface AttributePlan {
  /** Contract columns that the format carries in its structure (ids, endpoints, labels), not as attributes. */
  readonly structural: readonly string[];
  /** Names the format uses itself, which attributes must not take. */
  readonly reserved?: readonly string[];
  /** Turns a property key into a name the format accepts. */
  readonly spell?: (key: string) => string;
}

/**
 * The attributes of a node or edge dataset in a graph export: its contract
 * columns except the structural ones, then one per property key found in
 * `cpg.props` for entities of that table, in key order. A key whose values
 * have one type keeps it; mixed types become strings. A property whose name
 * is taken gets a `prop_` prefix.
 *
 * @example
 * await entityAttributes(cpg, cpgNodesDataset, { structural: ['node_id'] });
 * // [{ name: 'node_kind', type: 'string', column: 'node_kind' }, …, { name: 'def_kind', type: 'string', prop: 'def_kind' }]
 */
export async function entityAttributes(cpg: Cpg, ds: DatasetSchema, plan: AttributePlan): Promise<readonly EntityAttribute[]> {
  const taken = new Set(plan.reserved ?? []);
  const attributes: EntityAttribute[] = [];
  for (const column of ds.columns) {
    if (plan.structural.includes(column.name)) continue;
    taken.add(column.name);
    attributes.push(Object.freeze({ name: column.name, type: COLUMN_TYPES[column.type], column: column.name }));
  }
  for (const { key, types } of await propertyKeys(cpg, ds)) {
    let name = plan.spell === undefined ? key : plan.spell(key);
    while (taken.has(name)) name = `prop_${name}`;
    taken.add(name);
    const type = types.length === 1 ? (PROP_TYPES[types[0]!] ?? 'string') : 'string';
    attributes.push(Object.freeze({ name, type, prop: key }));
  }
  return Object.freeze(attributes);
}

function holds(cpg: Cpg, ds: DatasetSchema): boolean {
  return (cpg.tables as readonly string[]).includes(ds.name);
}

function idColumn(ds: DatasetSchema): string {
  return ds.key?.[0] ?? ds.columns[0]!.name;
}

async function propertyKeys(cpg: Cpg, ds: DatasetSchema): Promise<{ key: string; types: string[] }[]> {
  if (!holds(cpg, cpgPropsDataset) || !holds(cpg, ds)) return [];
  const rows = await cpg.sql(
    `SELECT p."prop_key" AS key, list(DISTINCT p."value_type" ORDER BY p."value_type") AS types FROM ${qualifiedName(cpgPropsDataset)} AS p ` +
      `WHERE p."entity_id" IN (SELECT ${quoteIdentifier(idColumn(ds))} FROM ${qualifiedName(ds)}) GROUP BY p."prop_key" ORDER BY p."prop_key"`,
  );
  return rows.map((r) => ({ key: String(r['key']), types: (r['types'] as PlainValue[]).map(String) }));
}

/**
 * A SELECT of a node or edge table's contract columns plus a list of its
 * properties ({@link PROPS_COLUMN}: structs of key, type and value), sorted by
 * id, for formats that write an entity and its properties together.
 *
 * @example
 * await cpg.eachBatch(entityRowsSql(cpg, cpgNodesDataset), write);
 */
export function entityRowsSql(cpg: Cpg, ds: DatasetSchema): string {
  if (!holds(cpg, ds)) return `SELECT *, NULL AS ${quoteIdentifier(PROPS_COLUMN)} FROM (${contractTableSql(ds, cpg.tables)})`;
  const columns = ds.columns.map((c) => `t.${quoteIdentifier(c.name)}`).join(', ');
  const id = quoteIdentifier(idColumn(ds));
  const props = holds(cpg, cpgPropsDataset)
    ? `(SELECT list({'key': p."prop_key", 'type': p."value_type", 's': p."value_string", 'i': p."value_int", 'f': p."value_float", 'b': p."value_bool"} ` +
      `ORDER BY p."prop_key", p."value_type") FROM ${qualifiedName(cpgPropsDataset)} AS p WHERE p."entity_id" = t.${id})`
    : 'NULL';
  return `SELECT ${columns}, ${props} AS ${quoteIdentifier(PROPS_COLUMN)} FROM ${qualifiedName(ds)} AS t ORDER BY t.${id}`;
}

interface PropEntry {
  readonly key: string;
  readonly type: string;
  readonly s: string | null;
  readonly i: bigint | null;
  readonly f: number | null;
  readonly b: boolean | null;
}

function propValue(entry: PropEntry): AttributeValue {
  switch (entry.type) {
    case 'string':
      return entry.s;
    case 'int':
      return entry.i;
    case 'float':
      return entry.f;
    case 'bool':
      return entry.b;
    default:
      return entry.s ?? entry.i ?? entry.f ?? entry.b;
  }
}

/**
 * Reads attribute values out of a batch of {@link entityRowsSql} rows: the
 * returned function gives row `r`'s values in attribute order. A property
 * typed `string` because its values mix types is given as text.
 *
 * @example
 * const values = attributeReader(attributes, batch); values(0); // ['DEF', 'main', …]
 */
export function attributeReader(attributes: readonly EntityAttribute[], batch: RowBatch): (row: number) => AttributeValue[] {
  const vector = (name: string): readonly PlainValue[] => batch.vectors[batch.columns.indexOf(name)] ?? [];
  const props = vector(PROPS_COLUMN);
  const columns = attributes.map((a) => (a.column === undefined ? undefined : vector(a.column)));
  return (row) => {
    const entries = (props[row] ?? null) as PropEntry[] | null;
    return attributes.map((attribute, i) => {
      const column = columns[i];
      if (column !== undefined) return (column[row] ?? null) as AttributeValue;
      const entry = entries?.find((e) => e.key === attribute.prop);
      const value = entry === undefined ? null : propValue(entry);
      return attribute.type === 'string' && value !== null ? String(value) : value;
    });
  };
}
