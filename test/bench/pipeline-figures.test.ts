import {
  byName,
  descendants,
  MAX_CONNECTIONS,
  parsePipelineBenchArgs,
  parseProcStat,
  percentile,
} from '../../bench/pipeline-figures';

describe('parsePipelineBenchArgs', () => {
  it('defaults to 1,000 orders at concurrency 16', () => {
    expect(parsePipelineBenchArgs([])).toEqual({ orders: 1000, concurrency: 16 });
  });

  it('reads --orders, --concurrency (spaced or with =) and --cpu-prof', () => {
    expect(parsePipelineBenchArgs(['--orders', '200', '--concurrency=32', '--cpu-prof', 'prof'])).toEqual({
      orders: 200,
      concurrency: 32,
      cpuProfileDir: 'prof',
    });
  });

  it.each([
    [['--orders', '0'], /--orders must be at least 1, got 0/],
    [['--orders', '-5'], /--orders must be at least 1, got -5/],
    [['--orders', '1.5'], /--orders must be a whole number, got "1.5"/],
    [['--orders', 'many'], /--orders must be a whole number, got "many"/],
    [['--concurrency', '0'], /--concurrency must be at least 1/],
    [
      ['--concurrency', String(MAX_CONNECTIONS + 1)],
      new RegExp(`--concurrency ${MAX_CONNECTIONS + 1} is above the connection limit`),
    ],
    [['--orders'], /--orders needs a value/],
    [['--fast'], /Unknown option --fast/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parsePipelineBenchArgs(argv)).toThrow(message);
  });

  it(`accepts concurrency up to the connection limit (${MAX_CONNECTIONS})`, () => {
    expect(parsePipelineBenchArgs(['--concurrency', String(MAX_CONNECTIONS)]).concurrency).toBe(MAX_CONNECTIONS);
  });
});

describe('percentile', () => {
  const samples = Array.from({ length: 100 }, (_, i) => i + 1);

  it.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [0, 1],
  ])('p%d of 1..100 is %d (nearest rank)', (p, expected) => {
    expect(percentile(samples, p)).toBe(expected);
  });

  it('is undefined without samples', () => {
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('parseProcStat', () => {
  it('reads pid, ppid, name (with spaces and parentheses), CPU seconds and RSS', () => {
    // Prepare: fields 14/15 (utime/stime) = 250/50 ticks, field 24 (rss) = 1000 pages
    const fields = [
      'S',
      '41',
      ...Array.from({ length: 9 }, () => '0'),
      '250',
      '50',
      ...Array.from({ length: 8 }, () => '0'),
      '1000',
      '0',
    ];
    const text = `4242 (my (odd) proc) ${fields.join(' ')}\n`;

    // Act
    const sample = parseProcStat(text, 100, 4096);

    // Assess
    expect(sample).toEqual({ pid: 4242, ppid: 41, name: 'my (odd) proc', cpuSeconds: 3, rssBytes: 4096000 });
  });
});

describe('descendants and byName', () => {
  const p = (pid: number, ppid: number, name: string, cpuSeconds = 1, rssBytes = 10) => ({
    pid,
    ppid,
    name,
    cpuSeconds,
    rssBytes,
  });
  const all = [
    p(1, 0, 'init'),
    p(10, 1, 'node'),
    p(11, 10, 'node'),
    p(12, 11, 'java', 2, 30),
    p(20, 1, 'node'),
    p(13, 12, 'sh'),
  ];

  it('finds the whole tree under a root, whatever the listing order', () => {
    expect(
      descendants(all, 10)
        .map((s) => s.pid)
        .sort((a, b) => a - b),
    ).toEqual([10, 11, 12, 13]);
  });

  it('sums CPU and RSS by process name', () => {
    expect(byName(descendants(all, 10)).get('node')).toEqual({ cpuSeconds: 2, rssBytes: 20, count: 2 });
    expect(byName(descendants(all, 10)).get('java')).toEqual({ cpuSeconds: 2, rssBytes: 30, count: 1 });
  });
});
