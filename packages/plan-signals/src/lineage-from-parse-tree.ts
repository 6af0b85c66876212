import type { LineageCatalog } from './lineage-catalog.js';
import { PlanSignalsError } from './plan-signals-error.js';
import { singleSelect } from './single-select.js';
import type { ColumnUse, FunctionUse, JoinUse, RelationRef, SetOperationUse, ViewLineage } from './view-lineage.js';

type JsonObject = { readonly [key: string]: unknown };

/** A name a FROM clause makes visible, and what it stands for. */
interface Binding {
  readonly ref: RelationRef;
  /** The name column references use: the alias, or the bare table name. */
  readonly bindName: string;
  /** `schema.table` when references may also spell the table out in full (no alias given). */
  readonly qualifiedName: string | undefined;
}

/**
 * One level of name resolution. Scopes chain outwards so that correlated
 * subqueries, LATERAL joins and CTE bodies see what encloses them.
 */
interface Scope {
  readonly parent: Scope | undefined;
  readonly ctes: ReadonlySet<string>;
  readonly relations: Binding[];
  /** Select-list aliases that are not plain column renames. */
  readonly aliases: ReadonlySet<string>;
  readonly lambdaParams: ReadonlySet<string>;
  readonly usingColumns: Set<string>;
  /** The ORDER BY of a set operation names output columns, not table columns. */
  readonly outputNames: boolean;
}

const QUERY_NODES = new Set(['SELECT_NODE', 'SET_OPERATION_NODE', 'RECURSIVE_CTE_NODE', 'CTE_NODE']);
const TABLE_REFS = new Set([
  'BASE_TABLE',
  'JOIN',
  'SUBQUERY',
  'TABLE_FUNCTION',
  'EXPRESSION_LIST',
  'EMPTY',
  'PIVOT',
  'SHOW_REF',
  'COLUMN_DATA',
  'DELIM_GET',
]);

/**
 * Catalog function types in order of preference for a call site: a name in
 * FROM is a table function or table macro; elsewhere the macro entry comes
 * first so that a macro is never reported as a plain scalar.
 */
const FUNCTION_KINDS: Record<'expression' | 'table', readonly (readonly [string, FunctionUse['kind']])[]> = {
  table: [
    ['table_macro', 'table-macro'],
    ['table', 'table'],
  ],
  expression: [
    ['macro', 'macro'],
    ['aggregate', 'aggregate'],
    ['scalar', 'scalar'],
    ['pragma', 'pragma'],
  ],
};

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(value: JsonObject): string | undefined {
  return typeof value['type'] === 'string' ? value['type'] : undefined;
}

// Plain predicates rather than type guards: both kinds are JsonObject, and a
// guard would narrow the other branch to `never`.
function isQueryNode(value: unknown): boolean {
  return isObject(value) && !('class' in value) && QUERY_NODES.has(typeOf(value) ?? '');
}

function isTableRef(value: unknown): boolean {
  return isObject(value) && !('class' in value) && TABLE_REFS.has(typeOf(value) ?? '');
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : '';
}

function scopeOf(parent: Scope | undefined, init: Partial<Omit<Scope, 'parent'>> = {}): Scope {
  return {
    parent,
    ctes: init.ctes ?? new Set(),
    relations: init.relations ?? [],
    aliases: init.aliases ?? new Set(),
    lambdaParams: init.lambdaParams ?? new Set(),
    usingColumns: init.usingColumns ?? new Set(),
    outputNames: init.outputNames ?? false,
  };
}

function isCte(scope: Scope | undefined, name: string): boolean {
  for (let s = scope; s !== undefined; s = s.parent) if (s.ctes.has(name)) return true;
  return false;
}

function isLambdaParam(scope: Scope | undefined, name: string): boolean {
  for (let s = scope; s !== undefined; s = s.parent) if (s.lambdaParams.has(name)) return true;
  return false;
}

function relationKey(ref: RelationRef | null): string {
  return ref === null ? '~' : `${ref.kind}:${ref.name}`;
}

