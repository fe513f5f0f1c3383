import { delay } from '../../../../local/services/kernel/delay';

describe('delay', () => {
  it('resolves true when the time runs out', async () => {
    // Prepare / Act / Assess
    await expect(delay(5)).resolves.toBe(true);
  });

  it('resolves false at once for a signal already aborted', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();
    // Act / Assess
    await expect(delay(60_000, { signal: controller.signal })).resolves.toBe(false);
  });

  it('cuts every wait on a signal short when it aborts, and leaves finished waits alone', async () => {
    // Prepare: many waits on one signal, one of them finishing first
    const controller = new AbortController();
    const long = Array.from({ length: 2000 }, () => delay(60_000, { signal: controller.signal }));
    const short = await delay(1, { signal: controller.signal });
    // Act
    const started = Date.now();
    controller.abort();
    const results = await Promise.all(long);
    // Assess
    expect(short).toBe(true);
    expect(results.every((r) => r === false)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('keeps one abort listener per signal, however many waits share it', async () => {
    // Prepare
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners += 1;
      add(...args);
    }) as typeof add;
    // Act
    await Promise.all(Array.from({ length: 50 }, () => delay(1, { signal: controller.signal })));
    // Assess
    expect(listeners).toBe(1);
  });
});
