import { Normalize, Project, defineProgram } from '@anatomy/semantic-ir';
import type { SemanticProgram } from '@anatomy/semantic-ir';

/**
 * The Python code property graph as a semantic program: only what to
 * compute and from which evidence. Ids, join keys and output columns are
 * inferred by the compiler from the column roles of the evidence schemas.
 *
 * @example
 * const manifest = compileProgram(pythonCpgProgram, registry);
 */
export const pythonCpgProgram: SemanticProgram = defineProgram({
  name: 'python-cpg',
  views: [
    // Definitions (functions, async functions, classes) get stable ids from their location.
    Normalize.create({ name: 'defs', from: 'evidence.ts_defs', entity: 'def' }),
    // cpg.nodes: one FILE node per scanned file, one DEF node per definition.
    Project.create({
      name: 'cpg.nodes',
      rows: [
        { from: 'evidence.files', kind: 'FILE', entity: 'file' },
        { from: 'norm.defs', kind: 'DEF' },
      ],
    }),
  ],
});
