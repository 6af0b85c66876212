import type { LineageCatalog } from './lineage-catalog.js';
import { PlanSignalsError } from './plan-signals-error.js';
import { singleSelect } from './single-select.js';
import type { ColumnUse, FunctionUse, JoinUse, OutputColumn, PredicateUse, RelationRef, SetOperationUse, ViewLineage } from './view-lineage.js';

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

/** Functions whose value changes from one evaluation to the next: filtering by them before a join changes results. */
const VOLATILE_FUNCTIONS = new Set(['random', 'gen_random_uuid', 'uuid', 'uuidv4', 'uuidv7', 'nextval', 'setseed']);

/** Expression classes a scan cannot evaluate on its own rows. */
const UNPUSHABLE_CLASSES = new Set(['SUBQUERY', 'WINDOW', 'LAMBDA', 'PARAMETER', 'STAR', 'DEFAULT']);

/** Which side of a join its ON condition may filter before matching, by join type. */
const ON_PUSHABLE_SIDES: Readonly<Record<string, readonly ('left' | 'right')[]>> = {
  INNER: ['left', 'right'],
  LEFT: ['right'],
  SEMI: ['right'],
  ANTI: ['right'],
  RIGHT: ['left'],
};

/** The top-level conjuncts of a boolean expression (`a AND b AND c` → a, b, c). */
function conjuncts(expression: unknown): unknown[] {
  if (isObject(expression) && expression['class'] === 'CONJUNCTION' && expression['type'] === 'CONJUNCTION_AND' && Array.isArray(expression['children'])) {
    return expression['children'].flatMap(conjuncts);
  }
  return expression == null ? [] : [expression];
}

/** Copies an expression tree without source positions, with column references cut down to `column`. */
function detached(value: unknown, columnOf: (parts: readonly string[]) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => detached(v, columnOf));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === 'query_location') continue;
    out[key] = key === 'column_names' && value['class'] === 'COLUMN_REF' && Array.isArray(child) ? [columnOf(child.map(text))] : detached(child, columnOf);
  }
  return out;
}

/** Every node of an expression tree, depth first. */
function* nodesOf(value: unknown): Generator<JsonObject> {
  if (Array.isArray(value)) {
    for (const item of value) yield* nodesOf(item);
    return;
  }
  if (!isObject(value)) return;
  yield value;
  for (const child of Object.values(value)) yield* nodesOf(child);
}

/** A result column as the walk sees it; sources still refer to CTEs and subqueries until traced. */
type Output = OutputColumn;

