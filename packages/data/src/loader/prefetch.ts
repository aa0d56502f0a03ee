/**
 * Runs `source` up to `depth` items ahead of the consumer, so asynchronous
 * work for the next batches (file reads, image decoding in libuv's thread
 * pool) overlaps whatever the consumer does with the current one. Items and
 * errors arrive in source order; stopping early closes the source.
 */
export async function* prefetch<T>(source: AsyncIterable<T>, depth: number): AsyncGenerator<T> {
  if (!Number.isInteger(depth) || depth < 0) throw new Error(`prefetch: depth must be a non-negative integer, got ${depth}`);
  const it = source[Symbol.asyncIterator]();
  if (depth === 0) {
    yield* { [Symbol.asyncIterator]: () => it };
    return;
  }
  // Calls to an async generator's next() queue up and run one after another,
  // so a FIFO of pending next() promises is a bounded prefetch queue.
  const queue: Promise<IteratorResult<T>>[] = [];
  const request = (): void => {
    const p = it.next();
    // Awaited later; this only stops Node from flagging a rejection that happens while we are suspended.
    p.catch(() => {});
    queue.push(p);
  };
  let finished = false;
  try {
    for (let i = 0; i < depth; i++) request();
    while (true) {
      const r = await queue.shift()!;
      if (r.done) {
        finished = true;
        return;
      }
      request();
      yield r.value;
    }
  } catch (err) {
    finished = true;
    throw err;
  } finally {
    if (!finished) await it.return?.();
  }
}
