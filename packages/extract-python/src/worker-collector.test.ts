import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pythonEvidenceDatasets } from './python-extractor-descriptor.js';
import { WORKER_SCRIPT_PATH } from './worker-script.js';

const dir = mkdtempSync(join(tmpdir(), 'anatomy-collector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the worker's `serve` in one python3 over three files, with its
 * `extract_file` wrapped: each call notes whether the cyclic collector is on,
 * whether the cycle the call before left is gone, and leaves a cycle of its own.
 */
const DRIVER = String.raw`
import gc, io, json, sys, weakref
sys.path.insert(0, sys.argv[1])
import anatomy_extract as ax

class Node:
    pass

seen = {"collector_on": [], "previous_cycle_freed": []}
last = [None]
original = ax.extract_file

def wrapped(request, tables):
    seen["collector_on"].append(gc.isenabled())
    if last[0] is not None:
        seen["previous_cycle_freed"].append(last[0]() is None)
    a, b = Node(), Node()
    a.other, b.other = b, a
    last[0] = weakref.ref(a)
    del a, b
    return original(request, tables)

ax.extract_file = wrapped
if sys.argv[4] == "caller-freezes":
    gc.freeze()
frozen_before = gc.get_freeze_count()
config = json.loads(sys.argv[2])
files = json.loads(sys.argv[3])
lines = [json.dumps(config)] + [json.dumps({"seq": i, "path": p, "rel": p, "file_id": "file:%d" % i}) for i, p in enumerate(files)]
stdout = io.BytesIO()
status = ax.serve(io.BytesIO(("\n".join(lines) + "\n").encode("utf-8")), stdout)
seen["status"] = status
seen["after_file_freed"] = last[0]() is None
seen["collector_on_after"] = gc.isenabled()
seen["frozen_after"] = "none" if gc.get_freeze_count() == 0 else "kept" if gc.get_freeze_count() >= frozen_before else "lost"

print(json.dumps(seen))
`;

/** Runs the driver over three small files; `caller-freezes` freezes the driver's objects before `serve`. */
function runServe(mode: 'plain' | 'caller-freezes'): Record<string, unknown> {
  const defs = pythonEvidenceDatasets.filter((ds) => ds.name === 'evidence.py_defs');
  const config = { protocol: 1, tables: Object.fromEntries(defs.map((ds) => [ds.name.replace('evidence.', ''), ds.columns.map((c) => [c.name, c.type])])), frame_rows: 1000 };
  const files = ['a.py', 'b.py', 'c.py'].map((name) => {
    const path = join(dir, name);
    writeFileSync(path, `class ${name[0]!.toUpperCase()}:\n    def run(self):\n        return [x for x in range(3)]\n`);
    return path;
  });
  const run = spawnSync('python3', ['-I', '-S', '-B', '-c', DRIVER, dirname(WORKER_SCRIPT_PATH), JSON.stringify(config), JSON.stringify(files), mode], { encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

describe('the worker and the cyclic collector', () => {
  it('keeps the collector off while it reads a file and frees what the file left before the next', () => {
    const seen = runServe('plain');
    expect(seen).toEqual({
      status: 0,
      collector_on: [false, false, false],
      previous_cycle_freed: [true, true],
      after_file_freed: true,
      // serve gives the collector back as it found it, nothing left frozen.
      collector_on_after: true,
      frozen_after: 'none',
    });
  });

  it('leaves what its caller had frozen frozen', () => {
    expect(runServe('caller-freezes')).toMatchObject({ status: 0, collector_on: [false, false, false], frozen_after: 'kept' });
  });
});
