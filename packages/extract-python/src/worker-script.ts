import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the worker script shipped in the package (`python/`, a
 * sibling of both `src/` and `dist/`).
 */
export const WORKER_SCRIPT_PATH: string = fileURLToPath(new URL('../python/anatomy_extract.py', import.meta.url));

/**
 * Interpreter flags for the worker: isolated (`-I`: no PYTHON* variables, no
 * user site, no script directory on sys.path), no `site` import (`-S`, faster
 * start, the worker needs only the standard library) and no `.pyc` writes next
 * to the package (`-B`).
 */
export const WORKER_PYTHON_FLAGS: readonly string[] = Object.freeze(['-I', '-S', '-B']);
