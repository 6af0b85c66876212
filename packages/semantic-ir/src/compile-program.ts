import { STABLE_ID_MACRO, STABLE_ID_MACRO_SQL, formatIssues, validate } from '@anatomy/contracts';
import type { SchemaRegistry } from '@anatomy/schema-authority';
import { compileDeclarations } from './compile-declarations.js';
import { emitViews } from './emit-views.js';
import { inferViews } from './infer-views.js';
import { manifestFingerprint } from './manifest-fingerprint.js';
import { pruneDeadViews } from './prune-dead-views.js';
import { defineProgram } from './semantic-program.js';
import type { SemanticProgram } from './semantic-program.js';
import { SemanticProgramManifestSchema } from './semantic-program-manifest.js';
import type { SemanticProgramManifest } from './semantic-program-manifest.js';
import { SemanticIrError } from './semantic-ir-error.js';

/**
 * Compiles a semantic program against the registered dataset schemas:
 * compile (declarations → IR) → infer (ids, column fills and joins from
 * column roles, as Decisions) → optimize (dead-view pruning) → emit (one
 * DuckDB SELECT per view). The manifest is validated and frozen; its views
 * are sorted by name and its `macros` must be created before running them.
 *
 * @example
 * const manifest = compileProgram(pythonCpgProgram, registry);
 * for (const m of manifest.macros) await store.run(m.sql);
 * manifest.views.find((v) => v.name === 'cpg.nodes')?.sql;
 */
export function compileProgram(program: SemanticProgram, registry: SchemaRegistry): SemanticProgramManifest {
  const checked = defineProgram(program);
  const inferred = inferViews(compileDeclarations(checked, registry), registry);
  const optimized = pruneDeadViews(inferred);
  const views = emitViews(optimized);
  const macros = [{ name: STABLE_ID_MACRO, sql: STABLE_ID_MACRO_SQL }];
  const result = validate(SemanticProgramManifestSchema, {
    version: 1,
    program: checked.name,
    fingerprint: manifestFingerprint({ views, macros }),
    views,
    macros,
    decisions: optimized.decisions,
  });
  if (!result.ok) {
    // The phases above build the manifest; a mismatch with its schema is a compiler bug, not user error.
    throw SemanticIrError.create('InvalidManifest', `the compiled manifest of ${checked.name} is invalid:\n${formatIssues(result.issues)}`, {
      details: { issues: result.issues },
      hint: 'this is a bug in @anatomy/semantic-ir; please report it with the program that triggers it',
    });
  }
  return result.value;
}
