import type { Cpg } from '@anatomy/cpg-query';
import { closeMatches } from './close-matches.js';
import { OrchestratorError } from './orchestrator-error.js';

/** A definition or module as the questions name it: its node and the names a user may call it by. */
export interface CodeEntity {
  readonly nodeId: string;
  readonly nodeKind: 'DEF' | 'MODULE';
  readonly name: string;
  /** Dotted name within its module (`Catalog.add`); the module's own name for a MODULE. */
  readonly qualname: string;
  /** The module it lies in, when the CPG knows it. */
  readonly module: string | null;
  /** `function`, `async_function`, `class`, or `module`. */
  readonly kind: string;
  readonly path: string | null;
  readonly line: number | null;
  readonly col: number | null;
}

/** `shop.catalog.Catalog.add`: the name that says where a definition is. */
export function fullName(entity: CodeEntity): string {
  return entity.nodeKind === 'MODULE' || entity.module === null ? entity.qualname : `${entity.module}.${entity.qualname}`;
}

/** `shop/catalog.py:31`, or `shop/catalog.py:31:8` with a column. */
export function location(path: string | null, line: number | null, col?: number | null): string {
  if (path === null) return '';
  if (line === null) return path;
  return col === undefined || col === null ? `${path}:${line}` : `${path}:${line}:${col}`;
}

/**
 * Every DEF and MODULE of the CPG with its qualified name, kind and module,
 * ordered by path and position. The questions resolve the names users type
 * against this list.
 */
export async function codeEntities(cpg: Cpg): Promise<readonly CodeEntity[]> {
  const props = cpg.tables.includes('cpg.props');
  const prop = (key: string, alias: string): string =>
    props ? `(SELECT any_value(p.value_string) FROM cpg.props p WHERE p.entity_id = n.node_id AND p.prop_key = '${key}') AS ${alias}` : `NULL AS ${alias}`;
  const rows = await cpg.sql(`
    SELECT n.node_id, n.node_kind, n.name, n.path, n.line, n.col, ${prop('qualname', 'qualname')}, ${prop('def_kind', 'def_kind')},
           (SELECT any_value(m.name) FROM cpg.nodes m WHERE m.node_kind = 'MODULE' AND m.path = n.path) AS module
    FROM cpg.nodes n WHERE n.node_kind IN ('DEF', 'MODULE') AND n.name IS NOT NULL
    ORDER BY n.path, n.bstart, n.node_kind, n.node_id`);
  return rows.map((r) => {
    const nodeKind = r['node_kind'] === 'MODULE' ? 'MODULE' : 'DEF';
    const name = String(r['name']);
    return Object.freeze({
      nodeId: String(r['node_id']),
      nodeKind,
      name,
      qualname: typeof r['qualname'] === 'string' ? r['qualname'] : name,
      module: nodeKind === 'MODULE' ? null : typeof r['module'] === 'string' ? r['module'] : null,
      kind: nodeKind === 'MODULE' ? 'module' : typeof r['def_kind'] === 'string' ? r['def_kind'] : 'definition',
      path: typeof r['path'] === 'string' ? r['path'] : null,
      line: r['line'] === null || r['line'] === undefined ? null : Number(r['line']),
      col: r['col'] === null || r['col'] === undefined ? null : Number(r['col']),
    });
  });
}

/**
 * The entities a name means, most specific reading first: a node id; a
 * `path:name` pair; the full dotted name (`shop.catalog.Catalog.add`); the
 * qualified name (`Catalog.add`); the plain name (`add`). The first reading
 * with a match wins, so `Catalog` never also means every `Catalog.x`.
 *
 * @example
 * matchEntities(entities, 'Catalog.add'); // [the DEF of Catalog.add]
 */
