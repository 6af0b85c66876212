import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anatomy, fixtureCopy } from './anatomy-cli.js';

type Row = Record<string, string | number | null>;

function json(...args: string[]): Row[] {
  const run = anatomy(...args, '--format', 'json');
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as Row[];
}

describe('typed questions through the real CLI on the shop project', () => {
  let project: string;

  beforeAll(() => {
    project = fixtureCopy('shop');
    expect(anatomy('build', project).status).toBe(0);
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('finds a definition by plain, qualified and full name', () => {
    const byName = json('defs', project, 'cheapest');
    expect(byName).toEqual([expect.objectContaining({ name: 'shop.catalog.cheapest', kind: 'function', location: 'shop/catalog.py:40' })]);
    expect(json('defs', project, 'shop.catalog.cheapest')).toEqual(byName);
    expect(json('defs', project, 'Catalog.add').map((r) => r['name'])).toEqual(['shop.catalog.Catalog.add']);
    const table = anatomy('defs', project, '__init__');
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('shop.payments.gateway.Refund.__init__');
    expect(table.stdout).toMatch(/\(3 rows\)\n$/);
  });

  it('answers references, callees, callers, imports, importers and a call path', () => {
    expect(json('refs', project, 'cheapest')).toContainEqual(expect.objectContaining({ name: 'cheapest', location: 'main.py:14', through: expect.stringMatching(/^main\.py:7:/) }));
    expect(json('callees', project, 'main.main', '--depth', '2')).toContainEqual(expect.objectContaining({ depth: 1, name: 'shop.catalog.cheapest' }));
    expect(json('callers', project, 'cheapest', '--depth', '3')).toContainEqual(expect.objectContaining({ depth: 1, name: 'main.main', location: 'main.py:10' }));
    expect(json('imports', project, 'main')).toContainEqual(expect.objectContaining({ module: 'shop.catalog', path: 'shop/catalog.py' }));
    expect(json('importers', project, 'shop.catalog').map((r) => r['module'])).toEqual(expect.arrayContaining(['main', 'shop']));
    const path = anatomy('path', project, 'main.main', 'cheapest', '--format', 'csv');
    expect(path.status).toBe(0);
    const lines = path.stdout.split('\n');
    expect(lines[0]).toBe('step,name,location,calls_next_at');
    expect(lines[1]).toMatch(/^0,main\.main,main\.py:10,main\.py:14:\d+$/);
    expect(lines[2]).toMatch(/^1,shop\.catalog\.cheapest,shop\/catalog\.py:40,$/);
  });

  it('exits 1 with close matches for an unknown name, and lists the candidates of an ambiguous one', () => {
    const typo = anatomy('callers', project, 'chepest');
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain('no definition named chepest; close matches: cheapest');
    const module = anatomy('importers', project, 'shop.catalogue');
    expect(module.status).toBe(1);
    expect(module.stderr).toContain('close matches: shop.catalog');
    const ambiguous = anatomy('callers', project, '__init__');
    expect(ambiguous.status).toBe(1);
    expect(ambiguous.stderr).toMatch(/__init__ names 3 definitions: .*shop\.catalog\.Catalog\.__init__ \(shop\/catalog\.py:26\)/);
    expect(ambiguous.stderr).toContain('hint: name one by its full name');
  });

  it('exits 1 when there is no call path, and 64 for a bad depth', () => {
    const none = anatomy('path', project, 'cheapest', 'main.main');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no call path: shop.catalog.cheapest');
    expect(anatomy('callees', project, 'main.main', '--depth', '0').status).toBe(64);
  });

  it('documents every question in --help', () => {
    const help = anatomy('--help').stdout;
    for (const command of ['defs', 'refs', 'callers', 'callees', 'imports', 'importers', 'path', 'report']) expect(help).toMatch(new RegExp(`\\n  ${command} `));
    expect(anatomy('callers', '--help').stdout).toContain('--depth <n>');
  });
});
