import { parseRateExpression } from '../../../../local/services/eventbridge/schedule';

describe('schedule expressions', () => {
  it('reads rate expressions in minutes, hours and days', () => {
    // Prepare, Act, Assess
    expect(parseRateExpression('rate(1 minute)')).toBe(60_000);
    expect(parseRateExpression('rate(5 minutes)')).toBe(300_000);
    expect(parseRateExpression('rate(2 hours)')).toBe(7_200_000);
    expect(parseRateExpression('rate(1 day)')).toBe(86_400_000);
  });

  it('rejects the wrong number of the unit, zero and other forms as AWS does', () => {
    // Prepare, Act, Assess
    expect(() => parseRateExpression('rate(1 minutes)')).toThrow('Parameter ScheduleExpression is not valid.');
    expect(() => parseRateExpression('rate(5 minute)')).toThrow('Parameter ScheduleExpression is not valid.');
    expect(() => parseRateExpression('rate(0 minutes)')).toThrow('Parameter ScheduleExpression is not valid.');
    expect(() => parseRateExpression('every 5 minutes')).toThrow('Parameter ScheduleExpression is not valid.');
  });

  it('says plainly that cron expressions are not emulated', () => {
    // Prepare, Act, Assess
    expect(() => parseRateExpression('cron(0 12 * * ? *)')).toThrow('cron expressions are not emulated');
  });
});
