import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LogsCliError, parseLogsArgs, parseSince, runLogsCli } from '../../local/logs-cli';
import { LogSink } from '../../local/services/logs';
import { writeStackOutputs } from '../../local/stack-outputs';

describe('npm run logs', () => {
  const now = new Date('2026-11-24T10:00:00.000Z');

  it('parses durations and dates for --since', () => {
    expect(parseSince('5m', now).toISOString()).toBe('2026-11-24T09:55:00.000Z');
    expect(parseSince('2h', now).toISOString()).toBe('2026-11-24T08:00:00.000Z');
    expect(parseSince('2026-11-24T09:00:00Z', now).toISOString()).toBe('2026-11-24T09:00:00.000Z');
    expect(() => parseSince('soon', now)).toThrow(LogsCliError);
  });

  it('parses the options, defaulting to the last hour of .local/logs', () => {
    expect(parseLogsArgs([], now)).toEqual({
      follow: false,
      since: new Date('2026-11-24T09:00:00.000Z'),
      dir: path.join('.local', 'logs'),
    });
    expect(parseLogsArgs([], now, { LOCAL_DATA_DIR: '/tmp/d' }).dir).toBe(path.join('/tmp/d', 'logs'));
    expect(parseLogsArgs(['--help'], now).help).toBe(true);
    expect(parseLogsArgs(['--follow', '--source', 'fn', '--data-dir', '/tmp/x'], now)).toMatchObject({
      follow: true,
      source: 'fn',
      dir: path.join('/tmp/x', 'logs'),
    });
    expect(() => parseLogsArgs(['--nope'], now)).toThrow(LogsCliError);
  });

  it('prints stored lines of the chosen source, oldest first, in the pulumi logs layout', () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'logs-cli-'));
    const sink = new LogSink({ dir: path.join(dir, 'logs'), quiet: true });
    const recent = Date.now();
    sink.write({ time: new Date(recent - 2000), source: 'fn-a', message: 'first' });
    sink.write({ time: new Date(recent - 1000), source: 'fn-b', message: 'other' });
    sink.write({ time: new Date(recent), source: 'fn-a', message: 'second' });
    const printed: string[] = [];
    // Act
    runLogsCli(['--data-dir', dir, '--source', 'fn-a', '--since', '1m'], (line) => printed.push(line));
    rmSync(dir, { recursive: true, force: true });
    // Assess
    expect(printed[0]).toMatch(/^Collected logs for stack dev since /);
    expect(printed.slice(2)).toEqual([
      ` ${new Date(recent - 2000).toISOString()}[${'fn-a'.padStart(30)}] first`,
      ` ${new Date(recent).toISOString()}[${'fn-a'.padStart(30)}] second`,
    ]);
  });

  it('prints its usage for --help, and names the stack the data directory belongs to, refusing another', () => {
    // Prepare: a data directory last started with stack prod.
    const dir = mkdtempSync(path.join(tmpdir(), 'logs-cli-'));
    writeStackOutputs(dir, { stack: 'prod', outputs: {}, secretOutputs: [] });
    const printed: string[] = [];
    // Act
    runLogsCli(['--help'], (line) => printed.push(line), {});
    runLogsCli(['--data-dir', dir], (line) => printed.push(line), {});
    const refused = (): unknown => runLogsCli(['--data-dir', dir, '--stack', 'dev'], () => undefined, {});
    // Assess
    expect(printed[0]).toContain('--follow');
    expect(printed[1]).toMatch(/^Collected logs for stack prod since /);
    expect(refused).toThrow(/holds the logs of stack prod, not dev/);
    rmSync(dir, { recursive: true, force: true });
  });
});
