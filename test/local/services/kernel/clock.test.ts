import * as clockModule from '../../../../local/services/kernel/clock';

type Clock = typeof clockModule;

function loadClockWith(env: string | undefined): Clock {
  const saved = process.env.LOCAL_TIME_COMPRESSION;
  if (env === undefined) delete process.env.LOCAL_TIME_COMPRESSION;
  else process.env.LOCAL_TIME_COMPRESSION = env;
  try {
    let loaded: Clock | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('../../../../local/services/kernel/clock') as Clock;
    });
    return loaded as Clock;
  } finally {
    if (saved === undefined) delete process.env.LOCAL_TIME_COMPRESSION;
    else process.env.LOCAL_TIME_COMPRESSION = saved;
  }
}

describe('clock', () => {
  it('compresses one AWS minute into one local second by default', () => {
    // Prepare
    const clock = loadClockWith(undefined);
    // Act
    const local = clock.compressed(60_000);
    // Assess
    expect(clock.TIME_COMPRESSION).toBe(60);
    expect(local).toBe(1000);
  });

  it('reads the factor from LOCAL_TIME_COMPRESSION', () => {
    // Prepare
    const clock = loadClockWith('1000');
    // Act
    const local = clock.compressed(86_400_000);
    // Assess
    expect(local).toBe(86_400);
  });

  it('rejects a factor that is not a positive number', () => {
    // Prepare, Act, Assess
    expect(() => loadClockWith('0')).toThrow('LOCAL_TIME_COMPRESSION must be a positive number');
    expect(() => loadClockWith('fast')).toThrow('LOCAL_TIME_COMPRESSION must be a positive number');
  });

  it('treats negative and non-finite durations as no wait', () => {
    // Prepare
    const clock = loadClockWith('10');
    // Act, Assess
    expect(clock.compressed(-5)).toBe(0);
    expect(clock.compressed(Number.NaN)).toBe(0);
  });

  it('sleeps the compressed duration', async () => {
    // Prepare
    const clock = loadClockWith('100');
    const started = Date.now();
    // Act
    await clock.sleep(10_000);
    // Assess: 10 s of AWS time is 100 ms locally; far less than the uncompressed wait
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(5_000);
  });
});
