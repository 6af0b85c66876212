import type { Store } from '@anatomy/store';

/**
 * Runs `work` on every item, spread over the connections (each runs one item
 * at a time, taking the next free one), and gives the results in the items'
 * order. A failure stops each connection before its next item; once every
 * connection is idle the first failure is thrown, so none is still running
 * a statement when its caller closes it.
 *
 * @example
 * const described = await store.withLane((lane) => eachOn(lane === null ? [store] : [store, lane], names, (c, name) => c.query(`DESCRIBE ${name}`)));
 */
export async function eachOn<T, I = string>(connections: readonly Store[], items: readonly I[], work: (connection: Store, item: I) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  const failures: unknown[] = [];
  let next = 0;
  await Promise.all(
    connections.map(async (connection) => {
      while (failures.length === 0 && next < items.length) {
        const i = next++;
        try {
          results[i] = await work(connection, items[i] as I);
        } catch (error) {
          failures.push(error);
        }
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
  return results;
}
