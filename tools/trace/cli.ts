/**
 * `npm run trace -- <id> [--stack NAME] [--config key=value]... [--endpoint-url URL] [--region REGION] [--since 14d] [--project-dir DIR]`:
 * one order's journey (or any id the logs carry) as a timeline, one line per hop, from CloudWatch Logs and the
 * stack's queues. The backend is chosen as the AWS CLI chooses it: `--endpoint-url`, else `AWS_ENDPOINT_URL`,
 * gives that endpoint (the local cloud's edge); otherwise AWS with the default credential chain. The log groups
 * come from the stack's resource graph (the program under Pulumi mocks), so nothing needs to be deployed to know
 * where to look. Exit code 0 with hops, 1 when no log mentions the id, 2 on bad usage or a failed call.
 */
import * as path from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadStackGraph } from '../../local/model/load';
import { awsClientConfig } from '../aws-clients';
import { collectTrace } from './collect';
import { traceSourcesFromGraph } from './sources';
import { assembleTrace, formatTrace } from './timeline';

export interface TraceArgs {
  id: string;
  stack: string;
  endpointUrl?: string;
  region?: string;
  sinceMs: number;
  projectDir: string;
  json: boolean;
  /** `--config key=value` (repeatable), as `npm start` takes them: the graph the local cloud runs. */
  config: Record<string, string>;
}

export class TraceUsageError extends Error {
  override name = 'TraceUsageError';
}

const USAGE =
  'usage: npm run trace -- <id> [--stack NAME] [--config key=value]... [--endpoint-url URL] [--region REGION] [--since 14d] [--json]';

function parseDuration(value: string): number {
  const match = /^(\d+)([smhd])$/.exec(value);
  if (!match) throw new TraceUsageError(`--since expects a duration like 30m, 2h or 14d, got "${value}"`);
  return Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

export function parseTraceArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): TraceArgs {
  const args: Partial<TraceArgs> = {
    stack: 'dev',
    sinceMs: parseDuration('14d'),
    projectDir: process.cwd(),
    json: false,
    config: {},
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined) throw new TraceUsageError(`${arg} needs a value\n${USAGE}`);
      i += 1;
      return next;
    };
    if (arg === '--stack' || arg === '-s') args.stack = value();
    else if (arg === '--endpoint-url') args.endpointUrl = value();
    else if (arg === '--region') args.region = value();
    else if (arg === '--since') args.sinceMs = parseDuration(value());
    else if (arg === '--project-dir') args.projectDir = path.resolve(value());
    else if (arg === '--json') args.json = true;
    else if (arg === '--config' || arg === '-c') {
      const pair = value();
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new TraceUsageError(`--config expects key=value, got "${pair}"`);
      (args.config as Record<string, string>)[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg.startsWith('-')) throw new TraceUsageError(`unknown option ${arg}\n${USAGE}`);
    else if (args.id === undefined) args.id = arg;
    else throw new TraceUsageError(`one id at a time\n${USAGE}`);
  }
  if (!args.id) throw new TraceUsageError(USAGE);
  // Like the AWS CLI: the flag wins, then AWS_ENDPOINT_URL.
  args.endpointUrl = args.endpointUrl ?? (env.AWS_ENDPOINT_URL || undefined);
  return args as TraceArgs;
}

export async function runTrace(
  argv: string[],
  out: (line: string) => void = (l) => console.log(l),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const args = parseTraceArgs(argv, env);
  const graph = await loadStackGraph({ stack: args.stack, projectDir: args.projectDir, configOverrides: args.config });
  const sources = traceSourcesFromGraph(graph.resources);
  const region = args.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? graph.region;
  const config = awsClientConfig(args.endpointUrl, region, env);
  const logs = new CloudWatchLogsClient(config);
  const sqs = new SQSClient(config);
  try {
    const collected = await collectTrace({
      logs,
      sqs,
      id: args.id,
      groups: sources.groups,
      queueLogicalNames: sources.queueLogicalNames,
      startTime: Date.now() - args.sinceMs,
    });
    const trace = assembleTrace({
      id: args.id,
      groups: sources.groups,
      events: collected.events,
      rules: sources.rules,
      deadLetters: collected.deadLetters,
    });
    if (args.json) out(JSON.stringify(trace, null, 2));
    else {
      for (const line of formatTrace(trace)) out(line);
      if (trace.hops.length === 0)
        out(
          `Searched ${sources.groups.length} log group(s) of stack ${args.stack} and its queues on ${args.endpointUrl ?? `AWS (${region})`}.`,
        );
      if (collected.missingGroups.length > 0) out(`(not created yet: ${collected.missingGroups.join(', ')})`);
    }
    return trace.hops.length > 0 ? 0 : 1;
  } finally {
    logs.destroy();
    sqs.destroy();
  }
}

if (require.main === module) {
  runTrace(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
