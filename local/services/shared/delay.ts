/**
 * The one wait of the local cloud. Given a signal, a service's stop() cuts it short, so no timer outlives the
 * service: it resolves `false` when cut short, `true` when the time ran out. `unref`: the wait alone does not keep
 * the process alive (for grace periods during shutdown). Waits are local time: an AWS duration goes through
 * clock.ts's `compressed` first.
 */
export function delay(ms: number, options: { signal?: AbortSignal; unref?: boolean } = {}): Promise<boolean> {
  const { signal, unref } = options;
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    if (unref) timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
