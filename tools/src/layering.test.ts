import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const eslint = new ESLint({ cwd: root });

/** Lints one import as if it were written in a package's sources and returns the boundary violations. */
async function boundaryErrors(pkg: string, importedPackage: string): Promise<string[]> {
  const code = `import { x } from '${importedPackage}';\nexport const y: unknown = x;\n`;
  const [result] = await eslint.lintText(code, { filePath: join(root, 'packages', pkg, 'src', 'layering-probe.ts') });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

describe('package layering (eslint @nx/enforce-module-boundaries)', () => {
  it('rejects an import from contracts up to the orchestrator', async () => {
    expect(await boundaryErrors('contracts', '@anatomy/orchestrator')).not.toEqual([]);
  });

  it('rejects imports against the data flow by project tag', async () => {
    const tagRule = /A project tagged with "pkg:\S+" can only depend on libs tagged with/;
    expect(await boundaryErrors('store', '@anatomy/semantic-ir')).toEqual([expect.stringMatching(tagRule)]);
    expect(await boundaryErrors('repo-scan', '@anatomy/plan-signals')).toEqual([expect.stringMatching(tagRule)]);
    expect(await boundaryErrors('cpg-query', '@anatomy/extract-tree-sitter')).toEqual([expect.stringMatching(tagRule)]);
  });

  it('rejects a domain package importing the orchestrator', async () => {
    expect(await boundaryErrors('scheduler', '@anatomy/orchestrator')).not.toEqual([]);
  });

  it('allows imports along the data flow', async () => {
    expect(await boundaryErrors('scheduler', '@anatomy/plan-signals')).toEqual([]);
    expect(await boundaryErrors('orchestrator', '@anatomy/scheduler')).toEqual([]);
    expect(await boundaryErrors('store', '@anatomy/contracts')).toEqual([]);
  });
});