/** Merges the outputs of set-operation branches by position; branches of different widths make every column opaque. */
function mergeBranches(branches: readonly (readonly Output[])[]): Output[] {
  const [first, ...rest] = branches;
  if (first === undefined) return [];
  if (rest.some((b) => b.length !== first.length)) return first.map((o) => ({ name: o.name, sources: [null] }));
  return first.map((o, i) => ({ name: o.name, sources: [o, ...rest.map((b) => b[i])].flatMap((x) => x?.sources ?? [null]) }));
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
  /** Read sites of stored relations, by the identity of the relation reference bound for them. */
  readonly sites = new Map<RelationRef, { readonly table: string; readonly predicates: PredicateUse[] }>();
  /** Open collectors of join conditions; a column use goes to every one of them. */
  readonly #sinks: ColumnUse[][] = [];
  /** Relations on the NULL-extended side of an outer join: filtering them early would change the result. */
  readonly #nullable = new Set<RelationRef>();
  /** Tables read under column aliases (`t AS a(x, y)`): their column names cannot be trusted for predicates or outputs. */
  readonly #renamed = new Set<RelationRef>();
  /** Result columns of each CTE by name; null when two CTEs share a name and references cannot be traced. */
  readonly #cteOutputs = new Map<string, readonly Output[] | null>();
  /** Result columns of each subquery in FROM, by the identity of its relation reference. */
  readonly #subqueryOutputs = new Map<RelationRef, readonly Output[]>();

  constructor(private readonly catalog: LineageCatalog) {}

  /** Walks a query node and returns its result columns. */
  query(node: unknown, outer: Scope | undefined): Output[] {
    if (!isObject(node)) return [];
    switch (typeOf(node)) {
      case 'SELECT_NODE':
        return this.#select(node, this.#ctes(node, outer));
      case 'SET_OPERATION_NODE': {
        const scope = this.#ctes(node, outer);
        this.setOperations.push({ type: text(node['setop_type']).toUpperCase(), all: node['setop_all'] === true });
        return this.#queryParts(node, scope);
      }
      default:
        // RECURSIVE_CTE_NODE, and query nodes of other DuckDB versions: branches plus modifiers.
        return this.#queryParts(node, this.#ctes(node, outer));
    }
  }

  /** Visits the branches of a set operation or recursive CTE, then its modifiers as output names. */
  #queryParts(node: JsonObject, scope: Scope): Output[] {
    const branches: Output[][] = [];
    for (const [key, child] of Object.entries(node)) {
      if (key === 'cte_map') continue;
      if (key === 'modifiers') this.value(child, scopeOf(scope, { outputNames: true }));
      else if (isQueryNode(child)) branches.push(this.query(child, scope));
      else if (Array.isArray(child) && child.every(isQueryNode)) for (const c of child) branches.push(this.query(c, scope));
      else this.value(child, scope);
    }
    return mergeBranches(branches);
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
      const outputs = isObject(query) ? this.query(query, typeOf(query) === 'RECURSIVE_CTE_NODE' ? withSelf : scope) : [];
      // `WITH c(a, b) AS (…)` renames the body's columns by position.
      const aliases = Array.isArray(value['aliases']) ? value['aliases'].map(text) : [];
      const renamed = outputs.map((o, i) => ({ name: aliases[i] ?? o.name, sources: o.sources }));
      this.#cteOutputs.set(name, this.#cteOutputs.has(name) ? null : renamed);
      this.ctes.add(name);
      scope = withSelf;
    }
    return scope ?? scopeOf(undefined);
  }

  #select(node: JsonObject, outer: Scope): Output[] {
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
    for (const conjunct of conjuncts(node['where_clause'])) this.#pushPredicate(conjunct, scope, () => true);
    for (const [key, child] of Object.entries(node)) {
      if (key === 'cte_map' || key === 'from_table' || key === 'type') continue;
      this.value(child, scope);
    }
    return selectList.flatMap((item) => this.#outputsOf(item, scope));
  }

  /** The result columns one select-list item produces. */
  #outputsOf(item: unknown, scope: Scope): Output[] {
    if (!isObject(item)) return [];
    const alias = text(item['alias']);
    if (item['class'] === 'COLUMN_REF') {
      const parts = Array.isArray(item['column_names']) ? item['column_names'].map(text) : [];
      const name = alias || (parts[parts.length - 1] ?? '');
      const use = this.#resolve(parts, scope);
      // A use whose column is not the last part reads a struct field: a computed value.
      const plain = use !== undefined && use.column === parts[parts.length - 1];
      return [{ name, sources: plain ? this.#trace(use) : [null] }];
    }
    if (item['class'] === 'STAR') return this.#starOutputs(item, scope);
    return [{ name: alias, sources: [null] }];
  }

  /** Expands `*` and `rel.*` into result columns where the columns are known, else one opaque `*`. */
  #starOutputs(star: JsonObject, scope: Scope): Output[] {
    const opaque: Output[] = [{ name: '*', sources: [null] }];
    const listed = (key: string): boolean => (Array.isArray(star[key]) ? star[key].length > 0 : isObject(star[key]) && Object.keys(star[key]).length > 0);
    if (star['columns'] === true || star['expr'] != null || listed('replace_list') || listed('rename_list') || listed('qualified_exclude_list')) return opaque;
    const excluded = new Set(Array.isArray(star['exclude_list']) ? star['exclude_list'].map((e) => text(isObject(e) ? e['column_name'] ?? e['name'] : e)) : []);
    let s: Scope | undefined = scope;
    while (s !== undefined && s.relations.length === 0) s = s.parent;
    if (s === undefined || s.usingColumns.size > 0) return opaque;
    const relationName = text(star['relation_name']);
    const bindings = relationName === '' ? s.relations : s.relations.filter((b) => b.bindName === relationName);
    const outputs: Output[] = [];
    for (const binding of bindings) {
      const columns = this.#columnsOf(binding.ref);
      if (columns === undefined) return opaque;
      for (const column of columns) {
        if (!excluded.has(column)) outputs.push({ name: column, sources: this.#trace({ relation: binding.ref, column }) });
      }
    }
    return outputs.length === 0 ? opaque : outputs;
  }

  /** The column names of a relation in order, when the catalog or the walk knows them. */
  #columnsOf(ref: RelationRef): readonly string[] | undefined {
    if (ref.kind === 'table') {
      const columns = this.catalog.columns.get(ref.name);
      return columns === undefined ? undefined : [...columns];
    }
    const outputs = ref.kind === 'cte' ? this.#cteOutputs.get(ref.name) : ref.kind === 'subquery' ? this.#subqueryOutputs.get(ref) : undefined;
    if (outputs == null || outputs.some((o) => o.name === '*' || o.name === '')) return undefined;
    return outputs.map((o) => o.name);
  }

  /**
   * Follows a column of a CTE or subquery to the stored columns it passes
   * through; one source per branch, or [null] when it is computed anywhere.
   */
  #trace(use: ColumnUse): (ColumnUse | null)[] {
    const relation = use.relation;
    if (relation === null) return [null];
    if (relation.kind === 'table') return this.#renamed.has(relation) ? [null] : [use];
    const outputs = relation.kind === 'cte' ? this.#cteOutputs.get(relation.name) : relation.kind === 'subquery' ? this.#subqueryOutputs.get(relation) : undefined;
    const matches = (outputs ?? []).filter((o) => o.name === use.column);
    const [match] = matches;
    if (matches.length !== 1 || match === undefined || match.sources.includes(null)) return [null];
    return match.sources;
  }

  /**
   * Records a conjunct as a predicate of the one stored relation it reads,
   * when a scan of that relation could evaluate it without changing the
   * result (see PredicateUseSchema); `allowed` says which relations the
   * clause may filter early.
   */
  #pushPredicate(conjunct: unknown, scope: Scope, allowed: (ref: RelationRef) => boolean): void {
    let target: RelationRef | undefined;
    const columns = new Set<string>();
    const columnOf = new Map<string, string>();
    for (const node of nodesOf(conjunct)) {
      const cls = node['class'];
      if (typeof cls === 'string' && UNPUSHABLE_CLASSES.has(cls)) return;
      if (cls === 'FUNCTION') {
        const name = text(node['function_name']);
        if (VOLATILE_FUNCTIONS.has(name)) return;
        const entries = this.catalog.functions.get(name) ?? [];
        if (entries.length > 0 && entries.every((e) => e.type === 'aggregate')) return;
      }
      if (cls !== 'COLUMN_REF') continue;
      const parts = Array.isArray(node['column_names']) ? node['column_names'].map(text) : [];
      const use = this.#resolve(parts, scope);
      const ref = use?.relation ?? null;
      // Only a plain column of a relation bound by this very FROM clause: outer references and struct fields stay out.
      if (use === undefined || ref === null || ref.kind !== 'table' || use.column !== parts[parts.length - 1]) return;
      if (!scope.relations.some((b) => b.ref === ref)) return;
      if (target !== undefined && target !== ref) return;
      target = ref;
      columns.add(use.column);
      columnOf.set(parts.join('.'), use.column);
    }
    if (target === undefined || this.#nullable.has(target) || this.#renamed.has(target) || !allowed(target)) return;
    const site = this.sites.get(target);
    if (site === undefined) return;
    const expression = detached(conjunct, (parts) => columnOf.get(parts.join('.')) ?? parts[parts.length - 1] ?? '');
    if (isObject(expression)) (expression as Record<string, unknown>)['alias'] = '';
    const key = JSON.stringify(expression);
    if (site.predicates.some((p) => JSON.stringify(p.expression) === key)) return;
    site.predicates.push({ columns: [...columns].sort(compareText), expression: expression as PredicateUse['expression'], sql: null });
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
        const bound = this.#bind(scope, { ref: { kind: 'table', name }, bindName: alias || table, qualifiedName: alias ? undefined : qualified });
        for (const b of bound) {
          this.sites.set(b.ref, { table: name, predicates: [] });
          // `t AS a(x, y)` renames columns: references no longer name the table's own columns.
          if (Array.isArray(ref['column_name_alias']) && ref['column_name_alias'].length > 0) this.#renamed.add(b.ref);
        }
        return bound;
      }
      case 'JOIN':
        return this.#join(ref, scope);
      case 'SUBQUERY': {
        const subquery = isObject(ref['subquery']) ? ref['subquery']['node'] : undefined;
        // The enclosing scope is passed so a LATERAL subquery resolves names bound to its left.
        const outputs = isQueryNode(subquery) ? this.query(subquery, scope) : [];
        const name = alias || '(subquery)';
        const relation: RelationRef = { kind: 'subquery', name };
        // `(…) AS s(a, b)` renames the subquery's columns by position.
        const renames = Array.isArray(ref['column_name_alias']) ? ref['column_name_alias'].map(text) : [];
        this.#subqueryOutputs.set(relation, outputs.map((o, i) => ({ name: renames[i] ?? o.name, sources: o.sources })));
        return this.#bind(scope, { ref: relation, bindName: name, qualifiedName: undefined });
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
      const type = text(ref['join_type']).toUpperCase() || 'INNER';
      const refType = text(ref['ref_type']).toUpperCase() || 'REGULAR';
      const sides = refType === 'REGULAR' ? (ON_PUSHABLE_SIDES[type] ?? []) : [];
      const filterable = new Set([...(sides.includes('left') ? left : []), ...(sides.includes('right') ? right : [])].map((b) => b.ref));
      for (const conjunct of conjuncts(ref['condition'])) this.#pushPredicate(conjunct, scope, (r) => filterable.has(r));
      // Marked after the ON clause: it may filter its own NULL-extended side, later clauses may not.
      if (type === 'LEFT' || type === 'OUTER') for (const b of right) this.#nullable.add(b.ref);
      if (type === 'RIGHT' || type === 'OUTER') for (const b of left) this.#nullable.add(b.ref);
      this.joins.push({
        type,
        refType,
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
  const outputs = walk.query(root, undefined);
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
    outputs,
    reads: [...walk.sites.values()].map((site) => ({ table: site.table, predicates: site.predicates })),
  };
}
