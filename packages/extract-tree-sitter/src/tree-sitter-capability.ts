import type { ExtractorCapability } from '@anatomy/schema-authority';
import { extractionWorkerScript } from './extraction-worker-script.js';
import { TREE_SITTER_PYTHON_VERSION, WEB_TREE_SITTER_VERSION, treeSitterDescriptor } from './extractor-descriptor.js';
import { loadPythonGrammar } from './python-grammar.js';

/**
 * Whether the tree-sitter extractor can run here: the WebAssembly runtime
 * and grammar load, and the worker module is in place.
 *
 * @example
 * const capability = await treeSitterCapability();
 * if (!capability.available) console.error(capability.reason, capability.hint);
 */
export async function treeSitterCapability(): Promise<ExtractorCapability> {
  const extractor = treeSitterDescriptor.name;
  try {
    await loadPythonGrammar();
  } catch (error) {
    return {
      extractor,
      available: false,
      tools: {},
      reason: (error as Error).message,
      hint: 'check that web-tree-sitter and tree-sitter-python are installed (npm ls tree-sitter-python)',
    };
  }
  const tools = { 'tree-sitter-python': TREE_SITTER_PYTHON_VERSION, 'web-tree-sitter': WEB_TREE_SITTER_VERSION };
  const script = extractionWorkerScript();
  if (!script.exists()) {
    return {
      extractor,
      available: false,
      tools,
      reason: `the extraction worker ${script.url.pathname} is missing`,
      hint: 'build the package (npm run build -w @anatomy/extract-tree-sitter)',
    };
  }
  return { extractor, available: true, tools };
}
