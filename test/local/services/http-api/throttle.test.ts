import { ACCOUNT_DEFAULT_THROTTLE, StageThrottle } from '../../../../local/services/http-api/throttle';

describe('HTTP API stage throttling (token bucket)', () => {
  it('allows a burst, rejects beyond it, and refills at the rate', () => {
    // Prepare
    let now = 1_000;
    const throttle = new StageThrottle({ burstLimit: 2, rateLimit: 1 }, {}, () => now);
    // Act
    const burst = [throttle.allow('GET /a'), throttle.allow('GET /a'), throttle.allow('GET /a')];
    now += 1_000;
    const afterOneSecond = [throttle.allow('GET /a'), throttle.allow('GET /a')];
    // Assess
    expect(burst).toEqual([true, true, false]);
    expect(afterOneSecond).toEqual([true, false]);
  });

  it('keeps a bucket per route and lets route settings override the stage defaults', () => {
    const now = 0;
    const throttle = new StageThrottle({ burstLimit: 1, rateLimit: 1 }, { 'POST /b': { burstLimit: 3 } }, () => now);
    expect([throttle.allow('GET /a'), throttle.allow('GET /a')]).toEqual([true, false]);
    expect([
      throttle.allow('POST /b'),
      throttle.allow('POST /b'),
      throttle.allow('POST /b'),
      throttle.allow('POST /b'),
    ]).toEqual([true, true, true, false]);
    expect(throttle.settingsFor('POST /b')).toEqual({ burstLimit: 3, rateLimit: 1 });
  });

  it('falls back to the account defaults and blocks a route whose burst is 0', () => {
    expect(new StageThrottle({}, {}).settingsFor('GET /x')).toEqual(ACCOUNT_DEFAULT_THROTTLE);
    expect(new StageThrottle({ burstLimit: 0, rateLimit: 0 }, {}).allow('GET /x')).toBe(false);
  });
});
