/**
 * Maps an async iterable with at most `concurrency` calls of `fn` in flight, yielding results in
 * input order (so outputs are deterministic whatever the completion order).
 */
export async function* orderedMap<T, R>(
  source: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R>,
): AsyncGenerator<R> {
  const window: Promise<R>[] = [];
  for await (const item of source) {
    const promise = fn(item);
    // Avoid unhandled-rejection warnings while the promise waits its turn in the window.
    promise.catch(() => undefined);
    window.push(promise);
    if (window.length >= concurrency) yield await (window.shift() as Promise<R>);
  }
  while (window.length > 0) yield await (window.shift() as Promise<R>);
}
