/* global process, console */
// The compaction writer of the crash test: frees blocks in the middle of the
// file (a scratch table written, checkpointed and dropped), then compacts,
// printing a marker before each step for the test to kill it at.
import { openStore } from '@anatomy/store';

const [path] = process.argv.slice(2);
const mark = (step) => console.log(step);

mark('opening');
const store = await openStore({ path, threads: 2 });
await store.run('CREATE SCHEMA IF NOT EXISTS scratch');
await store.run("CREATE OR REPLACE TABLE scratch.big AS SELECT range AS i, repeat('x', 100) || range AS s FROM range(100000)");
await store.checkpoint();
await store.run('CREATE OR REPLACE TABLE scratch.tail AS SELECT 1 AS x');
await store.run('DROP TABLE scratch.big');
await store.checkpoint();
mark('compacting');
const outcome = await store.compactDatabase();
mark(`compacted ${outcome.before.fileBytes} ${outcome.after.fileBytes}`);
await store.close();
mark('closed');
