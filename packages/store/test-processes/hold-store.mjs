/* global process, console */
// A second process for the lock tests: opens a store (optionally waiting),
// writes its pid into `writers` when it writes, says "held <pid>", and keeps
// the store open until its stdin closes.
import { openStore, StoreError } from '@anatomy/store';

const [path, mode, rows = '0', waitMs] = process.argv.slice(2);
let store;
try {
  store = await openStore({
    path,
    readOnly: mode === 'read',
    ...(waitMs === undefined ? {} : { wait: { timeoutMs: Number(waitMs), pollMs: 50, onWait: (info) => console.log(`waiting ${info.holderPid}`) } }),
  });
} catch (error) {
  console.log(`failed ${StoreError.is(error) ? error.code : 'unexpected'} ${error.hint ?? ''}`);
  process.exit(3);
}
if (mode === 'write') {
  await store.transaction(async () => {
    await store.run('CREATE TABLE IF NOT EXISTS writers (pid INTEGER NOT NULL, n BIGINT NOT NULL)');
    await store.run(`INSERT INTO writers SELECT ${process.pid}, range FROM range(${Number(rows)})`);
  });
}
console.log(`held ${process.pid}`);
for await (const chunk of process.stdin) void chunk;
await store.close();
console.log('released');
