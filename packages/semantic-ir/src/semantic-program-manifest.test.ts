import { STABLE_ID_MACRO, STABLE_ID_MACRO_SQL, validate } from '@anatomy/contracts';
import { describe, expect, it } from 'vitest';
import { manifestFingerprint } from './manifest-fingerprint.js';
import { SemanticProgramManifestSchema } from './semantic-program-manifest.js';

const views = [
  {
    name: 'cpg.nodes',
    kind: 'project',
    sql: 'SELECT * FROM norm.defs ORDER BY def_id',
    output: true,
    decisions: [
      {
        value: { topic: 'column-fill', source: 'norm.defs', column: 'node_kind', fill: { by: 'literal', value: 'DEF' } },
        confidence: 1,
        rationale: 'declared kind',
        evidence: [{ source: 'semantic-program', detail: 'rows of norm.defs have kind DEF' }],
      },
    ],
  },
  { name: 'norm.defs', kind: 'normalize', sql: 'SELECT 1 AS def_id', output: false, decisions: [] },
];
const macros = [{ name: STABLE_ID_MACRO, sql: STABLE_ID_MACRO_SQL }];
const good = { version: 1, program: 'p', fingerprint: manifestFingerprint({ views, macros }), views, macros, decisions: [] };

describe('SemanticProgramManifestSchema', () => {
  it('accepts a well-formed manifest and freezes it', () => {
    const m = SemanticProgramManifestSchema.parse(good);
    expect(m).toEqual(good);
    expect(Object.isFrozen(m)).toBe(true);
    expect(Object.isFrozen(m.views[0]!.decisions[0])).toBe(true);
  });

  it.each<[string, unknown, readonly string[]]>([
    ['an unknown version', { ...good, version: 2 }, ['version']],
    ['a fingerprint that does not match the content', { ...good, fingerprint: 'f'.repeat(64) }, ['fingerprint']],
    ['views out of name order', { ...good, views: [...views].reverse() }, ['views']],
    ['a view with an unknown kind', { ...good, views: [{ ...views[1], kind: 'merge' }] }, ['views.0.kind']],
    ['an invalid view name', { ...good, views: [views[0], { ...views[1], name: 'Norm Defs' }] }, ['views.1.name', 'views', 'fingerprint']],
    [
      'a decision with confidence above 1 and no evidence',
      { ...good, views: [{ ...views[0], decisions: [{ ...views[0]!.decisions[0], confidence: 1.5, evidence: [] }] }, views[1]] },
      ['views.0.decisions.0.confidence', 'views.0.decisions.0.evidence'],
    ],
    [
      'a literal fill that is neither text nor an integer',
      {
        ...good,
        views: [{ ...views[0], decisions: [{ ...views[0]!.decisions[0], value: { ...views[0]!.decisions[0]!.value, fill: { by: 'literal', value: 0.5 } } }] }, views[1]],
      },
      ['views.0.decisions.0.value.fill.value'],
    ],
    [
      'a decision about an unknown topic',
      { ...good, decisions: [{ value: { topic: 'guess' }, confidence: 0.5, rationale: 'r', evidence: [{ source: 's', detail: 'd' }] }] },
      ['decisions.0.value.topic'],
    ],
  ])('rejects %s', (_label, manifest, paths) => {
    const r = validate(SemanticProgramManifestSchema, manifest);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path)).toEqual(paths);
  });

  it('accepts integer literal fills, such as the start of a whole-file span', () => {
    const decision = { ...views[0]!.decisions[0]!, value: { topic: 'column-fill', source: 'evidence.files', column: 'bstart', fill: { by: 'literal', value: 0 } } };
    const m = SemanticProgramManifestSchema.parse({ ...good, views: [{ ...views[0], decisions: [decision] }, views[1]] });
    expect(m.views[0]!.decisions[0]!.value).toEqual(decision.value);
  });

  it('drops view inputs: dependencies come from DuckDB plans, not the manifest', () => {
    const r = SemanticProgramManifestSchema.parse({ ...good, views: [{ ...views[0], inputs: ['norm.defs'] }, views[1]] });
    expect(r.views[0]).not.toHaveProperty('inputs');
  });
});

describe('manifestFingerprint', () => {
  it('depends on view and macro content, not order, decisions or program name', () => {
    const base = manifestFingerprint({ views, macros });
    expect(manifestFingerprint({ views: [...views].reverse(), macros })).toBe(base);
    expect(manifestFingerprint({ views: views.map((v) => ({ ...v, decisions: [] })), macros })).toBe(base);
    expect(manifestFingerprint({ views: [{ ...views[1]!, sql: 'SELECT 2 AS def_id' }, views[0]!], macros })).not.toBe(base);
    expect(manifestFingerprint({ views: [{ ...views[1]!, output: true }, views[0]!], macros })).not.toBe(base);
    expect(manifestFingerprint({ views, macros: [] })).not.toBe(base);
  });
});
