import { AnatomyError, formatIssues, validate } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import { cpgEdgesDataset, cpgNodesDataset, cpgPropsDataset, qualifiedName } from '@anatomy/schema-authority';
import type { DatasetSchema, InformationSchemaColumn } from '@anatomy/schema-authority';
import { StoreError, openStore, toPlainValue } from '@anatomy/store';
import type { PlainValue, QueryParams, Row, Store } from '@anatomy/store';
import type { BoundQuery } from './bound-query.js';
import { callPathBetween } from './call-path-between.js';
import type { CallPath } from './call-path.js';
import type { CallRelative } from './call-relative.js';
import { callRelatives } from './call-relatives.js';
import { contractDrift } from './contract-drift.js';
import { contractRows } from './contract-rows.js';
import { CpgNodeSchema } from './cpg-node.js';
import type { CpgNode } from './cpg-node.js';
import { CpgQueryError } from './cpg-query-error.js';
import type { CpgReader } from './cpg-reader.js';
import { DefinitionFilterSchema } from './definition-filter.js';
import type { DefinitionFilter } from './definition-filter.js';
import type { DefinitionReference } from './definition-reference.js';
import { definitionReferences } from './definition-references.js';
import { definitionsQuery } from './definitions-query.js';
import { locateStore } from './locate-store.js';
import { moduleImportsOf } from './module-imports-of.js';
import type { ModuleImports } from './module-imports.js';
import { nodeColumnsSql } from './node-columns-sql.js';
import { BatchOptionsSchema, DEFAULT_BATCH_ROWS } from './row-batch.js';
import type { BatchOptions, RowBatch } from './row-batch.js';
import type { TraversalOptions } from './traversal-options.js';
import { validOptions } from './valid-options.js';

/** A contract table of a built CPG. */
export type CpgTable = 'cpg.nodes' | 'cpg.edges' | 'cpg.props';

/** Number of nodes of each `node_kind` present in `cpg.nodes`. */
export type NodeCounts = Readonly<Record<string, number>>;

/** How to open a CPG. */
export interface OpenCpgOptions {
  /**
   * Open the store read-only (the default). DuckDB holds one configuration
   * per file in a process, so a process that already has the store open for
   * writing (a build followed by questions) passes `false`.
   */
  readonly readOnly?: boolean;
}

/** An open, verified CPG. Close it when done; it answers nothing afterwards. */
export interface Cpg {
  /** Absolute path of the DuckDB file. */
  readonly path: string;
  readonly readOnly: boolean;
  /** The contract tables this store holds; `cpg.nodes` always. */
  readonly tables: readonly CpgTable[];
  /**
   * Runs any SQL and returns its rows as frozen plain data; BIGINT stays
   * `bigint`. `params` bind `$name` (object) or `?` (array) placeholders.
   */
  sql(query: string, params?: QueryParams): Promise<readonly Readonly<Row>[]>;
  /**
   * Runs a query and hands its result to `visit` in batches of
   * `batchRows` rows (65 536 by default), reading the next batch only after
   * `visit` has finished with the last, so memory stays bounded whatever the
   * result size. Resolves to the number of rows.
   */
  eachBatch(query: string, visit: (batch: RowBatch) => Promise<void> | void, options?: BatchOptions): Promise<number>;
  /** DEF nodes matching every given field of the filter, ordered by path and position. */
  definitions(filter?: DefinitionFilter): Promise<readonly CpgNode[]>;
  /** FILE nodes ordered by path. */
  files(): Promise<readonly CpgNode[]>;
  /** Node counts by `node_kind`. */
  nodeCounts(): Promise<NodeCounts>;
  /** Definitions (and modules) whose code calls the DEF `defId`, transitively up to `depth` calls (1 by default). */
  callers(defId: string, options?: TraversalOptions): Promise<readonly CallRelative[]>;
  /** Definitions called by the DEF or MODULE `defId`, transitively up to `depth` calls (1 by default). */
  callees(defId: string, options?: TraversalOptions): Promise<readonly CallRelative[]>;
  /** REF nodes that resolve to the node `defId`, directly or through an import. */
  references(defId: string): Promise<readonly DefinitionReference[]>;
  /** Modules the module named `moduleName` imports, with the imports that bring them in. */
  importsOf(moduleName: string): Promise<readonly ModuleImports[]>;
  /** Modules that import the module named `moduleName` (or a definition of it), with those imports. */
  importersOf(moduleName: string): Promise<readonly ModuleImports[]>;
  /** A shortest call chain from `fromDefId` to `toDefId`, or null when there is none. */
  pathBetween(fromDefId: string, toDefId: string): Promise<CallPath | null>;
  close(): Promise<void>;
}

const CONTRACT_TABLES: readonly { readonly table: CpgTable; readonly dataset: DatasetSchema; readonly required: boolean }[] = [
  { table: 'cpg.nodes', dataset: cpgNodesDataset, required: true },
  { table: 'cpg.edges', dataset: cpgEdgesDataset, required: false },
  { table: 'cpg.props', dataset: cpgPropsDataset, required: false },
];

