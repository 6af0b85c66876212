import { describe, expect, it } from 'vitest';
import { AsyncQueue } from './async-queue.js';

async function drain<T>(queue: AsyncQueue<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of queue) out.push(item);
  return out;
}

describe('AsyncQueue', () => {
  it('delivers items pushed before and while the consumer waits, then ends on close', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    const drained = drain(queue);
    await Promise.resolve();
    queue.push(2);
    setTimeout(() => {
      queue.push(3);
      queue.close();
    }, 5);
    expect(await drained).toEqual([1, 2, 3]);
  });

  it('holds producers back until the consumer makes room', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.push(2);
    let roomMade = false;
    const waiting = queue.room(2).then(() => (roomMade = true));
    await Promise.resolve();
    expect(roomMade).toBe(false);
    const iterator = queue[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ value: 1, done: false });
    await waiting;
    expect(roomMade).toBe(true);
    expect(queue.size).toBe(1);
  });

  it('ends the loop with the first error', async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.fail(new Error('first'));
    queue.fail(new Error('second'));
    await expect(drain(queue)).rejects.toThrow('first');
  });
});
