import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetSchema } from '@anatomy/schema-authority';
import { afterAll, describe, expect, it } from 'vitest';
import { ExtractPythonError } from './extract-python-error.js';
import { pythonEvidenceDatasets } from './python-extractor-descriptor.js';
import { PythonWorker } from './python-worker.js';
import type { WorkerConfig, WorkerFileRequest } from './python-worker.js';

const byTable = new Map(pythonEvidenceDatasets.map((ds) => [ds.name.replace('evidence.', ''), ds]));
const datasetOf = (table: string): DatasetSchema | undefined => byTable.get(table);
const configFor = (datasets: readonly DatasetSchema[]): WorkerConfig => ({
  protocol: 1,
  tables: Object.fromEntries(datasets.map((ds) => [ds.name.replace('evidence.', ''), ds.columns.map((c) => [c.name, c.type] as const)])),
  frame_rows: 1000,
});

const dir = mkdtempSync(join(tmpdir(), 'anatomy-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PythonWorker', () => {
  it('accepts every dataset schema of the package: the worker produces exactly the declared columns', async () => {
    const worker = await PythonWorker.start('python3', configFor(pythonEvidenceDatasets), datasetOf);
    expect(worker.hello).toMatchObject({ protocol: 1, implementation: 'cpython', python_version: expect.stringMatching(/^3\./) });
    const path = join(dir, 'a.py');
    writeFileSync(path, 'import os\n');
    const outcome = await worker.run({ seq: 1, path, rel: 'a.py', file_id: 'file:a', encoding: 'utf-8', size: 10, sha256: '' }, 10_000);
    expect(outcome.status).toBe('done');
    // An empty sha256 never matches: the worker reads, hashes and refuses the file as changed.
    expect(outcome.status === 'done' && outcome.tables.map((t) => t.table)).toEqual(['py_parse_errors']);
    await worker.close();
    expect(worker.alive).toBe(false);
  });

  it('refuses a configuration whose columns differ from what it produces', async () => {
    const [defs] = pythonEvidenceDatasets.filter((ds) => ds.name === 'evidence.py_defs');
    const config: WorkerConfig = { protocol: 1, tables: { py_defs: [...defs!.columns.map((c) => [c.name, c.type] as const), ['extra', 'utf8']] }, frame_rows: 10 };
    await expect(PythonWorker.start('python3', config, datasetOf)).rejects.toSatisfy(
      (e) => ExtractPythonError.is(e, 'WorkerProtocol') && /unknown \['extra'\]/.test((e as Error).message),
    );
  });

  it('reads the files queued on it in order, and gives back those behind a file that killed it as not started', async () => {
    const defs = pythonEvidenceDatasets.filter((ds) => ds.name === 'evidence.py_defs');
    // No sha256: the worker then reads the file without comparing its hash.
    const file = (name: string, seq: number): WorkerFileRequest => {
      const path = join(dir, name);
      const text = `def ${name.replace('.py', '')}(): pass\n`;
      writeFileSync(path, text);
      return { seq, path, rel: name, file_id: `file:${name}`, encoding: 'utf-8', size: Buffer.byteLength(text) } as WorkerFileRequest;
    };
    const worker = await PythonWorker.start('python3', configFor(defs), datasetOf);
    // Three files sent before the first comes back: each outcome is its own file's.
    const outcomes = await Promise.all(['one.py', 'two.py', 'three.py'].map((name, i) => worker.run(file(name, i + 1), 10_000)));
    const name = defs[0]!.columns.findIndex((c) => c.name === 'name');
    expect(outcomes.map((o) => o.status === 'done' && o.tables.flatMap((t) => t.columns[name] ?? []))).toEqual([['one'], ['two'], ['three']]);
    await worker.close();

    const crashing = await PythonWorker.start('python3', { ...configFor(defs), test_hooks: { exit_on: '/crash.py' } }, datasetOf);
    const queued = ['first.py', 'crash.py', 'after.py', 'last.py'].map((name, i) => crashing.run(file(name, i + 1), 10_000));
    expect((await Promise.all(queued)).map((o) => o.status)).toEqual(['done', 'crashed', 'not-started', 'not-started']);
  });

  it('fails to start, with the reason, when the interpreter cannot run', async () => {
    await expect(PythonWorker.start('/nonexistent/python3', configFor(pythonEvidenceDatasets), datasetOf)).rejects.toSatisfy(
      (e) => ExtractPythonError.is(e, 'WorkerFailed') && /ENOENT/.test((e as Error).message),
    );
  });
});
