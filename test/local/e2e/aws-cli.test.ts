/**
 * The AWS CLI against `npm start`'s edge: list and describe the stack's resources with the stack's ARNs, a replay
 * of the archive, and a change refused. Needs the `aws` CLI (v1 or v2) on the PATH; without it this suite is skipped and says why.
 */
import { execFile, spawnSync } from 'node:child_process';
import { PROJECT_DIR, RunningCloud, startCli, tempDataDir } from './harness';

jest.setTimeout(300_000);

const probe = spawnSync('aws', ['--version'], { encoding: 'utf8' });
const cliAvailable = probe.error === undefined && probe.status === 0;
if (!cliAvailable)
  console.warn(
    `aws-cli.test.ts: skipped, the AWS CLI is not on the PATH (${probe.error?.message ?? `exit ${String(probe.status)}`})`,
  );
const describeWithCli = cliAvailable ? describe : describe.skip;

let cloud: RunningCloud;
let data: ReturnType<typeof tempDataDir>;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One `aws` call on the edge, with dummy credentials and no user config; the region only signs the request. */
function aws(...args: string[]): Promise<CliResult> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: data.dir,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: `${data.dir}/no-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${data.dir}/no-credentials`,
    AWS_PAGER: '',
  };
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['--endpoint-url', cloud.edge, '--output', 'json', ...args],
      { env, cwd: PROJECT_DIR },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function awsJson<T>(...args: string[]): Promise<T> {
  const result = await aws(...args);
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

describeWithCli('the AWS CLI inspects the local stack', () => {
  beforeAll(async () => {
    data = tempDataDir();
    cloud = await startCli(['--in-memory', '--data-dir', data.dir]);
  });

  afterAll(async () => {
    await cloud?.stop();
    data?.remove();
  });

  it('prints the served control-plane operations in the start-up banner', () => {
    expect(cloud.output()).toContain('Control plane on the AWS edge');
    expect(cloud.output()).toMatch(/events\s+ListEventBuses, DescribeEventBus, ListRules/);
  });

  it('lists and describes buses, rules and targets, functions, the pipe and its role, with the stack ARNs', async () => {
    // Act
    const buses = await awsJson<{ EventBuses: { Name: string; Arn: string }[] }>('events', 'list-event-buses');
    const bus = buses.EventBuses.find((b) => b.Name !== 'default') as { Name: string; Arn: string };
    const rules = await awsJson<{ Rules: { Name: string; Arn: string }[] }>(
      'events',
      'list-rules',
      '--event-bus-name',
      bus.Name,
    );
    const targets = await awsJson<{ Targets: { Id: string; Arn: string }[] }>(
      'events',
      'list-targets-by-rule',
      '--rule',
      rules.Rules[0].Name,
      '--event-bus-name',
      bus.Name,
    );
    const functions = await awsJson<{ Functions: { FunctionName: string; FunctionArn: string }[] }>(
      'lambda',
      'list-functions',
    );
    const config = await awsJson<{ FunctionArn: string }>(
      'lambda',
      'get-function-configuration',
      '--function-name',
      functions.Functions[0].FunctionName,
    );
    const pipes = await awsJson<{ Pipes: { Name: string }[] }>('pipes', 'list-pipes');
    const pipe = await awsJson<{ Source: string; Target: string; RoleArn: string }>(
      'pipes',
      'describe-pipe',
      '--name',
      pipes.Pipes[0].Name,
    );
    const streams = await awsJson<{ Streams: { StreamArn: string }[] }>('dynamodbstreams', 'list-streams');
    const role = await awsJson<{ Role: { Arn: string } }>(
      'iam',
      'get-role',
      '--role-name',
      pipe.RoleArn.slice(pipe.RoleArn.lastIndexOf('/') + 1),
    );
    // Assess
    expect(bus.Arn).toMatch(/^arn:aws:events:[a-z0-9-]+:\d{12}:event-bus\//);
    expect(rules.Rules.length).toBeGreaterThan(0);
    expect(rules.Rules.every((r) => r.Arn.startsWith(bus.Arn.replace(':event-bus/', ':rule/')))).toBe(true);
    expect(targets.Targets.length).toBeGreaterThan(0);
    expect(config.FunctionArn).toBe(functions.Functions[0].FunctionArn);
    expect(pipe.Target).toBe(bus.Arn);
    // The stream the pipe reads is listed under the very ARN the stack declares, not DynamoDB Local's.
    expect(streams.Streams.map((s) => s.StreamArn)).toContain(pipe.Source);
    expect(JSON.stringify(streams)).not.toContain('ddblocal');
    expect(role.Role.Arn).toBe(pipe.RoleArn);
  });

  it('replays the archive with start-replay and describe-replay, and refuses a window that ends before it starts', async () => {
    // Prepare
    const { Archives } = await awsJson<{ Archives: { ArchiveName: string; EventSourceArn: string }[] }>(
      'events',
      'list-archives',
    );
    const { ArchiveArn } = await awsJson<{ ArchiveArn: string }>(
      'events',
      'describe-archive',
      '--archive-name',
      Archives[0].ArchiveName,
    );
    const window = (from: number, to: number): string[] => [
      '--event-source-arn',
      ArchiveArn,
      '--event-start-time',
      new Date(Date.now() + from).toISOString(),
      '--event-end-time',
      new Date(Date.now() + to).toISOString(),
      '--destination',
      `Arn=${Archives[0].EventSourceArn}`,
    ];
    // Act
    const started = await awsJson<{ State: string }>(
      'events',
      'start-replay',
      '--replay-name',
      'cli',
      ...window(-3_600_000, 0),
    );
    let described = await awsJson<{ State: string }>('events', 'describe-replay', '--replay-name', 'cli');
    for (let i = 0; i < 50 && described.State !== 'COMPLETED'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      described = await awsJson<{ State: string }>('events', 'describe-replay', '--replay-name', 'cli');
    }
    const backwards = await aws('events', 'start-replay', '--replay-name', 'cli-bad', ...window(0, -3_600_000));
    // Assess
    expect(started.State).toBe('STARTING');
    expect(described.State).toBe('COMPLETED');
    expect(backwards.code).not.toBe(0);
    expect(backwards.stderr).toContain('ValidationException');
    expect(backwards.stderr).toContain('EventStartTime must be before EventEndTime');
  });

  it('refuses a change with the message that says where the stack is defined', async () => {
    // Act
    const result = await aws('events', 'put-rule', '--name', 'added-by-hand', '--event-pattern', '{"source":["x"]}');
    // Assess
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('AccessDeniedException');
    expect(result.stderr).toContain('the local stack is defined by the Pulumi program');
  });
});