function columnKey(use: ColumnUse): string {
  return `${relationKey(use.relation)}\u0000${use.column}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Collects lineage while walking the parse tree; one instance per view. */
class LineageWalk {
  readonly tables = new Set<string>();
  readonly columns = new Map<string, ColumnUse>();
  readonly functions = new Map<string, FunctionUse>();
  readonly filters = { where: false, having: false, qualify: false };
  readonly joins: JoinUse[] = [];
  readonly setOperations: SetOperationUse[] = [];
  readonly ctes = new Set<string>();
  /** Open collectors of join conditions; a column use goes to every one of them. */
  readonly #sinks: ColumnUse[][] = [];

  constructor(private readonly catalog: LineageCatalog) {}

  query(node: unknown, outer: Scope | undefined): void {
    if (!isObject(node)) return;
    switch (typeOf(node)) {
      case 'SELECT_NODE':
        this.#select(node, this.#ctes(node, outer));
        return;
      case 'SET_OPERATION_NODE': {
        const scope = this.#ctes(node, outer);
        this.setOperations.push({ type: text(node['setop_type']).toUpperCase(), all: node['setop_all'] === true });
        this.#queryParts(node, scope);
        return;
      }
      default:
        // RECURSIVE_CTE_NODE, and query nodes of other DuckDB versions: branches plus modifiers.
        this.#queryParts(node, this.#ctes(node, outer));
    }
  }

  /** Visits the branches of a set operation or recursive CTE, then its modifiers as output names. */
  #queryParts(node: JsonObject, scope: Scope): void {
    for (const [key, child] of Object.entries(node)) {
      if (key === 'cte_map') continue;
      if (key === 'modifiers') this.value(child, scopeOf(scope, { outputNames: true }));
      else if (isQueryNode(child)) this.query(child, scope);
      else if (Array.isArray(child) && child.every(isQueryNode)) for (const c of child) this.query(c, scope);
      else this.value(child, scope);
    }
  }

  /** Binds the CTEs of a query node in order; a CTE body sees earlier CTEs, and itself when recursive. */
  #ctes(node: JsonObject, outer: Scope | undefined): Scope {
    const cteMap = node['cte_map'];
    const entries = isObject(cteMap) && Array.isArray(cteMap['map']) ? cteMap['map'] : [];
    let scope = outer;
    for (const entry of entries) {
      if (!isObject(entry)) continue;
      const name = text(entry['key']);
      const value = isObject(entry['value']) ? entry['value'] : {};
      const query = isObject(value['query']) ? value['query']['node'] : undefined;
      const withSelf = scopeOf(scope, { ctes: new Set([name]) });
      if (isObject(query)) this.query(query, typeOf(query) === 'RECURSIVE_CTE_NODE' ? withSelf : scope);
      this.ctes.add(name);
      scope = withSelf;
    }
    return scope ?? scopeOf(undefined);
  }

  #select(node: JsonObject, outer: Scope): void {
    const aliases = new Set<string>();
    const selectList = Array.isArray(node['select_list']) ? node['select_list'] : [];
    for (const item of selectList) {
      if (!isObject(item)) continue;
      const alias = text(item['alias']);
      const names = Array.isArray(item['column_names']) ? item['column_names'] : [];
      const renamesItself = item['class'] === 'COLUMN_REF' && text(names[names.length - 1]) === alias;
      if (alias !== '' && !renamesItself) aliases.add(alias);
    }
    const scope = scopeOf(outer, { aliases });
    this.#tableRef(node['from_table'], scope);
    if (node['where_clause'] != null) this.filters.where = true;
    if (node['having'] != null) this.filters.having = true;
    if (node['qualify'] != null) this.filters.qualify = true;
    for (const [key, child] of Object.entries(node)) {
      if (key === 'cte_map' || key === 'from_table' || key === 'type') continue;
      this.value(child, scope);
    }
  }

  /** Visits one FROM item, binding its names in `scope`; returns the bindings it made. */
  #tableRef(ref: unknown, scope: Scope): Binding[] {
    if (!isObject(ref)) return [];
    const alias = text(ref['alias']);
    switch (typeOf(ref)) {
      case 'BASE_TABLE': {
        const table = text(ref['table_name']);
        const schema = text(ref['schema_name']);
        if (schema === '' && isCte(scope, table)) {
          return this.#bind(scope, { ref: { kind: 'cte', name: table }, bindName: alias || table, qualifiedName: undefined });
        }
        const catalogName = text(ref['catalog_name']);
        const qualified = `${schema || this.catalog.defaultSchema}.${table}`;
        const name = catalogName === '' ? qualified : `${catalogName}.${qualified}`;
        this.tables.add(name);
        return this.#bind(scope, { ref: { kind: 'table', name }, bindName: alias || table, qualifiedName: alias ? undefined : qualified });
      }
      case 'JOIN':
        return this.#join(ref, scope);
      case 'SUBQUERY': {
        const subquery = isObject(ref['subquery']) ? ref['subquery']['node'] : undefined;
        // The enclosing scope is passed so a LATERAL subquery resolves names bound to its left.
        if (isQueryNode(subquery)) this.query(subquery, scope);
        const name = alias || '(subquery)';
        return this.#bind(scope, { ref: { kind: 'subquery', name }, bindName: name, qualifiedName: undefined });
      }
      case 'TABLE_FUNCTION': {
        const fn = isObject(ref['function']) ? ref['function'] : {};
        const name = text(fn['function_name']);
        this.#function(name, 'table');
        this.value(fn['children'], scope);
        return this.#bind(scope, { ref: { kind: 'function', name }, bindName: alias || name, qualifiedName: undefined });
      }
      case 'EXPRESSION_LIST': {
        this.value(ref['values'], scope);
        const name = alias || 'valueslist';
        return this.#bind(scope, { ref: { kind: 'values', name }, bindName: name, qualifiedName: undefined });
      }
      case 'EMPTY':
        return [];
      default: {
        // PIVOT, UNPIVOT and rarer FROM items: their inner FROM items feed their own expressions.
        const inner = scopeOf(scope);
        for (const child of Object.values(ref)) if (isTableRef(child)) this.#tableRef(child, inner);
        for (const child of Object.values(ref)) if (!isTableRef(child)) this.value(child, inner);
        const name = alias || text(typeOf(ref));
        return this.#bind(scope, { ref: { kind: 'subquery', name }, bindName: name, qualifiedName: undefined });
      }
    }
  }

  #bind(scope: Scope, binding: Binding): Binding[] {
    scope.relations.push(binding);
    return [binding];
  }

  #join(ref: JsonObject, scope: Scope): Binding[] {
    const left = this.#tableRef(ref['left'], scope);
    const right = this.#tableRef(ref['right'], scope);
    const sink: ColumnUse[] = [];
    this.#sinks.push(sink);
    try {
      this.value(ref['condition'], scope);
      const using = Array.isArray(ref['using_columns']) ? ref['using_columns'].map(text) : [];
      for (const column of using) {
        scope.usingColumns.add(column);
        for (const side of [left, right]) this.#record(this.#resolveAmong(column, side) ?? { relation: null, column });
      }
      this.joins.push({
        type: text(ref['join_type']).toUpperCase() || 'INNER',
        refType: text(ref['ref_type']).toUpperCase() || 'REGULAR',
        left: left.map((b) => b.ref),
        right: right.map((b) => b.ref),
        conditionColumns: [...new Map(sink.map((u) => [columnKey(u), u])).values()],
        using,
      });
    } finally {
      this.#sinks.pop();
    }
    return [...left, ...right];
  }

  /** Generic walk of any part of the tree: expressions, modifiers, nested queries. */
  value(value: unknown, scope: Scope | undefined): void {
    if (Array.isArray(value)) {
      for (const item of value) this.value(item, scope);
      return;
    }
    if (!isObject(value)) return;
    if (isQueryNode(value)) {
      this.query(value, scope);
      return;
    }
    if (isTableRef(value)) {
      this.#tableRef(value, scope ?? scopeOf(undefined));
      return;
    }
    switch (value['class']) {
      case 'COLUMN_REF':
        this.#columnRef(Array.isArray(value['column_names']) ? value['column_names'].map(text) : [], scope);
        return;
      case 'STAR':
        this.#star(value, scope);
        break;
      case 'FUNCTION':
        this.#function(text(value['function_name']), 'expression');
        break;
      case 'WINDOW':
        this.#function(text(value['function_name']), 'window');
        break;
      case 'LAMBDA': {
        const params = new Set<string>();
        collectNames(value['lhs'], params);
        this.value(value['expr'], scopeOf(scope, { lambdaParams: params }));
        return;
      }
      default:
        break;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key !== 'type' && key !== 'class') this.value(child, scope);
    }
  }

  #function(name: string, context: 'expression' | 'table' | 'window'): void {
    if (name === '') return;
    const entries = this.catalog.functions.get(name) ?? [];
    let use: FunctionUse;
    if (context === 'window') {
      // Called with OVER: a window function whatever the catalog files it under.
      use = { name, kind: 'window', builtin: entries.every((e) => e.internal) };
    } else {
      use = { name, kind: 'unlisted', builtin: false };
      for (const [type, kind] of FUNCTION_KINDS[context]) {
        const matches = entries.filter((e) => e.type === type);
        if (matches.length > 0) {
          use = { name, kind, builtin: matches.every((e) => e.internal) };
          break;
        }
      }
    }
    this.functions.set(`${name}\u0000${use.kind}`, use);
  }

  #star(star: JsonObject, scope: Scope | undefined): void {
    const relationName = text(star['relation_name']);
    if (relationName !== '') {
      this.#record(this.#resolve([relationName, '*'], scope) ?? { relation: null, column: '*' });
      return;
    }
    let s = scope;
    while (s !== undefined && s.relations.length === 0) s = s.parent;
    for (const binding of s?.relations ?? []) this.#record({ relation: binding.ref, column: '*' });
  }

  #columnRef(parts: readonly string[], scope: Scope | undefined): void {
    const head = parts[0];
    if (head === undefined || isLambdaParam(scope, head)) return;
    const use = this.#resolve(parts, scope);
    if (use !== undefined) this.#record(use);
  }

  #record(use: ColumnUse): void {
    this.columns.set(columnKey(use), use);
    for (const sink of this.#sinks) sink.push(use);
  }

  /**
   * Attributes a column reference the way DuckDB's binder reads names:
   * `schema.table.column`, then `relation.column`, else the first part is
   * a column and the rest are struct fields. Returns undefined for names
   * that are not table columns (select aliases, set-operation outputs).
   */
  #resolve(parts: readonly string[], scope: Scope | undefined): ColumnUse | undefined {
    const [p0 = '', p1 = '', p2 = ''] = parts;
    if (parts.length >= 2) {
      for (let s = scope; s !== undefined; s = s.parent) {
        if (parts.length >= 3) {
          const full = s.relations.find((b) => b.qualifiedName === `${p0}.${p1}`);
          if (full !== undefined) return { relation: full.ref, column: p2 };
        }
        const bound = s.relations.find((b) => b.bindName === p0);
        if (bound !== undefined) return { relation: bound.ref, column: p1 };
      }
    }
    return this.#resolveUnqualified(p0, scope);
  }

  #resolveUnqualified(column: string, scope: Scope | undefined): ColumnUse | undefined {
    for (let s = scope; s !== undefined; s = s.parent) {
      if (s.outputNames) return undefined;
      if (s.usingColumns.has(column)) return undefined;
      if (s.relations.length === 0) {
        if (s.aliases.has(column)) return undefined;
        continue;
      }
      const known = s.relations.filter((b) => this.#hasColumn(b, column) === true);
      if (known.length === 1 && known[0] !== undefined) return { relation: known[0].ref, column };
      if (known.length > 1) return { relation: null, column };
      if (s.aliases.has(column)) return undefined;
      const possible = s.relations.filter((b) => this.#hasColumn(b, column) === undefined);
      if (possible.length === 1 && possible[0] !== undefined) return { relation: possible[0].ref, column };
      if (possible.length > 1) return { relation: null, column };
      // Every relation here is known not to have it: a correlated reference to an outer query.
    }
    return { relation: null, column };
  }

  #resolveAmong(column: string, bindings: readonly Binding[]): ColumnUse | undefined {
    if (bindings.length === 1 && bindings[0] !== undefined) return { relation: bindings[0].ref, column };
    const known = bindings.filter((b) => this.#hasColumn(b, column) === true);
    if (known.length === 1 && known[0] !== undefined) return { relation: known[0].ref, column };
    const possible = bindings.filter((b) => this.#hasColumn(b, column) === undefined);
    if (known.length === 0 && possible.length === 1 && possible[0] !== undefined) return { relation: possible[0].ref, column };
    return undefined;
  }

  /** True or false when the catalog knows the relation's columns, undefined otherwise. */
  #hasColumn(binding: Binding, column: string): boolean | undefined {
    if (binding.ref.kind !== 'table') return undefined;
    return this.catalog.columns.get(binding.ref.name)?.has(column);
  }
}

function collectNames(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectNames(item, into);
    return;
  }
  if (!isObject(value)) return;
  if (value['class'] === 'COLUMN_REF' && Array.isArray(value['column_names'])) {
    const last = value['column_names'][value['column_names'].length - 1];
    into.add(text(last));
    return;
  }
  for (const child of Object.values(value)) collectNames(child, into);
}

/**
 * Derives a view's lineage from the JSON parse tree DuckDB's
 * `json_serialize_sql` returned for it, walking the tree generically (no SQL
 * text is read). The catalog tells macros from built-in functions and
 * attributes unqualified columns when several relations are in scope.
 * Throws `plan-signals/ParseFailed` when the tree reports an error or holds
 * anything but exactly one SELECT.
 *
 * @example
 * const lineage = lineageFromParseTree('norm.defs', JSON.parse(treeText), catalog);
 * lineage.tables; // ['evidence.ts_defs']
 */
export function lineageFromParseTree(view: string, parseTree: unknown, catalog: LineageCatalog): ViewLineage {
  const root = singleSelect(view, parseTree);
  if (!isQueryNode(root)) {
    throw PlanSignalsError.create('ParseFailed', `the statement of view ${view} is a ${String(root['type'])}, not a query`, {
      details: { view, node: root['type'] },
      hint: `emit one SELECT for ${view}`,
    });
  }
  const walk = new LineageWalk(catalog);
  walk.query(root, undefined);
  const columns = [...walk.columns.values()].sort(
    (a, b) => compareText(relationKey(a.relation), relationKey(b.relation)) || compareText(a.column, b.column),
  );
  const functions = [...walk.functions.values()].sort((a, b) => compareText(a.name, b.name) || compareText(a.kind, b.kind));
  return {
    view,
    tables: [...walk.tables].sort(compareText),
    columns,
    functions,
    filters: { ...walk.filters },
    joins: walk.joins,
    setOperations: walk.setOperations,
    ctes: [...walk.ctes].sort(compareText),
  };
}
