import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stableId } from '@anatomy/contracts';
import { createTreeSitterExtractor } from '@anatomy/extract-tree-sitter';
import type { Extractor } from '@anatomy/schema-authority';
import { openStore } from '@anatomy/store';
import type { Store } from '@anatomy/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registryOfRun } from './build-cpg.js';
import { silentProgress } from './progress-reporter.js';
import { runExtractors } from './run-extractors.js';

let root: string;
let store: Store;
const registry = registryOfRun();
const SOURCE = 'def f(x):\n    return g(x)\n\n\nclass C:\n    def m(self):\n        return f(1)\n';

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'anatomy-run-extractors-'));
  writeFileSync(join(root, 'a.py'), SOURCE);
  store = await openStore({ path: ':memory:' });
  for (const ds of registry.list()) await store.ensureDataset(ds);
});

afterEach(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

const files = [{ file_id: stableId('file', 'a.py'), path: 'a.py', size: SOURCE.length, sha256: createHash('sha256').update(SOURCE).digest('hex'), encoding: 'utf-8' }];
const demanded = new Set(['evidence.ts_defs', 'evidence.ts_calls']);
const defs = async (): Promise<number> => Number((await store.query('SELECT count(*) AS n FROM evidence.ts_defs'))[0]?.['n']);

describe('runExtractors', () => {
  it('starts the extractors at once but writes nothing before the store is ready', { timeout: 60_000 }, async () => {
    let open: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      open = resolve;
    });
    // The real extractor, its batches counted as it hands them over.
    const inner = createTreeSitterExtractor();
    let handed = 0;
    const extractor: Extractor = {
      descriptor: inner.descriptor,
      capability: () => inner.capability(),
      async *extract(request) {
        for await (const batch of inner.extract(request)) {
          handed += 1;
          yield batch;
        }
      },
    };
    const running = runExtractors({ extractors: [extractor], registry, store, root, files, demanded, progress: silentProgress(), ready });
    // The worker has parsed the file and handed a batch over, which now waits for the store.
    while (handed === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await defs()).toBe(0);
    open();
    const result = await running;
    expect(result.reports[0]).toMatchObject({ status: 'ran', rows: { 'evidence.ts_defs': 3 } });
    expect(await defs()).toBe(3);
  });

  it('fails with the reason the store was not made ready, having written nothing', { timeout: 60_000 }, async () => {
    const ready = Promise.reject(new Error('the store could not be prepared'));
    await expect(runExtractors({ extractors: [createTreeSitterExtractor()], registry, store, root, files, demanded, progress: silentProgress(), ready })).rejects.toThrow(
      'the store could not be prepared',
    );
    expect(await defs()).toBe(0);
  });
});
