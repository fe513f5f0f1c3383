/**
 * `npm run logs [-- --follow] [--source NAME] [--since 5m] [--data-dir DIR] [--stack NAME]`: the local cloud's
 * logs (functions and log-group targets, under <data-dir>/logs) shown the way `pulumi logs` shows a stack's:
 * a header line, then one line per record, `<time>[<source>] <message>`, oldest first; `--follow` keeps
 * printing new lines until Ctrl-C. Like `pulumi logs`, the default window is the last hour.
 * https://www.pulumi.com/docs/iac/cli/commands/pulumi_logs/
 *
 * Logs belong to a data directory, not to a stack name: the stack is the one last started on that directory
 * (recorded by `npm start`), and `--stack` naming another one is refused rather than answered with its logs.
 */
import * as path from 'node:path';
import { followLogLines, LogLine, readLogLines } from './services/logs';
import { errorMessage, LocalCloudError } from './services/kernel/errors';
import { readStackOutputs } from './stack-outputs';

export const LOGS_USAGE = `Usage: npm run logs -- [--follow] [--source NAME] [--since DURATION|DATE] [--data-dir DIR] [--stack NAME]
  -f, --follow        keep printing new lines until Ctrl-C
  -r, --source NAME   only this source: a function's name or a log group's name, as printed in brackets
  --since 5m          from this long ago (s, m, h, d) or from a date/time (default 1h, as pulumi logs)
  --data-dir DIR      the local cloud's data directory (default $LOCAL_DATA_DIR, else .local)
  -s, --stack NAME    check that DIR holds this stack's logs (it holds those of the stack last started on it)
  -h, --help          this text`;

export interface LogsCliOptions {
  follow: boolean;
  source?: string;
  since: Date;
  /** The logs directory: <data-dir>/logs. */
  dir: string;
  /** As given with --stack (checked against the data directory's own). */
  stack?: string;
  help?: boolean;
}

export class LogsCliError extends LocalCloudError {}

/** `30s`, `5m`, `2h`, `1d` before `now`, or an absolute date/time. */
export function parseSince(value: string, now: Date = new Date()): Date {
  const relative = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
  if (relative) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const absolute = new Date(value);
  if (Number.isNaN(absolute.getTime()))
    throw new LogsCliError(`--since expects a duration like 5m or a date, got "${value}"`);
  return absolute;
}

export function parseLogsArgs(argv: string[], now: Date = new Date(), env: NodeJS.ProcessEnv = {}): LogsCliOptions {
  const options: LogsCliOptions = {
    follow: false,
    since: parseSince('1h', now),
    dir: path.join(env.LOCAL_DATA_DIR || '.local', 'logs'),
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined) throw new LogsCliError(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--follow' || arg === '-f') options.follow = true;
    else if (arg === '--source' || arg === '-r') options.source = value();
    else if (arg === '--since') options.since = parseSince(value(), now);
    else if (arg === '--data-dir') options.dir = path.join(value(), 'logs');
    else if (arg === '--stack' || arg === '-s') options.stack = value();
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new LogsCliError(`Unknown option ${arg}\n${LOGS_USAGE}`);
  }
  return options;
}

/** One line as `pulumi logs` prints it: the time, the source in brackets, the message. */
export function formatForDisplay(line: LogLine): string {
  return ` ${line.time.toISOString()}[${line.source.padStart(30)}] ${line.message}`;
}

export function runLogsCli(
  argv: string[],
  out: (line: string) => void = (l) => console.log(l),
  env: NodeJS.ProcessEnv = process.env,
): { stop(): void } | undefined {
  const options = parseLogsArgs(argv, new Date(), env);
  if (options.help) {
    out(LOGS_USAGE);
    return undefined;
  }
  const dataDir = path.dirname(options.dir);
  const recorded = readStackOutputs(dataDir)?.stack;
  if (options.stack !== undefined && recorded !== undefined && options.stack !== recorded) {
    throw new LogsCliError(
      `${dataDir} holds the logs of stack ${recorded}, not ${options.stack}: each data directory keeps the logs of the stack started on it. ` +
        `Start ${options.stack} with its own data directory (npm start -- --stack ${options.stack} --data-dir DIR) and read them with --data-dir DIR.`,
    );
  }
  const stack = recorded ?? options.stack ?? 'dev';
  out(`Collected logs for stack ${stack} since ${options.since.toISOString()}.`);
  out('');
  const filter = { dir: options.dir, source: options.source, since: options.since };
  if (!options.follow) {
    for (const line of readLogLines(filter)) out(formatForDisplay(line));
    return undefined;
  }
  return followLogLines({ ...filter, fromStart: true, onLine: (line) => out(formatForDisplay(line)) });
}

if (require.main === module) {
  try {
    const follower = runLogsCli(process.argv.slice(2));
    if (follower) {
      const stop = (): void => {
        follower.stop();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  } catch (error) {
    console.error(errorMessage(error));
    process.exit(2);
  }
}
