/**
 * The capacity command as a user runs it: nonsense gets one line and exit code 2; `--json` gives the report.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs, UsageError } from '../../capacity/args';

jest.setTimeout(240_000);

const PROJECT_DIR = path.resolve(__dirname, '..', '..');
const TSX = path.join(PROJECT_DIR, 'node_modules', '.bin', 'tsx');

function capacity(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(TSX, ['capacity/cli.ts', ...args], { cwd: PROJECT_DIR, encoding: 'utf8', timeout: 200_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('parseArgs', () => {
  it('reads a scenario with a burst, a region and --json', () => {
    expect(
      parseArgs(['--rate', '100', '--duration=600', '--burst', '500:60', '--region', 'af-south-1', '--json']),
    ).toMatchObject({
      scenario: { rate: 100, durationSeconds: 600, burst: { rate: 500, seconds: 60, atSeconds: 0 } },
      region: 'af-south-1',
      json: true,
    });
  });

  it.each([
    [['--rate', '-5', '--duration', '60'], '--rate must not be negative, got -5'],
    [['--rate', '10', '--duration', '0'], '--duration must be greater than zero'],
    [['--rate', '10', '--duration', '60', '--region', 'mars-north-1'], 'unknown region "mars-north-1"'],
    [['--rate', '10', '--duration', '60', '--burst', '50'], '--burst must be <orders/s>:<seconds>, got "50"'],
    [['--rate', 'lots', '--duration', '60'], '--rate must be a number, got "lots"'],
    [['--duration', '60'], '--rate is required'],
    [
      ['--rate', '10', '--duration', '60', '--carrier-errors', '2'],
      '--carrier-errors is a share between 0 and 1, got 2',
    ],
    [['--rate', '10', '--duration', '60', '--frobnicate'], 'unknown argument "--frobnicate"'],
  ])('refuses %j with a plain message', (args, message) => {
    expect(() => parseArgs(args)).toThrow(new UsageError(message));
  });
});

describe('npm run capacity', () => {
  it.each([
    [['--rate', '-1', '--duration', '60'], 'capacity: --rate must not be negative, got -1'],
    [['--rate', '10', '--duration', '0'], 'capacity: --duration must be greater than zero'],
    [['--rate', '10', '--duration', '60', '--region', 'xx-nowhere-9'], 'capacity: unknown region "xx-nowhere-9"'],
  ])('exits 2 with one line for %j', (args, line) => {
    const run = capacity(args);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(line);
    expect(run.stdout).toBe('');
  });

  it('answers from the graph, as JSON for tools', () => {
    const run = capacity(['--rate', '50', '--duration', '60', '--json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ region: 'us-east-1', profile: 'aws', offered: 3000 });
    // The stage's 25/s (burst 50) from Pulumi.dev.yaml throttles the rest.
    expect(report.throttled).toBeCloseTo(3000 - 50 - 25 * 60, -1);
    expect(report.bottleneck.label).toBe('POST /uploads → PutEvents');
    expect(report.hops.length).toBeGreaterThan(5);
    expect(report.cost.perMillionOrdersUsd).toBeGreaterThan(0);
  });
});
