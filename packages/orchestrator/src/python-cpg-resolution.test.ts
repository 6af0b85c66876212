import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCpg } from './build-cpg.js';
import { silentProgress } from './progress-reporter.js';
import type { ProgressReporter } from './progress-reporter.js';

const quiet: ProgressReporter = silentProgress();

// test-fixtures/resolution: two packages with relative imports, an `__init__` re-export under an alias, star imports with
// and without `__all__`, an aliased module import, a global, a closure with nonlocal, a class attribute its methods cannot
// see, methods reached through `self` on the class and on a base in another file, and inheritance across files.
// zoo: a chain of single inheritance over three files (methods found on the grandparent, the nearest definition winning),
// multiple inheritance (only the first base is certain to come next in the MRO); app/zoo_main.py: attributes of modules
// imported as `import a.b`, `import a.b as m` and `from a import b`, called and used as bases; app/pets_main.py: a name
// re-exported over two `__init__` files under an alias, and a cycle of re-exports; app/star_use.py: two star imports
// exporting the same name.
// Every expectation below was worked out by hand from the sources and Python's scoping rules.
const FIXTURE = join(import.meta.dirname, '..', 'test-fixtures', 'resolution');

describe('name resolution across the resolution fixture', () => {
  const root = mkdtempSync(join(tmpdir(), 'anatomy-resolution-'));
  let store: Store;

  beforeAll(async () => {
    cpSync(FIXTURE, root, { recursive: true });
    const storePath = join(root, '.anatomy', 'anatomy.duckdb');
    await buildCpg({ root, storePath, maintenance: 'off' }, quiet);
    store = await openStore({ path: storePath, readOnly: true });
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Every edge of a kind as `src path:line name → DST_KIND name@path:line`, in source order. */
  const edges = async (kind: string): Promise<string[]> =>
    (
      await store.query(
        `SELECT s.path || ':' || s.line || ' ' || s.name || ' → ' || d.node_kind || ' ' || d.name || '@' || d.path || ':' || d.line AS edge
         FROM cpg.edges e JOIN cpg.nodes s ON s.node_id = e.src_node_id JOIN cpg.nodes d ON d.node_id = e.dst_node_id
         WHERE e.edge_kind = ? ORDER BY s.path, s.bstart, d.path, d.bstart`,
        [kind],
      )
    ).map((r) => r['edge'] as string);

  it('resolves every loaded name to its parameter, first binding store, import or definition, in the scope Python binds it in', async () => {
    expect(await edges('RESOLVES_TO')).toEqual([
      // `global counter`: both uses reach the module-level binding.
      'app/main.py:12 counter → REF counter@app/main.py:7',
      'app/main.py:13 counter → REF counter@app/main.py:7',
      // A closure: `nonlocal total` and the free `step` reach make_adder's bindings; `value` is add's own parameter.
      'app/main.py:21 total → REF total@app/main.py:17',
      'app/main.py:21 value → PARAM value@app/main.py:19',
      'app/main.py:21 step → PARAM step@app/main.py:16',
      'app/main.py:22 total → REF total@app/main.py:17',
      'app/main.py:24 add → DEF add@app/main.py:19',
      // A base class expression is evaluated in the enclosing (module) scope.
      'app/main.py:27 models → IMPORT models@app/main.py:1',
      // In a comprehension, the element sees the module's import; the first iterable is evaluated in fill's scope.
      'app/main.py:29 Product → IMPORT Product@app/main.py:2',
      'app/main.py:29 n → PARAM n@app/main.py:28',
      'app/main.py:30 helper → IMPORT helper@app/main.py:2',
      'app/main.py:30 items → REF items@app/main.py:29',
      // A star import with __all__ binds `exported`, not `unlisted`.
      'app/main.py:30 exported → IMPORT *@app/main.py:3',
      'app/main.py:30 verbose → IMPORT verbose@app/main.py:5',
      'app/main.py:30 config → IMPORT config@app/main.py:4',
      'app/main.py:33 Product → IMPORT Product@app/main.py:2',
      'app/main.py:35 x → REF x@app/main.py:35',
      'app/main.py:35 n → PARAM n@app/main.py:34',
      'app/main.py:35 n → PARAM n@app/main.py:34',
      'app/main.py:36 self → PARAM self@app/main.py:34',
      'app/main.py:36 n → PARAM n@app/main.py:34',
      'app/main.py:36 squares → REF squares@app/main.py:35',
      'app/main.py:36 bump → DEF bump@app/main.py:10',
      'app/pets_main.py:6 Hound → IMPORT Hound@app/pets_main.py:1',
      'app/pets_main.py:6 ring → IMPORT ring@app/pets_main.py:2',
      // Both star imports export shout: the last one binds it; only the first exports whisper.
      'app/star_use.py:6 shout → IMPORT *@app/star_use.py:2',
      'app/star_use.py:6 whisper → IMPORT *@app/star_use.py:1',
      // A star import without __all__ binds the public names (`_hidden` stays unresolved).
      'app/tools.py:5 helper → IMPORT *@app/tools.py:1',
      'app/tools.py:5 TAX → IMPORT *@app/tools.py:1',
      // The object of a module attribute resolves to its import (an attribute is no REF: `m.x` itself has no RESOLVES_TO).
      'app/zoo_main.py:6 zoo → IMPORT zoo@app/zoo_main.py:1',
      'app/zoo_main.py:10 mammals → IMPORT mammals@app/zoo_main.py:3',
      'app/zoo_main.py:12 self → PARAM self@app/zoo_main.py:11',
      'app/zoo_main.py:16 dogs → IMPORT dogs@app/zoo_main.py:2',
      'app/zoo_main.py:16 mammals → IMPORT mammals@app/zoo_main.py:3',
      'app/zoo_main.py:16 zoo → IMPORT zoo@app/zoo_main.py:1',
      'app/zoo_main.py:16 zoo → IMPORT zoo@app/zoo_main.py:1',
      'app/zoo_main.py:16 Cat → DEF Cat@app/zoo_main.py:6',
      'app/zoo_main.py:16 zoo → IMPORT zoo@app/zoo_main.py:1',
      'app/zoo_main.py:16 dogs → IMPORT dogs@app/zoo_main.py:2',
      'shop/models.py:8 DEFAULT_PRICE → REF DEFAULT_PRICE@shop/models.py:1',
      'shop/models.py:11 kind_of → DEF kind_of@shop/models.py:14',
      'shop/models.py:11 self → PARAM self@shop/models.py:10',
      'shop/models.py:11 self → PARAM self@shop/models.py:10',
      'shop/models.py:15 obj → PARAM obj@shop/models.py:14',
      'shop/models.py:18 Base → DEF Base@shop/models.py:4',
      // In the class body, the class's own attribute; in its method, the class scope is invisible: the module's.
      'shop/models.py:20 DEFAULT_PRICE → REF DEFAULT_PRICE@shop/models.py:19',
      'shop/models.py:23 self → PARAM self@shop/models.py:22',
      'shop/models.py:23 count → PARAM count@shop/models.py:22',
      'shop/models.py:23 DEFAULT_PRICE → REF DEFAULT_PRICE@shop/models.py:1',
      'shop/util.py:2 value → PARAM value@shop/util.py:1',
      'zoo/birds.py:17 Walker → DEF Walker@zoo/birds.py:4',
      'zoo/birds.py:17 Swimmer → DEF Swimmer@zoo/birds.py:9',
      'zoo/birds.py:19 self → PARAM self@zoo/birds.py:18',
      'zoo/birds.py:22 Dog → IMPORT Dog@zoo/birds.py:1',
      'zoo/birds.py:22 Swimmer → DEF Swimmer@zoo/birds.py:9',
      'zoo/birds.py:24 self → PARAM self@zoo/birds.py:23',
      'zoo/birds.py:27 Swimmer → DEF Swimmer@zoo/birds.py:9',
      'zoo/birds.py:29 self → PARAM self@zoo/birds.py:28',
      'zoo/dogs.py:4 Mammal → IMPORT Mammal@zoo/dogs.py:1',
      'zoo/dogs.py:6 self → PARAM self@zoo/dogs.py:5',
      'zoo/dogs.py:6 self → PARAM self@zoo/dogs.py:5',
      'zoo/dogs.py:10 cls → PARAM cls@zoo/dogs.py:9',
      'zoo/dogs.py:10 cls → PARAM cls@zoo/dogs.py:9',
      'zoo/mammals.py:4 Animal → IMPORT Animal@zoo/mammals.py:1',
    ]);
  });

  it('resolves imports to modules and definitions, through `__init__` re-exports, aliases and star re-exports', async () => {
    expect(await edges('IMPORTS')).toEqual([
      'app/main.py:1 models → MODULE shop.models@shop/models.py:1',
      // `from shop import Product`: shop/__init__.py re-exports Item under that alias.
      'app/main.py:2 Product → DEF Item@shop/models.py:18',
      // `from shop import helper`: shop/__init__.py star-imports shop.util, whose public names include helper.
      'app/main.py:2 helper → DEF helper@shop/util.py:1',
      'app/main.py:3 * → MODULE shop.stars@shop/stars.py:1',
      'app/main.py:4 config → MODULE app.config@app/config.py:1',
      // `from zoo import Hound`: zoo/__init__.py re-exports Dog from zoo.pets under that alias, zoo/pets/__init__.py from
      // zoo.dogs. `from zoo.ring_a import ring` goes round ring_a ↔ ring_b and brings in nothing.
      'app/pets_main.py:1 Hound → DEF Dog@zoo/dogs.py:4',
      'app/star_use.py:1 * → MODULE zoo.calls_a@zoo/calls_a.py:1',
      'app/star_use.py:2 * → MODULE zoo.calls_b@zoo/calls_b.py:1',
      'app/tools.py:1 * → MODULE shop.util@shop/util.py:1',
      'app/zoo_main.py:1 zoo → MODULE zoo.base@zoo/base.py:1',
      'app/zoo_main.py:2 dogs → MODULE zoo.dogs@zoo/dogs.py:1',
      'app/zoo_main.py:3 mammals → MODULE zoo.mammals@zoo/mammals.py:1',
      'shop/__init__.py:1 Base → DEF Base@shop/models.py:4',
      'shop/__init__.py:1 Product → DEF Item@shop/models.py:18',
      'shop/__init__.py:2 * → MODULE shop.util@shop/util.py:1',
      'zoo/__init__.py:1 Hound → DEF Dog@zoo/dogs.py:4',
      'zoo/birds.py:1 Dog → DEF Dog@zoo/dogs.py:4',
      'zoo/dogs.py:1 Mammal → DEF Mammal@zoo/mammals.py:4',
      'zoo/mammals.py:1 Animal → DEF Animal@zoo/base.py:1',
      'zoo/pets/__init__.py:1 Dog → DEF Dog@zoo/dogs.py:4',
    ]);
  });

  it('resolves calls of names, of imported and star-imported definitions, and of methods through self', async () => {
    expect(await edges('CALLS')).toEqual([
      'app/main.py:29 Product → DEF Item@shop/models.py:18',
      'app/main.py:30 helper → DEF helper@shop/util.py:1',
      'app/main.py:30 exported → DEF exported@shop/stars.py:4',
      // Basket inherits total from Item, in another file.
      'app/main.py:36 self.total → DEF total@shop/models.py:22',
      'app/main.py:36 bump → DEF bump@app/main.py:10',
      'app/pets_main.py:6 Hound → DEF Dog@zoo/dogs.py:4',
      'app/star_use.py:6 shout → DEF shout@zoo/calls_b.py:1',
      'app/star_use.py:6 whisper → DEF whisper@zoo/calls_a.py:5',
      'app/tools.py:5 helper → DEF helper@shop/util.py:1',
      // Wolf's base is mammals.Mammal, whose base is Animal.
      'app/zoo_main.py:12 self.speak → DEF speak@zoo/base.py:2',
      // Attributes of modules: `import zoo.dogs as dogs`, `from zoo import mammals`, and `import zoo.base` (binding zoo) with
      // the dotted names zoo.base.Animal, zoo.base.Animal.speak and zoo.dogs.Dog; dogs.make is no top-level name of zoo.dogs.
      'app/zoo_main.py:16 dogs.Dog → DEF Dog@zoo/dogs.py:4',
      'app/zoo_main.py:16 mammals.Mammal → DEF Mammal@zoo/mammals.py:4',
      'app/zoo_main.py:16 zoo.base.Animal → DEF Animal@zoo/base.py:1',
      'app/zoo_main.py:16 zoo.base.Animal.speak → DEF speak@zoo/base.py:2',
      'app/zoo_main.py:16 Cat → DEF Cat@app/zoo_main.py:6',
      'app/zoo_main.py:16 zoo.dogs.Dog → DEF Dog@zoo/dogs.py:4',
      'shop/models.py:11 kind_of → DEF kind_of@shop/models.py:14',
      'shop/models.py:11 self.price → DEF price@shop/models.py:7',
      'shop/models.py:23 self.price → DEF price@shop/models.py:7',
      // Duck(Walker, Swimmer): the first base comes next in the MRO, so Walker's move, not Swimmer's.
      'zoo/birds.py:19 self.move → DEF move@zoo/birds.py:5',
      // Puppy(Dog, Swimmer).play's self.speak: past the first base of a class with several bases the MRO is not followed
      // (a shared ancestor could reorder it), so no edge; Pond's self.ripple is defined nowhere.
      // Dog → Mammal → Animal across three files: speak from the grandparent, name from the nearer Mammal; cls alike.
      'zoo/dogs.py:6 self.speak → DEF speak@zoo/base.py:2',
      'zoo/dogs.py:6 self.name → DEF name@zoo/mammals.py:5',
      'zoo/dogs.py:10 cls.speak → DEF speak@zoo/base.py:2',
    ]);
  });

  it('links classes to the bases their names denote, across files, through a re-exported alias and attributes of modules', async () => {
    expect(await edges('INHERITS_FROM')).toEqual([
      // `import shop.models as models`, then models.Base.
      'app/main.py:27 Cart → DEF Base@shop/models.py:4',
      'app/main.py:33 Basket → DEF Item@shop/models.py:18',
      'app/zoo_main.py:6 Cat → DEF Animal@zoo/base.py:1',
      'app/zoo_main.py:10 Wolf → DEF Mammal@zoo/mammals.py:4',
      'shop/models.py:18 Item → DEF Base@shop/models.py:4',
      'zoo/birds.py:17 Duck → DEF Walker@zoo/birds.py:4',
      'zoo/birds.py:17 Duck → DEF Swimmer@zoo/birds.py:9',
      'zoo/birds.py:22 Puppy → DEF Swimmer@zoo/birds.py:9',
      'zoo/birds.py:22 Puppy → DEF Dog@zoo/dogs.py:4',
      'zoo/birds.py:27 Pond → DEF Swimmer@zoo/birds.py:9',
      'zoo/dogs.py:4 Dog → DEF Mammal@zoo/mammals.py:4',
      'zoo/mammals.py:4 Mammal → DEF Animal@zoo/base.py:1',
    ]);
  });

  it('gives less confidence to what is reached through an import, a star or a base class', async () => {
    const rows = await store.query(
      `SELECT e.rule, min(e.confidence) AS lo, max(e.confidence) AS hi FROM cpg.edges e WHERE e.edge_kind = 'CALLS' GROUP BY e.rule ORDER BY e.rule`,
    );
    const confidence = Object.fromEntries(rows.map((r) => [r['rule'], [r['lo'], r['hi']]]));
    expect(Object.keys(confidence)).toEqual(['rel.calls_def', 'rel.calls_imported', 'rel.calls_inherited', 'rel.calls_module', 'rel.calls_self', 'rel.calls_star']);
    const [defLo] = confidence['rel.calls_def'] as number[];
    const [selfLo] = confidence['rel.calls_self'] as number[];
    for (const weaker of ['rel.calls_imported', 'rel.calls_inherited', 'rel.calls_module', 'rel.calls_star']) {
      const [, hi] = confidence[weaker] as number[];
      expect(hi).toBeLessThan(defLo!);
      expect(hi).toBeLessThan(selfLo!);
    }
  });

  it('ends every edge at nodes that exist, with unique ids', async () => {
    const [row] = await store.query(
      `SELECT count(*) AS n, count(DISTINCT edge_id) AS ids,
         count(*) FILTER (WHERE src_node_id NOT IN (SELECT node_id FROM cpg.nodes) OR dst_node_id NOT IN (SELECT node_id FROM cpg.nodes)) AS dangling
       FROM cpg.edges`,
    );
    expect(row!['ids']).toBe(row!['n']);
    expect(row!['dangling']).toBe(0n);
  });
});
