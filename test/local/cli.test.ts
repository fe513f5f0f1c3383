import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { classifyResources } from '../../local/model/emulation';
import { GraphResource } from '../../local/model/graph';
import { StackGraph } from '../../local/model/load';
import { LocalSecretStore } from '../../local/model/local-secrets';
import { UrlMap } from '../../local/model/url-map';
import type { CloudHandle } from '../../local/cloud';
import { iamReport } from '../../local/iam';

// The summary is built from a handle; starting a cloud is the e2e tests' job.
jest.mock('../../local/cloud', () => ({ startCloud: jest.fn() }));
const { busyPortsMessage, CliUsageError, explainConfigError, parseCliArgs, portInUse, summary } =
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after jest.mock above
  require('../../local/cli') as typeof import('../../local/cli');

function resource(
  type: string,
  name: string,
  id: string,
  state: Record<string, unknown>,
  custom = true,
): GraphResource & { custom: boolean } {
  return { type, name, id, urn: `urn:pulumi:dev::p::${type}::${name}`, inputs: state, state, custom };
}

function fakeHandle(projectDir: string): CloudHandle {
  const api = 'api1';
  const graph = new StackGraph(
    [
      resource('p:index:Component', 'group', '', {}, false),
      resource('aws:apigatewayv2/api:Api', 'api', api, {
        name: 'shop-api',
        protocolType: 'HTTP',
        apiEndpoint: `https://${api}.execute-api.us-east-1.amazonaws.com`,
      }),
      resource('aws:apigatewayv2/integration:Integration', 'i', 'i1', {
        apiId: api,
        integrationType: 'AWS_PROXY',
        integrationSubtype: 'EventBridge-PutEvents',
        requestParameters: {},
      }),
      resource('aws:apigatewayv2/route:Route', 'r1', 'r1', {
        apiId: api,
        routeKey: 'POST /widgets',
        target: 'integrations/i1',
      }),
      resource('aws:apigatewayv2/route:Route', 'r2', 'r2', {
        apiId: api,
        routeKey: 'POST /secret',
        target: 'integrations/i1',
        authorizationType: 'CUSTOM',
      }),
      resource('aws:iam/role:Role', 'role-a', 'role-a', {}),
      resource('aws:iam/role:Role', 'role-b', 'role-b', {}),
    ],
    { apiUrl: `https://${api}.execute-api.us-east-1.amazonaws.com/`, token: 'tok-123' },
    {
      project: 'p',
      stack: 'dev',
      values: { 'p:token': 'local-token-12345678' },
      secretKeys: ['p:token'],
      placeholders: ['p:token'],
      overridden: [],
    },
    '123456789012',
    'us-east-1',
    ['token'],
  );
  const urlMap = new UrlMap();
  urlMap.add(`https://${api}.execute-api.us-east-1.amazonaws.com`, 'http://127.0.0.1:3000');
  return {
    graph,
    iam: { enabled: false },
    classification: classifyResources(graph),
    urls: {
      api: 'http://127.0.0.1:3000',
      apis: [
        {
          name: 'shop-api',
          id: api,
          aws: `https://${api}.execute-api.us-east-1.amazonaws.com`,
          local: 'http://127.0.0.1:3000',
        },
      ],
      edge: 'http://127.0.0.1:4566',
      dynamodb: 'http://127.0.0.1:9999',
      functionUrls: [],
    },
    urlMap,
    dataDir: path.join(projectDir, '.local'),
    secrets: new LocalSecretStore(),
    warnings: [],
    services: {} as CloudHandle['services'],
    stop: async () => undefined,
  };
}

