import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** How to start an extraction worker: the module to run and the Node options it needs. */
export interface ExtractionWorkerScript {
  readonly url: URL;
  readonly execArgv: readonly string[] | undefined;
  /** True when this package runs from its TypeScript sources (tests), false from the compiled `dist`. */
  readonly fromSource: boolean;
  /** Whether the worker module is where it should be. */
  exists(): boolean;
}

/**
 * Locates the worker entry next to this module. Compiled, it is
 * `dist/extraction-worker.js` and starts as is. From the TypeScript sources
 * (under vitest, whose transform does not reach worker threads) it is
 * `src/extraction-worker.ts`, started with module hooks that strip its types
 * with the workspace's TypeScript compiler and resolve workspace packages to
 * their sources (`typescript-source-hooks.mjs`): tests thus exercise the real
 * worker path on the very code they test.
 *
 * @example
 * const script = extractionWorkerScript();
 * new Worker(script.url, { execArgv: script.execArgv });
 */
export function extractionWorkerScript(): ExtractionWorkerScript {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './extraction-worker.ts' : './extraction-worker.js', import.meta.url);
  const exists = (): boolean => existsSync(fileURLToPath(url));
  if (!fromSource) return { url, execArgv: undefined, fromSource, exists };
  const hooks = new URL('./typescript-source-hooks.mjs', import.meta.url).href;
  const register = `import { register } from 'node:module'; register(${JSON.stringify(hooks)});`;
  return { url, execArgv: ['--import', `data:text/javascript,${encodeURIComponent(register)}`], fromSource, exists };
}