const BUILD_HINT = 'run `anatomy build <dir>` first (or again, if the store was built by an incompatible version)';

/**
 * Opens a built CPG for questions: a DuckDB file, or a repository directory
 * whose store is `.anatomy/anatomy.duckdb`. The store opens read-only and
 * must hold `cpg.nodes` as the contract declares it (`cpg.edges` and
 * `cpg.props` too when present); otherwise `cpg-query/NotACpg` lists every
 * difference.
 *
 * @example
 * const cpg = await openCpg('path/to/repo', { readOnly: true });
 * try {
 *   const mains = await cpg.definitions({ name: 'main', kind: 'function' });
 * } finally {
 *   await cpg.close();
 * }
 */
export async function openCpg(path: string, options: OpenCpgOptions = {}): Promise<Cpg> {
  const file = locateStore(path);
  const readOnly = options.readOnly ?? true;
  let store: Store;
  try {
    store = await openStore({ path: file, readOnly });
  } catch (error) {
    if (StoreError.is(error, 'Locked')) {
      throw CpgQueryError.create('Locked', `the CPG store ${file} is in use by another process`, {
        cause: error,
        details: { path: file },
        hint: 'wait for the running anatomy build to finish, then ask again',
      });
    }
    throw CpgQueryError.create('OpenFailed', `cannot open the CPG store ${file}: ${(error as Error).message}`, {
      cause: error,
      details: { path: file },
      hint: error instanceof AnatomyError && error.hint !== undefined ? error.hint : BUILD_HINT,
    });
  }
  try {
    const tables = await verifiedTables(store, file);
    return new StoreCpg(store, file, readOnly, tables);
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function verifiedTables(store: Store, file: string): Promise<readonly CpgTable[]> {
  const rows = await select(store, {
    sql:
      'SELECT table_schema, table_name, column_name, data_type, is_nullable FROM information_schema.columns ' +
      "WHERE table_catalog = current_database() AND table_schema = 'cpg' ORDER BY table_name, ordinal_position",
    params: {},
  });
  const issues: ValidationIssue[] = [];
  const present: CpgTable[] = [];
  for (const { table, dataset, required } of CONTRACT_TABLES) {
    const columns: InformationSchemaColumn[] = rows
      .filter((r) => `${String(r['table_schema'])}.${String(r['table_name'])}` === table)
      .map((r) => ({ column_name: String(r['column_name']), data_type: String(r['data_type']), is_nullable: String(r['is_nullable']) }));
    if (columns.length === 0 && !required) continue;
    const drift = contractDrift(dataset, columns);
    issues.push(...drift);
    if (columns.length > 0) present.push(table);
  }
  if (issues.length > 0) {
    throw CpgQueryError.create('NotACpg', `${file} does not hold a CPG of contract v1:\n${formatIssues(issues)}`, {
      details: { path: file, issues },
      hint: BUILD_HINT,
    });
  }
  return Object.freeze(present);
}

/** Runs a bound query on its own connection and converts values to plain data at this edge. */
async function select(store: Store, query: BoundQuery): Promise<Row[]> {
  try {
    return await store.withConnection(async (connection) => {
      const reader = await connection.runAndReadAll(query.sql, { ...query.params });
      const names = reader.columnNames();
      return reader.getRows().map((values) => {
        const row: Row = {};
        names.forEach((name, i) => {
          row[name] = toPlainValue(values[i] ?? null);
        });
        return row;
      });
    });
  } catch (error) {
    throw queryFailed(error, query.sql);
  }
}

function queryFailed(error: unknown, sql: string): Error {
  if (CpgQueryError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return CpgQueryError.create('QueryFailed', message, {
    cause: error,
    details: { sql },
    hint: 'check the SQL against the contract tables cpg.nodes, cpg.edges and cpg.props',
  });
}

/** Validates rows read from `cpg.nodes`; a row the contract forbids is a defect of the build that wrote it. */
function contractNodes(rows: readonly Row[], file: string): readonly CpgNode[] {
  return contractRows(CpgNodeSchema, rows, { file, describe: (row) => `node ${String((row as Row)['node_id'])}` });
}

class StoreCpg implements Cpg {
  #closed = false;

  constructor(
    private readonly store: Store,
    readonly path: string,
    readonly readOnly: boolean,
    readonly tables: readonly CpgTable[],
  ) {}

  #assertOpen(): void {
    if (this.#closed) throw CpgQueryError.create('Closed', `the CPG ${this.path} is closed`, { hint: 'open it again with openCpg' });
  }

  async sql(query: string, params?: QueryParams): Promise<readonly Readonly<Row>[]> {
    this.#assertOpen();
    let rows: Row[];
    try {
      rows = await this.store.query(query, params);
    } catch (error) {
      throw queryFailed(error, query);
    }
    return Object.freeze(rows.map((row) => Object.freeze(row)));
  }

  async eachBatch(query: string, visit: (batch: RowBatch) => Promise<void> | void, options: BatchOptions = {}): Promise<number> {
    this.#assertOpen();
    const { batchRows = DEFAULT_BATCH_ROWS, params } = validOptions(BatchOptionsSchema, options, 'eachBatch');
    return this.store.withConnection(async (connection) => {
      const duck = async <T>(step: () => Promise<T>): Promise<T> => {
        try {
          return await step();
        } catch (error) {
          throw queryFailed(error, query);
        }
      };
      const result = await duck(() => connection.stream(query, params === undefined ? undefined : { ...params }));
      const columns = Object.freeze(result.columnNames());
      let pending: PlainValue[][] = columns.map(() => []);
      let pendingRows = 0;
      let total = 0;
      const emit = async (rowCount: number): Promise<void> => {
        const vectors = pending.map((values) => Object.freeze(values.slice(0, rowCount)));
        pending = pending.map((values) => values.slice(rowCount));
        pendingRows -= rowCount;
        total += rowCount;
        await visit(Object.freeze({ columns, rowCount, vectors: Object.freeze(vectors) }));
      };
      for (;;) {
        const chunk = await duck(() => result.fetchChunk());
        if (chunk === null || chunk.rowCount === 0) break;
        chunk.getColumns().forEach((values, i) => {
          const target = pending[i]!;
          for (const value of values) target.push(toPlainValue(value));
        });
        pendingRows += chunk.rowCount;
        // Batches have exactly batchRows rows whatever DuckDB's chunk size, so what is written from them is the same on every run.
        while (pendingRows >= batchRows) await emit(batchRows);
      }
      if (pendingRows > 0) await emit(pendingRows);
      return total;
    });
  }

  async definitions(filter: DefinitionFilter = {}): Promise<readonly CpgNode[]> {
    this.#assertOpen();
    const checked = validate(DefinitionFilterSchema, filter);
    if (!checked.ok) {
      throw CpgQueryError.create('InvalidFilter', `invalid definitions filter:\n${formatIssues(checked.issues)}`, {
        details: { issues: checked.issues },
        hint: 'filter by name, path (repository-relative) or kind (function, async_function, class)',
      });
    }
    if (checked.value.kind !== undefined && !this.tables.includes('cpg.props')) {
      throw CpgQueryError.create('MissingTable', `filtering by kind needs cpg.props, which ${this.path} does not hold`, {
        details: { path: this.path, table: 'cpg.props' },
        hint: 'filter by name or path, or rebuild with an anatomy that writes cpg.props',
      });
    }
    return contractNodes(await select(this.store, definitionsQuery(checked.value)), this.path);
  }

  async files(): Promise<readonly CpgNode[]> {
    this.#assertOpen();
    const rows = await select(this.store, {
      sql: `SELECT ${nodeColumnsSql('n')} FROM ${qualifiedName(cpgNodesDataset)} AS n WHERE n."node_kind" = 'FILE' ORDER BY n."path", n."node_id"`,
      params: {},
    });
    return contractNodes(rows, this.path);
  }

  async nodeCounts(): Promise<NodeCounts> {
    this.#assertOpen();
    const rows = await select(this.store, {
      sql: `SELECT "node_kind" AS kind, count(*) AS n FROM ${qualifiedName(cpgNodesDataset)} GROUP BY "node_kind" ORDER BY "node_kind"`,
      params: {},
    });
    // A count is a BIGINT; no table holds 2^53 rows, so a number is exact.
    return Object.freeze(Object.fromEntries(rows.map((r) => [String(r['kind']), Number(r['n'])])));
  }

  async callers(defId: string, options: TraversalOptions = {}): Promise<readonly CallRelative[]> {
    this.#assertOpen();
    return callRelatives(this.#reader(), defId, options, 'callers');
  }

  async callees(defId: string, options: TraversalOptions = {}): Promise<readonly CallRelative[]> {
    this.#assertOpen();
    return callRelatives(this.#reader(), defId, options, 'callees');
  }

  async references(defId: string): Promise<readonly DefinitionReference[]> {
    this.#assertOpen();
    return definitionReferences(this.#reader(), defId);
  }

  async importsOf(moduleName: string): Promise<readonly ModuleImports[]> {
    this.#assertOpen();
    return moduleImportsOf(this.#reader(), moduleName, 'importsOf');
  }

  async importersOf(moduleName: string): Promise<readonly ModuleImports[]> {
    this.#assertOpen();
    return moduleImportsOf(this.#reader(), moduleName, 'importersOf');
  }

  async pathBetween(fromDefId: string, toDefId: string): Promise<CallPath | null> {
    this.#assertOpen();
    return callPathBetween(this.#reader(), fromDefId, toDefId);
  }

  #reader(): CpgReader {
    return { path: this.path, tables: this.tables, select: (query) => select(this.store, query) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.store.close();
  }
}
