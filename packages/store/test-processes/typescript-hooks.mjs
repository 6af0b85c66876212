/* global process */
// Module hooks that let a plain `node` child process of a test import the
// workspace's TypeScript sources: the `@anatomy/source` condition points
// package imports at `src/index.ts`, `./x.js` imports fall back to `./x.ts`,
// and `.ts` files are transpiled (types erased, nothing checked) on load.
// Transpiled files are cached by content, because loading the TypeScript
// compiler costs a child more than everything else it does.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CACHE = join(tmpdir(), 'anatomy-test-transpiled');
// Part of the cache key: change it whenever the transpile options below change.
const FLAVOUR = 'esm-es2022-nomap';
let typescript;

async function transpile(fileName) {
  const source = await readFile(fileName, 'utf8');
  const key = createHash('sha256').update(FLAVOUR).update('\0').update(fileName).update('\0').update(source).digest('hex');
  const cached = join(CACHE, `${key}.js`);
  try {
    return await readFile(cached, 'utf8');
  } catch {
    // Not transpiled yet.
  }
  typescript ??= (await import('typescript')).default;
  const { outputText } = typescript.transpileModule(source, {
    fileName,
    compilerOptions: { module: typescript.ModuleKind.ESNext, target: typescript.ScriptTarget.ES2022, sourceMap: false },
  });
  await mkdir(CACHE, { recursive: true });
  // Written aside and renamed, so a concurrent child never reads half a file.
  const partial = `${cached}.${process.pid}.partial`;
  await writeFile(partial, outputText);
  await rename(partial, cached);
  return outputText;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const fromTypeScript = context.parentURL !== undefined && context.parentURL.endsWith('.ts');
    if (fromTypeScript && specifier.startsWith('.') && specifier.endsWith('.js')) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  return { format: 'module', source: await transpile(fileURLToPath(url)), shortCircuit: true };
}
