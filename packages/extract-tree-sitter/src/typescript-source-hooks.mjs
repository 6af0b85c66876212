// Module hooks for running this package's TypeScript sources in a worker
// thread (see extraction-worker-script.ts). Only used when the package runs
// from `src/` inside the workspace, where `typescript` is a dev dependency;
// the compiled package never loads this file.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
/** Workspace packages export their sources under this condition. */
const SOURCE_CONDITION = '@anatomy/source';
let typescript;

export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes(SOURCE_CONDITION) ? context.conditions : [...context.conditions, SOURCE_CONDITION];
  try {
    return await nextResolve(specifier, { ...context, conditions });
  } catch (error) {
    // Sources import siblings as './x.js' (NodeNext style); the file on disk is './x.ts'.
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, { ...context, conditions });
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  typescript ??= require('typescript');
  const path = fileURLToPath(url);
  const { outputText } = typescript.transpileModule(await readFile(path, 'utf8'), {
    fileName: path,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      inlineSourceMap: true,
      inlineSources: true,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
