/* global process, console */
// The writer of the crash test: rebuilds a store the way `anatomy build`
// does — one transaction that drops the old schemas, recreates the tables,
// ingests thousands of rows in batches and materializes a table and a view
// from them — stamping every row with its generation. It prints a marker
// before each step (stdout to a pipe is synchronous on Linux, so a marker is
// out before the step starts) for the test to kill it at.
import { columnBatch, defineDataset } from '@anatomy/schema-authority';
import { openStore } from '@anatomy/store';

// With a third argument `generation`, the rebuild goes through `replaceGeneration` (a new file beside
// the store, committed as it goes, renamed over the store at the end) instead of one transaction, and
// appends to `meta.history`, which the new generation must carry over.
const [path, generationArg, mode] = process.argv.slice(2);
const generation = Number(generationArg);
const mark = (step) => console.log(step);

const files = defineDataset({
  name: 'evidence.files',
  producer: 'crash-test',
  version: 1,
  description: 'files of a generation',
  spanUnit: 'none',
  columns: [
    { name: 'generation', type: 'int64', nullable: false, description: 'build generation' },
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'path', type: 'utf8', nullable: false, role: 'path', description: 'path' },
  ],
});
const items = defineDataset({
  name: 'evidence.items',
  producer: 'crash-test',
  version: 1,
  description: 'items of a generation',
  spanUnit: 'none',
  columns: [
    { name: 'generation', type: 'int64', nullable: false, description: 'build generation' },
    { name: 'file_id', type: 'utf8', nullable: false, role: 'file-identity', description: 'file' },
    { name: 'seq', type: 'int64', nullable: false, description: 'item number' },
    { name: 'payload', type: 'utf8', nullable: false, description: 'text' },
  ],
});

// Sizes differ between generations, so a mix of two would not add up.
const fileCount = (g) => 40 + (g % 7);
const itemCount = (g) => 40_000 + ((g * 7919) % 4000);
const BATCH = 2000;

// Opening replays the WAL a killed writer left behind, so kills land there too.
mark('opening');
const store = await openStore({ path, threads: 2 });
mark('open');
const build = async (write) => {
  if (mode !== 'generation') {
    return store.transaction(async () => {
      mark('begin');
      for (const schema of ['cpg', 'evidence']) await store.run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      mark('dropped');
      await write();
    });
  }
  await store.run('CREATE SCHEMA IF NOT EXISTS meta');
  await store.run('CREATE TABLE IF NOT EXISTS meta.history (generation BIGINT NOT NULL)');
  return store.replaceGeneration(['cpg', 'evidence'], async () => {
    mark('begin');
    mark('dropped');
    await write();
    await store.run(`INSERT INTO meta.history VALUES (${generation})`);
  });
};
await build(async () => {
  await store.ensureDataset(files);
  await store.ensureDataset(items);
  const fileIds = Array.from({ length: fileCount(generation) }, (_, i) => `f${String(i).padStart(3, '0')}`);
  await store.ingest(files, columnBatch(files, { generation: fileIds.map(() => generation), file_id: fileIds, path: fileIds.map((f) => `pkg/${f}.py`) }));
  const total = itemCount(generation);
  for (let start = 0, k = 0; start < total; start += BATCH, k++) {
    const seq = Array.from({ length: Math.min(BATCH, total - start) }, (_, i) => start + i);
    await store.ingest(
      items,
      columnBatch(items, {
        generation: seq.map(() => generation),
        file_id: seq.map((s) => fileIds[s % fileIds.length]),
        seq,
        payload: seq.map((s) => `def function_${s}_of_generation_${generation}(argument_${s % 13}): return ${s * 31}`),
      }),
    );
    mark(`batch ${k}`);
  }
  await store.materialize({
    name: 'cpg.summary',
    sql: 'SELECT generation, file_id, count(*) AS items, sum(seq) AS seq_sum FROM evidence.items GROUP BY ALL',
    as: 'table',
  });
  // What the generation should hold, written in the same transaction, so a reader can check the rest against it.
  await store.materialize({
    name: 'cpg.build_info',
    sql: `SELECT ${generation}::BIGINT AS generation, ${fileIds.length}::BIGINT AS files, ${total}::BIGINT AS items`,
    as: 'table',
  });
  await store.materialize({ name: 'cpg.item_view', sql: 'SELECT generation, file_id, seq FROM evidence.items', as: 'view' });
  mark('materialized');
  mark('committing');
});
mark('committed');
mark('closing');
await store.close();
mark('closed');
