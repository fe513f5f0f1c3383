import { aggregate, parseEmf, statistic } from '../../../../local/services/console/emf';

const line = (over: Record<string, unknown> = {}): string =>
  JSON.stringify({
    _aws: {
      Timestamp: Date.UTC(2026, 0, 1, 12, 0, 30),
      CloudWatchMetrics: [
        { Namespace: 'Shop', Dimensions: [['service', 'stack']], Metrics: [{ Name: 'Orders', Unit: 'Count' }] },
      ],
    },
    service: 'svc',
    stack: 'dev',
    Orders: 1,
    ...over,
  });

describe('parseEmf', () => {
  it('reads one datapoint per value and dimension set', () => {
    expect(parseEmf(line())).toEqual([
      {
        namespace: 'Shop',
        metricName: 'Orders',
        dimensions: { service: 'svc', stack: 'dev' },
        unit: 'Count',
        timestamp: Date.UTC(2026, 0, 1, 12, 0, 30),
        value: 1,
      },
    ]);
    expect(parseEmf(line({ Orders: [1, 2, 3] })).map((p) => p.value)).toEqual([1, 2, 3]);
  });

  it('ignores lines that are not EMF, malformed ones and sets whose dimension value is missing', () => {
    expect(parseEmf('START RequestId: x')).toEqual([]);
    expect(parseEmf('{"_aws": nope')).toEqual([]);
    expect(parseEmf(JSON.stringify({ level: 'INFO', message: 'hi' }))).toEqual([]);
    expect(parseEmf(line({ stack: undefined }))).toEqual([]);
    expect(parseEmf(line({ Orders: 'many' }))).toEqual([]);
  });
});

describe('aggregate', () => {
  it('sums per metric and per minute, apart by dimensions', () => {
    const points = [
      ...parseEmf(line()),
      ...parseEmf(line({ Orders: 2 })),
      ...parseEmf(
        line({
          _aws: {
            Timestamp: Date.UTC(2026, 0, 1, 12, 1, 5),
            CloudWatchMetrics: [
              { Namespace: 'Shop', Dimensions: [['service', 'stack']], Metrics: [{ Name: 'Orders' }] },
            ],
          },
        }),
      ),
      ...parseEmf(line({ stack: 'prod' })),
    ];
    const series = aggregate(points);
    expect(series).toHaveLength(2);
    const dev = series.find((s) => s.dimensions.stack === 'dev');
    expect(dev?.periods.map((p) => [p.start, p.sum, p.count])).toEqual([
      [Date.UTC(2026, 0, 1, 12, 0), 3, 2],
      [Date.UTC(2026, 0, 1, 12, 1), 1, 1],
    ]);
    expect(statistic(dev!.periods[0], 'Average')).toBe(1.5);
    expect(statistic(dev!.periods[0], 'Maximum')).toBe(2);
    expect(statistic(dev!.periods[0], 'p99')).toBeUndefined();
  });
});
