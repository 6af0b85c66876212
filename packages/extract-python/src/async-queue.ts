/**
 * A single-consumer queue between producers that push and one `for await`
 * loop that drains it. Producers can wait for room, which bounds memory when
 * the consumer is slower than they are; `fail` ends the loop with an error.
 *
 * @example
 * const queue = new AsyncQueue<number>();
 * queue.push(1); queue.close();
 * for await (const n of queue) console.log(n);
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #closed = false;
  #error: { readonly error: unknown } | null = null;
  #wakeConsumer: (() => void) | null = null;
  readonly #wakeProducers: (() => void)[] = [];

  /** Queued items not yet taken. */
  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    if (this.#closed) return;
    this.#items.push(item);
    this.#wake();
  }

  /** No more items: the loop ends once the queue is drained. */
  close(): void {
    this.#closed = true;
    this.#wake();
    for (const wake of this.#wakeProducers.splice(0)) wake();
  }

  /** Ends the loop with an error at its next step; the first error wins. */
  fail(error: unknown): void {
    if (this.#error === null) this.#error = { error };
    this.#closed = true;
    this.#wake();
    for (const wake of this.#wakeProducers.splice(0)) wake();
  }

  /** Resolves once fewer than `limit` items wait (or the queue is closed). */
  async room(limit: number): Promise<void> {
    while (!this.#closed && this.#items.length >= limit) await new Promise<void>((resolve) => this.#wakeProducers.push(resolve));
  }

  #wake(): void {
    const wake = this.#wakeConsumer;
    this.#wakeConsumer = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.#error !== null) throw this.#error.error;
      if (this.#items.length > 0) {
        const item = this.#items.shift() as T;
        for (const wake of this.#wakeProducers.splice(0)) wake();
        yield item;
        continue;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => (this.#wakeConsumer = resolve));
    }
  }
}
