import { describe, expect, it } from 'vitest';
import { findDefinitions, fullName, matchEntities, resolveEntity, resolveModule } from './code-entity.js';
import type { CodeEntity } from './code-entity.js';
import { OrchestratorError } from './orchestrator-error.js';

function def(nodeId: string, qualname: string, module: string, path: string, line: number): CodeEntity {
  return { nodeId, nodeKind: 'DEF', name: qualname.split('.').pop() ?? qualname, qualname, module, kind: 'function', path, line, col: 0 };
}
function mod(nodeId: string, name: string, path: string): CodeEntity {
  return { nodeId, nodeKind: 'MODULE', name, qualname: name, module: null, kind: 'module', path, line: 1, col: 0 };
}

const entities: readonly CodeEntity[] = [
  mod('module:1', 'main', 'main.py'),
  def('def:1', 'main', 'main', 'main.py', 10),
  mod('module:2', 'shop.catalog', 'shop/catalog.py'),
  def('def:2', 'Catalog', 'shop.catalog', 'shop/catalog.py', 20),
  def('def:3', 'Catalog.add', 'shop.catalog', 'shop/catalog.py', 29),
  def('def:4', 'Catalog.__init__', 'shop.catalog', 'shop/catalog.py', 26),
  def('def:5', 'Entry.__init__', 'shop.catalog', 'shop/catalog.py', 22),
];

describe('names of definitions and modules', () => {
  it('reads a name as node id, path:name, full name, qualified name, then plain name', () => {
    expect(matchEntities(entities, 'def:3').map((e) => e.nodeId)).toEqual(['def:3']);
    expect(matchEntities(entities, 'shop/catalog.py:Catalog.add').map((e) => e.nodeId)).toEqual(['def:3']);
    expect(matchEntities(entities, 'shop.catalog.Catalog.add').map((e) => e.nodeId)).toEqual(['def:3']);
    expect(matchEntities(entities, 'Catalog.add').map((e) => e.nodeId)).toEqual(['def:3']);
    expect(matchEntities(entities, 'add').map((e) => e.nodeId)).toEqual(['def:3']);
    // The qualified-name reading wins, so `Catalog` does not also mean the classes' members.
    expect(matchEntities(entities, 'Catalog').map((e) => e.nodeId)).toEqual(['def:2']);
    expect(fullName(entities[4] as CodeEntity)).toBe('shop.catalog.Catalog.add');
  });

  it('lists every definition a name means, and fails with close matches for a name nobody has', () => {
    expect(findDefinitions(entities, '__init__').map((e) => e.nodeId)).toEqual(['def:4', 'def:5']);
    let error: unknown;
    try {
      findDefinitions(entities, 'Catalog.ad');
    } catch (e) {
      error = e;
    }
    expect(OrchestratorError.is(error, 'UnknownName')).toBe(true);
    expect((error as Error).message).toMatch(/no definition named Catalog\.ad; close matches: Catalog\.add/);
  });

  it('refuses an ambiguous name, listing the candidates with their locations', () => {
    expect(() => resolveEntity(entities, '__init__', { modules: false })).toThrow(
      /__init__ names 2 definitions: shop\.catalog\.Catalog\.__init__ \(shop\/catalog\.py:26\), shop\.catalog\.Entry\.__init__ \(shop\/catalog\.py:22\)/,
    );
  });

  it('prefers a definition to a module of the same name, and takes a module by path', () => {
    expect(resolveEntity(entities, 'main', { modules: true }).nodeId).toBe('def:1');
    expect(resolveEntity(entities, 'main.py', { modules: true }).nodeId).toBe('module:1');
    expect(() => resolveEntity(entities, 'main.py', { modules: false })).toThrow(/no definition named main\.py/);
  });

  it('resolves modules by dotted name and suggests close ones', () => {
    expect(resolveModule(entities, 'shop.catalog').nodeId).toBe('module:2');
    expect(() => resolveModule(entities, 'shop.catalogue')).toThrow(/no module named shop\.catalogue; close matches: shop\.catalog/);
  });
});
