import { TokenBucket } from '../../../../local/services/eventbridge/api-destinations/rate-limiter';

describe('TokenBucket', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('grants a second of tokens at once, then queues the rest in order at the rate', async () => {
    // Prepare
    const bucket = new TokenBucket(2, () => Date.now());
    const granted: number[] = [];
    // Act
    for (let i = 0; i < 5; i += 1) void bucket.acquire().then((ok) => ok && granted.push(i));
    await jest.advanceTimersByTimeAsync(0);
    const immediately = [...granted];
    await jest.advanceTimersByTimeAsync(500);
    const afterHalfSecond = [...granted];
    await jest.advanceTimersByTimeAsync(1000);
    // Assess
    expect(immediately).toEqual([0, 1]);
    expect(afterHalfSecond).toEqual([0, 1, 2]);
    expect(granted).toEqual([0, 1, 2, 3, 4]);
    expect(bucket.queued).toBe(0);
  });

  it('releases a waiter whose deadline passes before a token is free', async () => {
    // Prepare
    const bucket = new TokenBucket(1, () => Date.now());
    await bucket.acquire();
    // Act
    const late = bucket.acquire(Date.now() + 300);
    await jest.advanceTimersByTimeAsync(300);
    // Assess
    await expect(late).resolves.toBe(false);
  });

  it('releases every waiter on close', async () => {
    // Prepare
    const bucket = new TokenBucket(1, () => Date.now());
    await bucket.acquire();
    const waiting = bucket.acquire();
    // Act
    bucket.close();
    // Assess
    await expect(waiting).resolves.toBe(false);
  });

  it('rejects a rate that is not positive', () => {
    // Prepare, Act, Assess
    expect(() => new TokenBucket(0)).toThrow('invocation rate must be positive');
  });
});