export function matchEntities(entities: readonly CodeEntity[], spec: string): readonly CodeEntity[] {
  const colon = spec.lastIndexOf(':');
  const readings: ((e: CodeEntity) => boolean)[] = [
    (e) => e.nodeId === spec,
    (e) => colon > 0 && e.path === spec.slice(0, colon) && (e.qualname === spec.slice(colon + 1) || e.name === spec.slice(colon + 1)),
    (e) => fullName(e) === spec,
    (e) => e.qualname === spec,
    (e) => e.name === spec,
  ];
  for (const reading of readings) {
    const found = entities.filter(reading);
    if (found.length > 0) return found;
  }
  return [];
}

function unknown(what: string, spec: string, names: Iterable<string>, hint: string): Error {
  const close = closeMatches(spec, names);
  return OrchestratorError.create('UnknownName', `no ${what} named ${spec}${close.length === 0 ? '' : `; close matches: ${close.join(', ')}`}`, {
    details: { name: spec, closeMatches: close },
    hint,
  });
}

/** Every name a user could type for these entities, for "did you mean" lists. */
function namesOf(entities: readonly CodeEntity[]): string[] {
  return entities.flatMap((e) => [e.name, e.qualname, fullName(e)]);
}

/**
 * The definitions a name means, for `anatomy defs`: all of them, in path
 * order. Throws `orchestrator/UnknownName` with close matches when none.
 */
export function findDefinitions(entities: readonly CodeEntity[], spec: string): readonly CodeEntity[] {
  const defs = entities.filter((e) => e.nodeKind === 'DEF');
  const found = matchEntities(defs, spec);
  if (found.length === 0) throw unknown('definition', spec, namesOf(defs), 'check the spelling; `anatomy defs <dir> <name>` lists definitions by name or qualified name');
  return found;
}

/**
 * The one entity a question is about. Modules count only where the
 * question accepts them. Throws `orchestrator/UnknownName` (with close
 * matches) when the name means nothing, and `orchestrator/AmbiguousName`
 * listing every candidate when it means several.
 *
 * @example
 * resolveEntity(entities, 'cheapest', { modules: false }); // the DEF of shop.catalog.cheapest
 */
export function resolveEntity(entities: readonly CodeEntity[], spec: string, options: { readonly modules: boolean }): CodeEntity {
  // A module answers to its dotted name or file path, but only when no definition has that name.
  const defs = entities.filter((e) => e.nodeKind === 'DEF');
  const modules = options.modules ? entities.filter((e) => e.nodeKind === 'MODULE') : [];
  const pool = [...defs, ...modules];
  let found = matchEntities(defs, spec);
  if (found.length === 0) found = modules.filter((m) => m.nodeId === spec || m.name === spec || m.path === spec);
  const what = options.modules ? 'definition or module' : 'definition';
  if (found.length === 0) throw unknown(what, spec, namesOf(pool), 'check the spelling; `anatomy defs <dir> <name>` lists definitions by name or qualified name');
  if (found.length > 1) {
    const candidates = found.map((e) => `${fullName(e)} (${location(e.path, e.line)})`);
    throw OrchestratorError.create('AmbiguousName', `${spec} names ${found.length} ${what}s: ${candidates.join(', ')}`, {
      details: { name: spec, candidates: found.map((e) => ({ name: fullName(e), path: e.path, line: e.line, nodeId: e.nodeId })) },
      hint: `name one by its full name (e.g. ${fullName(found[0] as CodeEntity)}), as path:name, or by node id`,
    });
  }
  return found[0] as CodeEntity;
}

/** The MODULE a name means, for the import questions; `orchestrator/UnknownName` with close matches otherwise. */
export function resolveModule(entities: readonly CodeEntity[], spec: string): CodeEntity {
  const modules = entities.filter((e) => e.nodeKind === 'MODULE');
  const found = modules.find((m) => m.name === spec || m.nodeId === spec || m.path === spec);
  if (found === undefined) {
    throw unknown('module', spec, modules.map((m) => m.name), "modules are named by their dotted import path (e.g. pkg.util); list them with `anatomy query <dir> \"SELECT name FROM cpg.nodes WHERE node_kind = 'MODULE'\"`");
  }
  return found;
}
