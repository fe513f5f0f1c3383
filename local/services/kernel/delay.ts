/**
 * The one wait of the local cloud. Given a signal, a service's stop() cuts it short, so no timer outlives the
 * service: it resolves `false` when cut short, `true` when the time ran out. `unref`: the wait alone does not keep
 * the process alive (for grace periods during shutdown). Waits are local time: an AWS duration goes through
 * clock.ts's `compressed` first.
 *
 * Thousands of waits may share one service's signal (every retry of every delivery under a burst). An
 * `addEventListener` per wait costs O(listeners) (EventTarget checks each for a duplicate), so each signal gets one
 * listener and the waits on it live in a Set: O(1) to add and to remove.
 */
const waitsBySignal = new WeakMap<AbortSignal, Set<() => void>>();

function onAbortOf(signal: AbortSignal, cancel: () => void): () => void {
  let waits = waitsBySignal.get(signal);
  if (!waits) {
    const created = new Set<() => void>();
    waits = created;
    waitsBySignal.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        for (const wait of [...created]) wait();
        created.clear();
      },
      { once: true },
    );
  }
  const set = waits;
  set.add(cancel);
  return () => set.delete(cancel);
}

export function delay(ms: number, options: { signal?: AbortSignal; unref?: boolean } = {}): Promise<boolean> {
  const { signal, unref } = options;
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    let forget = (): void => undefined;
    const timer = setTimeout(() => {
      forget();
      resolve(true);
    }, ms);
    if (unref) timer.unref();
    if (signal)
      forget = onAbortOf(signal, () => {
        clearTimeout(timer);
        resolve(false);
      });
  });
}
