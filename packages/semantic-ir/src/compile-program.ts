import { formatIssues, validate } from '@anatomy/contracts';
import type { ValidationIssue } from '@anatomy/contracts';
import type { SchemaRegistry } from '@anatomy/schema-authority';
import { z } from 'zod';
import { compileDeclarations } from './compile-declarations.js';
import type { ProgramIr } from './compile-declarations.js';
import { DatasetNameSchema } from './declaration-names.js';
import { emitViews } from './emit-views.js';
import { fuseRelations } from './fuse-relations.js';
import { inferViews } from './infer-views.js';
import { manifestFingerprint } from './manifest-fingerprint.js';
import { pruneDeadViews } from './prune-dead-views.js';
import { pruneUnavailable } from './prune-unavailable.js';
import { SEMANTIC_MACROS } from './semantic-macros.js';
import { defineProgram } from './semantic-program.js';
import type { SemanticProgram } from './semantic-program.js';
import { SemanticProgramManifestSchema } from './semantic-program-manifest.js';
import type { SemanticProgramManifest } from './semantic-program-manifest.js';
import { SemanticIrError } from './semantic-ir-error.js';

/**
 * What the compiler is told about the run beyond the program: the datasets
 * whose evidence cannot be produced (an extractor's capability is missing,
 * or the extractor takes no part in the run, so its datasets need not even
 * be registered), taken from the capability snapshot.
 */
export const CompileOptionsSchema = z
  .object({
    unavailable: z
      .array(DatasetNameSchema)
      .readonly()
      .optional(),
  })
  .readonly();
export type CompileOptions = z.input<typeof CompileOptionsSchema>;

function checkedOptions(options: CompileOptions): ReadonlySet<string> {
  const result = validate(CompileOptionsSchema, options);
  if (!result.ok) throw invalidOptions(result.issues);
  return new Set(result.value.unavailable ?? []);
}

function invalidOptions(issues: readonly ValidationIssue[]): Error {
  return SemanticIrError.create('InvalidProgram', `the compile options are invalid:\n${formatIssues(issues)}`, {
    details: { issues },
    hint: 'list as unavailable only registered datasets or datasets the program reads',
  });
}

/** An unavailable name must be registered or read by the program, so that a misspelt one is not silently ignored. */
function checkUnavailableKnown(unavailable: ReadonlySet<string>, registry: SchemaRegistry, ir: ProgramIr): void {
  const read = new Set(ir.views.flatMap((v) => v.inputs));
  const issues = [...unavailable].flatMap((name, i) =>
    registry.has(name) || read.has(name) ? [] : [{ path: `unavailable.${i}`, message: `${name} is neither a registered dataset nor read by the program` }],
  );
  if (issues.length > 0) throw invalidOptions(issues);
}

/**
 * Compiles a semantic program against the registered dataset schemas:
 * compile (declarations → IR) → optimize, capability pruning (views whose
 * evidence is unavailable are dropped or narrowed before inference) → infer
 * (ids, span conversion, joins, confidence, ranking, alignment and column
 * fills from column roles, as Decisions) → optimize (join-group fusion,
 * dead-view pruning) → emit (one DuckDB SELECT per view). The manifest is
 * validated and frozen; its views are sorted by name and its `macros` must
 * be created before running them.
 *
 * @example
 * const manifest = compileProgram(pythonCpgProgram, registry, { unavailable: ['evidence.scip_occurrences'] });
 * for (const m of manifest.macros) await store.run(m.sql);
 * manifest.views.find((v) => v.name === 'cpg.nodes')?.sql;
 */
export function compileProgram(program: SemanticProgram, registry: SchemaRegistry, options: CompileOptions = {}): SemanticProgramManifest {
  const checked = defineProgram(program);
  const unavailable = checkedOptions(options);
  const ir = compileDeclarations(checked, registry, unavailable);
  checkUnavailableKnown(unavailable, registry, ir);
  const capability = pruneUnavailable(ir, unavailable);
  const inferred = inferViews(capability.ir, registry);
  const optimized = pruneDeadViews(fuseRelations({ ...inferred, decisions: capability.decisions }));
  const views = emitViews(optimized);
  const macros = SEMANTIC_MACROS;
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
