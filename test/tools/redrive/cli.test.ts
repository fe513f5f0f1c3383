import { parseRedriveArgs } from '../../../tools/redrive/cli';

describe('parseRedriveArgs', () => {
  it('takes a queue, a dry run and the endpoint from AWS_ENDPOINT_URL when no flag is given', () => {
    const args = parseRedriveArgs(['all', '--dry-run'], { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' });
    expect(args).toMatchObject({ queue: 'all', dryRun: true, endpointUrl: 'http://127.0.0.1:4566' });
  });

  it('takes a replay with its window and rules', () => {
    const args = parseRedriveArgs(
      [
        '--replay',
        'orders-archive',
        '--from',
        '2026-11-30T10:00:00Z',
        '--to',
        '2026-11-30T11:00:00Z',
        '--rule',
        'arn:r',
      ],
      {},
    );
    expect(args.replay).toEqual({
      archive: 'orders-archive',
      from: new Date('2026-11-30T10:00:00Z'),
      to: new Date('2026-11-30T11:00:00Z'),
      rules: ['arn:r'],
    });
  });

  it.each([
    [[], /usage: npm run redrive/],
    [['a', 'b'], /one queue at a time/],
    [['--bogus'], /unknown option --bogus/],
    [['all', '--from', '2026-11-30T10:00:00Z'], /belong to --replay/],
    [['--replay', 'x', '--from', 'soon', '--to', '2026-11-30T11:00:00Z'], /--from expects an ISO 8601 time/],
    [['--replay', 'x', '--from', '2026-11-30T11:00:00Z', '--to', '2026-11-30T10:00:00Z'], /--to must be after --from/],
    [
      ['--replay', 'x', '--from', '2026-11-30T10:00:00Z', '--to', '2026-11-30T11:00:00Z', '--dry-run'],
      /cannot be tried/,
    ],
    [['q', '--config', 'novalue'], /--config expects key=value/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseRedriveArgs(argv as string[], {})).toThrow(message);
  });
});