describe('npm start (cli)', () => {
  it('parses options, repeated --config and --map-url, and ports from the environment', () => {
    // Act
    const options = parseCliArgs(
      [
        '--stack',
        'prod',
        '--config',
        'a=1',
        '--config=b=x=y',
        '--in-memory',
        '--data-dir',
        'd',
        '--map-url',
        'https://x.example=http://127.0.0.1:1',
      ],
      { PORT: '8080' },
    );
    // Assess
    expect(options).toMatchObject({
      stack: 'prod',
      configOverrides: { a: '1', b: 'x=y' },
      inMemory: true,
      dataDir: 'd',
      port: 8080,
      edgePort: 4566,
      urlOverrides: { 'https://x.example': 'http://127.0.0.1:1' },
    });
    expect(() => parseCliArgs(['--bogus'], {})).toThrow(CliUsageError);
    expect(() => parseCliArgs([], { AWS_EDGE_PORT: 'abc' })).toThrow(CliUsageError);
  });

  it('prints resources by type, what is not emulated, URLs, outputs as local URLs, placeholders and a paired curl', () => {
    // Prepare: an example body named after the route's last segment.
    const projectDir = path.join(__dirname, 'fixtures', 'cli-project');
    // Act
    const text = summary(fakeHandle(projectDir), projectDir).join('\n');
    // Assess
    expect(text).toMatch(/1 ×\s+aws:apigatewayv2\/api:Api\s+\[HTTP API\]\s+shop-api/);
    expect(text).toMatch(/Not emulated \(2;[^\n]*\n\s+2 ×\s+aws:iam\/role:Role/);
    expect(text).toContain('Components: 1');
    expect(text).toMatch(/AWS edge\s+http:\/\/127\.0\.0\.1:4566/);
    expect(text).toContain('apiUrl: "http://127.0.0.1:3000/"');
    expect(text).toContain('p:token = local-token-12345678');
    expect(text).toContain(
      "curl -sS -X POST http://127.0.0.1:3000/widgets -H 'content-type: application/json' -d @examples/widget.json",
    );
    expect(text).not.toContain('/secret -H');
    expect(text).toContain('\nReady.');
  });

  it('masks secret outputs and names the data directory in the hints that need it', () => {
    // Prepare
    const projectDir = path.join(__dirname, 'fixtures', 'cli-project');
    const handle = { ...fakeHandle(projectDir), dataDir: path.join(projectDir, 'other-dir') };
    // Act
    const text = summary(handle, projectDir).join('\n');
    // Assess
    expect(text).toContain('token: [secret]');
    expect(text).not.toContain('tok-123');
    expect(text).toContain('npm run -s stack-output -- <name> --show-secrets --data-dir other-dir');
    expect(text).toContain('`npm run logs -- --data-dir other-dir` reads them');
    expect(summary(fakeHandle(projectDir), projectDir).join('\n')).toContain('`npm run logs` reads them');
  });

  it('enforces IAM unless --iam off, and says which at start-up', async () => {
    // Prepare
    const handle = fakeHandle('/p');
    const report = await iamReport(handle.graph);
    // Act
    const on = summary({ ...handle, iam: { enabled: true, report } }, '/p').join('\n');
    const off = summary(handle, '/p').join('\n');
    // Assess
    expect(parseCliArgs([], {}).iam).toBeUndefined();
    expect(parseCliArgs(['--iam', 'off'], {}).iam).toBe(false);
    expect(parseCliArgs(['--iam=on'], {}).iam).toBe(true);
    expect(() => parseCliArgs(['--iam', 'maybe'], {})).toThrow(/Expected --iam on or --iam off/);
    expect(on).toContain('IAM enforcement: on (`--iam off` turns it off).');
    expect(on).toContain("IAM: 0 permission checks on this stack's hops, 0 would be denied on AWS");
    expect(off).toContain('IAM enforcement: off (--iam off): every call is allowed, as before.');
  });

  it('takes the data directory from LOCAL_DATA_DIR unless --data-dir is given', () => {
    expect(parseCliArgs([], { LOCAL_DATA_DIR: '/tmp/a' }).dataDir).toBe('/tmp/a');
    expect(parseCliArgs(['--data-dir', 'b'], { LOCAL_DATA_DIR: '/tmp/a' }).dataDir).toBe('b');
  });

  it('finds a busy port before anything starts, and names the variable that moves it', async () => {
    // Prepare: a port something listens on.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const busy = (server.address() as net.AddressInfo).port;
    // Act
    const message = await busyPortsMessage([
      { port: busy, variable: 'PORT', what: 'the HTTP API' },
      { port: 0, variable: 'AWS_EDGE_PORT', what: 'the AWS edge' },
    ]);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // Assess
    expect(await portInUse(0)).toBe(false);
    expect(message).toBe(
      `Port ${busy} (the HTTP API, PORT) is already in use: nothing was started. Set a free port, e.g. \`PORT=${busy + 1} npm start\` (0 picks any).`,
    );
    expect(await busyPortsMessage([{ port: busy, variable: 'PORT', what: 'x' }])).toBeUndefined();
  });

  it('reads a --config value from an environment variable or a file, and never from the command line', () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-config-'));
    const file = path.join(dir, 'token');
    writeFileSync(file, 'from-a-file\n');
    // Act
    const options = parseCliArgs(['--config-env', 'callbackToken=MY_TOKEN', '--config-file', 'carrierApiKey=' + file], {
      MY_TOKEN: 'from-the-env',
    });
    rmSync(dir, { recursive: true, force: true });
    // Assess
    expect(options.configOverrides).toEqual({ callbackToken: 'from-the-env', carrierApiKey: 'from-a-file' });
    expect(() => parseCliArgs(['--config-env', 'callbackToken=UNSET'], {})).toThrow(/UNSET is not set/);
    expect(() => parseCliArgs(['--config-file', 'k=/no/such/file'], {})).toThrow(CliUsageError);
  });

  it('shows secrets generated this run once, and only where they are kept on later runs', () => {
    // Prepare
    const projectDir = path.join(__dirname, 'fixtures', 'cli-project');
    const fresh = fakeHandle(projectDir);
    const value = fresh.secrets.value('random:callback-token', 40);
    const later = {
      ...fresh,
      secrets: Object.assign(Object.create(Object.getPrototypeOf(fresh.secrets)) as LocalSecretStore, fresh.secrets, {
        generated: [],
      }),
    };
    // Act
    const first = summary(fresh, projectDir).join('\n');
    const second = summary(later, projectDir).join('\n');
    // Assess
    expect(first).toMatch(new RegExp(`callback-token\\s+${value}`));
    expect(second).not.toContain(value);
    expect(second).toContain('npm run secrets');
  });
});

describe('configuration errors at start-up', () => {
  class ConfigError extends Error {
    override name = 'ConfigError';
  }

  it('names the setting and how to fix it, without a stack trace', () => {
    const lines = explainConfigError(new ConfigError('shop:authType must be one of A, B, got "C"'), 'prod');
    expect(lines).toEqual([
      'The stack\'s configuration is not valid: shop:authType must be one of A, B, got "C"',
      'Fix: set shop:authType in Pulumi.prod.yaml (`pulumi config set shop:authType <value> --stack prod`), or for this run only: npm start -- --config shop:authType=<value>',
    ]);
    expect(lines?.join('\n')).not.toMatch(/\n\s+at /);
  });

  it('points at the stack file when no key is named, and leaves other errors alone', () => {
    expect(explainConfigError(new ConfigError('Pulumi.yaml must declare the project name'), 'dev')?.[1]).toBe(
      'Fix: check Pulumi.dev.yaml and the --config flags (npm start -- --help).',
    );
    expect(explainConfigError(new Error('boom'), 'dev')).toBeUndefined();
  });

  it('parses --verbose', () => {
    expect(parseCliArgs(['--verbose'], {}).verbose).toBe(true);
    expect(parseCliArgs([], {}).verbose).toBeUndefined();
  });
});
