/**
 * `npm run redrive -- <queue|all> [--dry-run]`: sends what the stack's dead-letter queues hold back where it failed.
 * `npm run redrive -- --replay <archive> --from <time> --to <time> [--rule <rule ARN>]...`: replays an archive onto
 * its bus. Common options: `[--stack NAME] [--config key=value]... [--endpoint-url URL] [--region REGION]`.
 *
 * The backend is chosen as the AWS CLI chooses it (`--endpoint-url`, else `AWS_ENDPOINT_URL`, else AWS). `<queue>`
 * is a queue URL, a queue name, or a logical name of the stack's graph (`order-created-dlq`); `all` is every queue
 * of the stack (each of them is a DLQ). Exit code 0 when everything was placed, 1 when a message was refused (it
 * stays in its queue), 2 on bad usage or a failed call.
 */
import * as path from 'node:path';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadStackGraph } from '../../local/model/load';
import { awsClientConfig, findStackQueues } from '../aws-clients';
import { redriveClients, redriveQueue, replayArchive } from './redrive';

const USAGE = [
  'usage: npm run redrive -- <queue|all> [--dry-run] [options]',
  '       npm run redrive -- --replay <archive> --from <ISO time> --to <ISO time> [--rule <rule ARN>]... [options]',
  'options: [--stack NAME] [--config key=value]... [--endpoint-url URL] [--region REGION] [--project-dir DIR]',
].join('\n');

export class RedriveUsageError extends Error {
  override name = 'RedriveUsageError';
}

export interface RedriveArgs {
  queue?: string;
  replay?: { archive: string; from: Date; to: Date; rules: string[] };
  dryRun: boolean;
  stack: string;
  config: Record<string, string>;
  endpointUrl?: string;
  region?: string;
  projectDir: string;
}

function parseTime(flag: string, value: string | undefined): Date {
  const time = value === undefined ? NaN : Date.parse(value);
  if (Number.isNaN(time))
    throw new RedriveUsageError(`${flag} expects an ISO 8601 time, got "${value ?? ''}"\n${USAGE}`);
  return new Date(time);
}

export function parseRedriveArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RedriveArgs {
  const args: RedriveArgs = { dryRun: false, stack: 'dev', config: {}, projectDir: process.cwd() };
  let archive: string | undefined;
  let from: string | undefined;
  let to: string | undefined;
  const rules: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined) throw new RedriveUsageError(`${arg} needs a value\n${USAGE}`);
      i += 1;
      return next;
    };
    if (arg === '--dry-run') args.dryRun = true;
    else if (arg === '--replay') archive = value();
    else if (arg === '--from') from = value();
    else if (arg === '--to') to = value();
    else if (arg === '--rule') rules.push(value());
    else if (arg === '--stack' || arg === '-s') args.stack = value();
    else if (arg === '--endpoint-url') args.endpointUrl = value();
    else if (arg === '--region') args.region = value();
    else if (arg === '--project-dir') args.projectDir = path.resolve(value());
    else if (arg === '--config' || arg === '-c') {
      const pair = value();
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new RedriveUsageError(`--config expects key=value, got "${pair}"`);
      args.config[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg.startsWith('-')) throw new RedriveUsageError(`unknown option ${arg}\n${USAGE}`);
    else if (args.queue === undefined) args.queue = arg;
    else throw new RedriveUsageError(`one queue at a time (or all)\n${USAGE}`);
  }
  if (archive !== undefined) {
    if (args.queue !== undefined) throw new RedriveUsageError(`--replay takes no queue\n${USAGE}`);
    if (args.dryRun) throw new RedriveUsageError('--dry-run applies to queues; a replay cannot be tried out');
    const replay = { archive, from: parseTime('--from', from), to: parseTime('--to', to), rules };
    if (replay.to <= replay.from) throw new RedriveUsageError('--to must be after --from');
    args.replay = replay;
  } else if (args.queue === undefined) throw new RedriveUsageError(USAGE);
  else if (from !== undefined || to !== undefined || rules.length > 0) {
    throw new RedriveUsageError(`--from, --to and --rule belong to --replay\n${USAGE}`);
  }
  args.endpointUrl = args.endpointUrl ?? (env.AWS_ENDPOINT_URL || undefined);
  return args;
}

export async function runRedrive(
  argv: string[],
  out: (line: string) => void = (l) => console.log(l),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const args = parseRedriveArgs(argv, env);
  const graph = await loadStackGraph({ stack: args.stack, projectDir: args.projectDir, configOverrides: args.config });
  const region = args.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? graph.region;
  const clients = redriveClients(awsClientConfig(args.endpointUrl, region, env));
  try {
    if (args.replay) {
      const { archive, from, to, rules } = args.replay;
      const result = await replayArchive(clients.events, { archiveName: archive, from, to, ruleArns: rules });
      out(`replay ${result.replayName} of ${archive}: ${result.state}${result.reason ? ` (${result.reason})` : ''}`);
      return result.state === 'COMPLETED' ? 0 : 1;
    }
    const queueLogicalNames = graph.resources.filter((r) => r.type === 'aws:sqs/queue:Queue').map((r) => r.name);
    const queues = await resolveQueues(clients.sqs, args.queue as string, queueLogicalNames);
    let refused = 0;
    for (const queue of queues) {
      const report = await redriveQueue(clients, queue.url, { dryRun: args.dryRun });
      refused += report.refused.length;
      const verb = args.dryRun ? 'would place' : 'placed';
      out(`${queue.queueName}: ${verb} ${report.placed}, refused ${report.refused.length}`);
      for (const action of report.actions) out(`  ${action}`);
    }
    return refused === 0 ? 0 : 1;
  } finally {
    clients.destroy();
  }
}

async function resolveQueues(
  sqs: SQSClient,
  queue: string,
  logicalNames: string[],
): Promise<{ queueName: string; url: string }[]> {
  if (queue === 'all') return findStackQueues(sqs, logicalNames);
  if (/^https?:\/\//.test(queue)) return [{ queueName: queue.split('/').pop() ?? queue, url: queue }];
  if (logicalNames.includes(queue)) {
    const found = await findStackQueues(sqs, [queue]);
    if (found.length === 0) throw new RedriveUsageError(`queue ${queue} of the stack does not exist (yet)`);
    return found;
  }
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
  return [{ queueName: queue, url: QueueUrl as string }];
}

if (require.main === module) {
  runRedrive(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
