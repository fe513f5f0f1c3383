/**
 * The ONE Pulumi mocks module of the project, shared by the infra tests and the local cloud.
 *
 * `setStackMocks()` installs config and a `RecordingMocks` instance, so that importing `index.ts` afterwards runs
 * the whole program against fake providers. Every resource the program declares is recorded (type, logical name,
 * physical id, URN, parent URN, dependencies, inputs, computed state), and the computed outputs look like the
 * ones AWS returns (ARNs by type, queue URLs, API endpoints, stream ARNs...), so code that interprets the graph
 * (tests, the local cloud) can work with realistic values. Everything is deterministic: the same program and
 * config give the same graph, ids and names included. The one exception is opt-in: `randomValue` lets the local
 * cloud give the random provider's resources values nobody can predict (the tests leave it unset).
 *
 * Secrets: the Pulumi runtime hands mocks the inputs with secret values wrapped in a signature object. `inputs`
 * and `state` on a record are unwrapped (plain values, what AWS would receive); `rawInputs` keeps the wrappers and
 * `secretInputs` lists the top-level input keys that arrived as secrets, so tests can prove a secret never reaches
 * a resource unmarked.
 */
import * as crypto from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import * as settings from '@pulumi/pulumi/runtime/settings';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseProjectFile } from './config';

/** The project name of Pulumi.yaml: config keys without a namespace belong to it. */

/** The fake account and region every mocked ARN uses unless told otherwise. */
export const MOCK_ACCOUNT_ID = '123456789012';
export const MOCK_REGION = 'us-east-1';

/** The signature the Pulumi runtime uses to mark a serialized value as secret (see @pulumi/pulumi runtime/rpc). */
const SPECIAL_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SPECIAL_SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/* eslint-disable @typescript-eslint/no-explicit-any -- resource inputs and state are free-form JSON by nature */
export interface RecordedResource {
  /** The type token, e.g. `aws:lambda/function:Function`, or a component's `<project>:<module>:<Component>`. */
  type: string;
  /** The logical (Pulumi) name. */
  name: string;
  /** The physical id the mocks returned ('' for components). */
  id: string;
  urn: string;
  /** The parent's URN, when the resource has a parent. */
  parent?: string;
  /** URNs this resource depends on: explicit `dependsOn` plus the resources its inputs came from. */
  dependencies: string[];
  /** False for component resources. */
  custom: boolean;
  /** Inputs with secrets unwrapped, assets as `{ text }` and archives as `{ assets: { [file]: { text } } }`. */
  inputs: Record<string, any>;
  /** Inputs exactly as the runtime handed them to the mocks, secret wrappers included. */
  rawInputs: Record<string, any>;
  /** Top-level input keys whose value arrived marked secret. */
  secretInputs: string[];
  /** `inputs` plus the computed outputs (arn, url, ...), unwrapped. */
  state: Record<string, any>;
}

export interface RecordingMocksOptions {
  accountId?: string;
  region?: string;
  /**
   * The result of a `random` provider resource (RandomPassword, RandomString), by logical name and length. Unset →
   * derived from the logical name (deterministic, for tests); the local cloud sets it so generated secrets are
   * random per data directory.
   */
  randomValue?: (logicalName: string, length: number) => string;
}

/** Is this a value the Pulumi runtime marked secret? */
export function isSecretValue(value: unknown): value is { value: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SPECIAL_SECRET_SIG
  );
}

/** Mark a value secret in mock state, the way the engine would for `additionalSecretOutputs`. */
function secret(value: unknown): Record<string, unknown> {
  return { [SPECIAL_SIG_KEY]: SPECIAL_SECRET_SIG, value };
}

/** Deterministic lowercase hex derived from a seed. */
function hex(seed: string, length: number): string {
  return crypto.createHash('sha256').update(seed).digest('hex').slice(0, length);
}

/** Deterministic lowercase alphanumerics, like API Gateway ids and function URL ids. */
function alnum(seed: string, length: number): string {
  const digest = crypto.createHash('sha256').update(seed).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[digest[i % digest.length] % alphabet.length];
  return out;
}

/** Deterministic UUID-shaped string. */
function uuidLike(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Unwrap secrets and turn assets/archives into plain data. Async because Pulumi assets hold promises. */
async function toPlain(value: unknown): Promise<any> {
  if (isSecretValue(value)) return toPlain(value.value);
  if (pulumi.asset.Archive.isInstance(value) || pulumi.asset.Asset.isInstance(value)) return assetToPlain(value);
  if (Array.isArray(value)) return Promise.all((value as unknown[]).map(toPlain));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = await toPlain(v);
    return out;
  }
  return value;
}

/**
 * Assets and archives as plain data: AssetArchive → `{ assets: { [file]: ... } }`, StringAsset → `{ text }`,
 * FileAsset / FileArchive → `{ path }`, RemoteAsset / RemoteArchive → `{ uri }`. (Their fields hold promises.)
 */
async function assetToPlain(value: pulumi.asset.Asset | pulumi.asset.Archive): Promise<Record<string, unknown>> {
  const fields = value as unknown as {
    assets?: Promise<Record<string, unknown>>;
    text?: Promise<string>;
    path?: Promise<string>;
    uri?: Promise<string>;
  };
  if (fields.assets !== undefined) {
    const out: Record<string, unknown> = {};
    for (const [file, entry] of Object.entries(await fields.assets)) out[file] = await toPlain(entry);
    return { assets: out };
  }
  if (fields.text !== undefined) return { text: await fields.text };
  if (fields.path !== undefined) return { path: await fields.path };
  if (fields.uri !== undefined) return { uri: await fields.uri };
  return {};
}

/** The name part of a bus given as a name or an ARN (`arn:...:event-bus/<name>`). */
function busNameOf(value: unknown): string {
  const s = typeof value === 'string' && value !== '' ? value : 'default';
  const i = s.indexOf(':event-bus/');
  return i >= 0 ? s.slice(i + ':event-bus/'.length) : s;
}

/** The URN the mock monitor gives a resource (same algorithm as @pulumi/pulumi's MockMonitor). */
function urnOf(stack: string, project: string, parent: string | undefined, type: string, name: string): string {
  let qualified = type;
  if (parent) {
    const parentType = parent.split('::')[2].split('$').pop();
    qualified = `${parentType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

interface PendingRequest {
  parent?: string;
  dependencies: string[];
}

interface RegisterRequestLike {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
}

/**
 * Pulumi mocks that record every resource and return realistic computed outputs per type.
 * Register requests pass through `noteRequest` (installed by `setStackMocks`) so the record knows its parent and
 * dependencies, which `pulumi.runtime.Mocks.newResource` alone is not told.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  readonly accountId: string;
  readonly region: string;
  private readonly randomValue?: (logicalName: string, length: number) => string;
  private pending: PendingRequest | undefined;

  constructor(opts: RecordingMocksOptions = {}) {
    this.accountId = opts.accountId ?? MOCK_ACCOUNT_ID;
    this.region = opts.region ?? MOCK_REGION;
    this.randomValue = opts.randomValue;
  }

  /** Called synchronously right before the runtime calls `newResource` for the same request. */
  noteRequest(req: RegisterRequestLike): void {
    this.pending = { parent: req.getParent() || undefined, dependencies: req.getDependenciesList() };
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  byName(name: string): RecordedResource | undefined {
    return this.resources.find((r) => r.name === name);
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    const { accountId, region } = this;
    switch (args.token) {
      case 'aws:index/getCallerIdentity:getCallerIdentity':
        return { accountId, arn: `arn:aws:iam::${accountId}:user/mock`, id: accountId, userId: 'AIDAMOCKUSER' };
      case 'aws:index/getRegion:getRegion':
        // v7 returns both `region` and the deprecated `name`.
        return {
          id: region,
          name: region,
          region,
          description: 'US East (N. Virginia)',
          endpoint: `ec2.${region}.amazonaws.com`,
        };
      case 'aws:index/getPartition:getPartition':
        return { id: 'aws', partition: 'aws', dnsSuffix: 'amazonaws.com', reverseDnsPrefix: 'com.amazonaws' };
      case 'aws:ssm/getParameter:getParameter':
        return publicSsmParameter(String(args.inputs.name), region);
      default:
        throw new Error(`RecordingMocks: no mock for the invoke ${args.token}`);
    }
  }

  async newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
    const pending = this.pending ?? { dependencies: [] };
    this.pending = undefined;
    const stack = pulumi.getStack();
    const project = pulumi.getProject();
    const urn = urnOf(stack, project, pending.parent, args.type, args.name);
    const rawInputs: Record<string, any> = args.inputs ?? {};
    const custom = args.custom !== false;
    const { id, computed } = custom ? this.computeOutputs(args.type, args.name, rawInputs) : { id: '', computed: {} };
    const rawState = { ...rawInputs, ...computed };
    const inputs = await toPlain(rawInputs);
    const state = await toPlain(rawState);
    this.resources.push({
      type: args.type,
      name: args.name,
      id,
      urn,
      parent: pending.parent,
      dependencies: pending.dependencies,
      custom,
      inputs,
      rawInputs,
      secretInputs: Object.keys(rawInputs).filter((k) => isSecretValue(rawInputs[k])),
      state,
    });
    return { id: custom ? id : undefined, state: rawState };
  }

  /** The physical id and the computed outputs AWS (or the random provider) would return for this type. */
  private computeOutputs(
    type: string,
    logical: string,
    inputs: Record<string, any>,
  ): { id: string; computed: Record<string, any> } {
    const a = this.accountId;
    const r = this.region;
    const given = (key: string): string | undefined => {
      const v = inputs[key];
      if (isSecretValue(v)) return typeof v.value === 'string' ? v.value : undefined;
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    // Pulumi autonaming: `<logical>-<7 hex>`; here derived from the logical name so it is deterministic.
    const name =
      given('name') ??
      (given('namePrefix') ? `${given('namePrefix')}${hex(logical, 7)}` : `${logical}-${hex(`${type}/${logical}`, 7)}`);
    switch (type) {
      case 'aws:iam/role:Role':
        return {
          id: name,
          computed: {
            name,
            arn: `arn:aws:iam::${a}:role/${name}`,
            uniqueId: `AROA${alnum(logical, 17).toUpperCase()}`,
          },
        };
      case 'aws:iam/rolePolicy:RolePolicy':
        return { id: `${given('role') ?? 'role'}:${name}`, computed: { name } };
      case 'aws:iam/rolePolicyAttachment:RolePolicyAttachment':
        return { id: `${given('role') ?? 'role'}-${hex(logical, 8)}`, computed: {} };
      case 'aws:lambda/function:Function': {
        const arn = `arn:aws:lambda:${r}:${a}:function:${name}`;
        return {
          id: name,
          computed: {
            name,
            arn,
            qualifiedArn: `${arn}:$LATEST`,
            version: '$LATEST',
            invokeArn: `arn:aws:apigateway:${r}:lambda:path/2015-03-31/functions/${arn}/invocations`,
            qualifiedInvokeArn: `arn:aws:apigateway:${r}:lambda:path/2015-03-31/functions/${arn}:$LATEST/invocations`,
          },
        };
      }
      case 'aws:lambda/functionUrl:FunctionUrl': {
        const urlId = alnum(`url/${logical}`, 32);
        const fn = given('functionName') ?? 'function';
        const functionArn = fn.startsWith('arn:') ? fn : `arn:aws:lambda:${r}:${a}:function:${fn}`;
        return { id: fn, computed: { urlId, functionUrl: `https://${urlId}.lambda-url.${r}.on.aws/`, functionArn } };
      }
      case 'aws:lambda/permission:Permission':
        return { id: given('statementId') ?? logical, computed: { statementId: given('statementId') ?? logical } };
      case 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig':
        return { id: given('functionName') ?? logical, computed: {} };
      case 'aws:cloudwatch/logGroup:LogGroup':
        // The provider's arn has no trailing `:*`.
        return { id: name, computed: { name, arn: `arn:aws:logs:${r}:${a}:log-group:${name}` } };
      case 'aws:cloudwatch/logResourcePolicy:LogResourcePolicy':
        // Account-level policies are known by name, resource-scoped ones by the resource's ARN.
        return { id: given('policyName') ?? given('resourceArn') ?? logical, computed: {} };
      case 'aws:cloudwatch/metricAlarm:MetricAlarm':
        return { id: name, computed: { name, arn: `arn:aws:cloudwatch:${r}:${a}:alarm:${name}` } };
      case 'aws:sqs/queue:Queue': {
        const url = `https://sqs.${r}.amazonaws.com/${a}/${name}`;
        return { id: url, computed: { name, arn: `arn:aws:sqs:${r}:${a}:${name}`, url } };
      }
      case 'aws:sqs/queuePolicy:QueuePolicy':
        return { id: given('queueUrl') ?? logical, computed: {} };
      case 'aws:dynamodb/table:Table': {
        const arn = `arn:aws:dynamodb:${r}:${a}:table/${name}`;
        const streamLabel = '2026-01-01T00:00:00.000';
        const stream = inputs.streamEnabled === true ? { streamArn: `${arn}/stream/${streamLabel}`, streamLabel } : {};
        return { id: name, computed: { name, arn, ...stream } };
      }
      case 'aws:cloudwatch/eventBus:EventBus':
        return { id: name, computed: { name, arn: `arn:aws:events:${r}:${a}:event-bus/${name}` } };
      case 'aws:cloudwatch/eventRule:EventRule': {
        const bus = busNameOf(inputs.eventBusName);
        // On a custom bus the rule ARN carries the bus name: rule/<bus>/<rule>.
        const path = bus === 'default' ? name : `${bus}/${name}`;
        return { id: path, computed: { name, arn: `arn:aws:events:${r}:${a}:rule/${path}` } };
      }
      case 'aws:cloudwatch/eventTarget:EventTarget': {
        const targetId = given('targetId') ?? `${logical}-${hex(logical, 7)}`;
        return {
          id: `${busNameOf(inputs.eventBusName)}-${given('rule') ?? 'rule'}-${targetId}`,
          computed: { targetId },
        };
      }
      case 'aws:cloudwatch/eventArchive:EventArchive':
        return { id: name, computed: { name, arn: `arn:aws:events:${r}:${a}:archive/${name}` } };
      case 'aws:cloudwatch/eventConnection:EventConnection': {
        const uuid = uuidLike(`connection/${name}`);
        return {
          id: name,
          computed: {
            name,
            arn: `arn:aws:events:${r}:${a}:connection/${name}/${uuid}`,
            secretArn: `arn:aws:secretsmanager:${r}:${a}:secret:events!connection/${name}/${uuid}-${alnum(name, 6)}`,
          },
        };
      }
      case 'aws:cloudwatch/eventApiDestination:EventApiDestination':
        return {
          id: name,
          computed: {
            name,
            arn: `arn:aws:events:${r}:${a}:api-destination/${name}/${uuidLike(`api-destination/${name}`)}`,
          },
        };
      case 'aws:apigatewayv2/api:Api': {
        const apiId = alnum(`api/${logical}`, 10);
        return {
          id: apiId,
          computed: {
            name,
            apiEndpoint: `https://${apiId}.execute-api.${r}.amazonaws.com`,
            executionArn: `arn:aws:execute-api:${r}:${a}:${apiId}`,
            arn: `arn:aws:apigateway:${r}::/apis/${apiId}`,
          },
        };
      }
      case 'aws:apigatewayv2/stage:Stage': {
        const apiId = given('apiId') ?? 'api';
        const stage = given('name') ?? '$default';
        // The $default stage is served at the root of the API's URL.
        const invokeUrl =
          stage === '$default'
            ? `https://${apiId}.execute-api.${r}.amazonaws.com/`
            : `https://${apiId}.execute-api.${r}.amazonaws.com/${stage}`;
        return {
          id: stage,
          computed: {
            name: stage,
            invokeUrl,
            executionArn: `arn:aws:execute-api:${r}:${a}:${apiId}/${stage}`,
            arn: `arn:aws:apigateway:${r}::/apis/${apiId}/stages/${stage}`,
          },
        };
      }
      case 'aws:apigatewayv2/integration:Integration':
      case 'aws:apigatewayv2/authorizer:Authorizer':
      case 'aws:apigatewayv2/route:Route':
        return { id: alnum(`${type}/${logical}`, 7), computed: {} };
      case 'aws:cognito/userPool:UserPool': {
        // Pool ids are `<region>_<9 alphanumerics>`; the endpoint is the issuer without its scheme.
        const poolId = `${r}_${alnum(`userpool/${logical}`, 9).replace(/^[a-z]/, (c) => c.toUpperCase())}`;
        return {
          id: poolId,
          computed: {
            name: given('name') ?? logical,
            arn: `arn:aws:cognito-idp:${r}:${a}:userpool/${poolId}`,
            endpoint: `cognito-idp.${r}.amazonaws.com/${poolId}`,
          },
        };
      }
      case 'aws:cognito/userPoolClient:UserPoolClient':
        return { id: alnum(`userpoolclient/${logical}`, 26), computed: { name: given('name') ?? logical } };
      case 'aws:pipes/pipe:Pipe':
        return { id: name, computed: { name, arn: `arn:aws:pipes:${r}:${a}:pipe/${name}` } };
      case 'time:index/sleep:Sleep':
        // The time provider's id is the creation time (RFC 3339); fixed here so the graph stays deterministic.
        return { id: '2026-01-01T00:00:00Z', computed: {} };
      case 'random:index/randomPassword:RandomPassword':
      case 'random:index/randomString:RandomString': {
        const length = typeof inputs.length === 'number' ? inputs.length : 32;
        const result = this.randomValue?.(logical, length) ?? alnum(`random/${logical}`, length);
        // The random provider marks its results secret (additionalSecretOutputs); the mock engine does not, so do it here.
        const outputs: Record<string, any> = { result: type.endsWith('RandomPassword') ? secret(result) : result };
        if (type.endsWith('RandomPassword')) outputs.bcryptHash = secret(`$2a$10$${alnum(`bcrypt/${logical}`, 53)}`);
        return { id: 'none', computed: outputs };
      }
      default:
        return { id: `${logical}-id`, computed: { name, arn: `arn:aws:mock:${r}:${a}:${type}/${name}` } };
    }
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface StackMocksOptions extends RecordingMocksOptions {
  /** Project name, the namespace of unqualified config keys (default: the `name` in `./Pulumi.yaml`). */
  project?: string;
  /** Stack name (default `dev`). */
  stack?: string;
  /** Config as `pulumi config` holds it. Keys without a namespace get the project's (`someKey` →
   * `<project>:someKey`); namespaced keys (`aws:region`) are kept. */
  config?: Record<string, string>;
  /** Config keys (either form) that are secrets, as `pulumi config set --secret` would mark them. */
  secretKeys?: string[];
}

/** The project's name as Pulumi reads it: from the Pulumi.yaml of the working directory. */
function projectNameInWorkingDirectory(): string {
  return parseProjectFile(readFileSync(path.resolve('Pulumi.yaml'), 'utf8')).name;
}

/**
 * Install config and recording mocks for one run of the program. Import (require) `index.ts` only afterwards:
 * the program reads config and registers resources while it is being imported.
 */
export function setStackMocks(opts: StackMocksOptions = {}): RecordingMocks {
  const project = opts.project ?? projectNameInWorkingDirectory();
  const qualifyKey = (key: string): string => (key.includes(':') ? key : `${project}:${key}`);
  const config: Record<string, string> = { 'aws:region': opts.region ?? MOCK_REGION };
  for (const [k, v] of Object.entries(opts.config ?? {})) config[qualifyKey(k)] = v;
  pulumi.runtime.setAllConfig(config, (opts.secretKeys ?? []).map(qualifyKey));
  const mocks = new RecordingMocks(opts);
  void pulumi.runtime.setMocks(mocks, project, opts.stack ?? 'dev', false);
  // Let the recorder see each register request's parent and dependencies before the runtime calls newResource.
  const monitor = settings.getMonitor() as unknown as {
    registerResource: (req: RegisterRequestLike, cb: unknown) => unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    mocks.noteRequest(req);
    return register(req, cb);
  };
  return mocks;
}

/** The value of an Output (or plain value) once it has resolved. */
export function promiseOf<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    pulumi.output(value).apply((v) => {
      resolve(v as T);
      return v;
    });
  });
}

/**
 * Resolves once every resource registration the program started has reached the mocks (the runtime's own RPC
 * queue has drained). Await it after importing the program and before reading `mocks.resources`.
 */
export async function settle(): Promise<void> {
  const wait = (settings as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  if (typeof wait !== 'function') throw new Error('@pulumi/pulumi no longer exposes waitForRPCs; update settle()');
  await wait();
}

/** Resolve every Output in a record of stack outputs (the named exports of `index.ts`). */
export async function resolveOutputs(exports: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(exports)) {
    if (pulumi.Output.isInstance(v) || v instanceof Promise) out[k] = await promiseOf(v as pulumi.Input<unknown>);
    else if (typeof v !== 'function') out[k] = v;
  }
  return out;
}

/**
 * The public parameters AWS publishes in SSM that a program may read at deploy time; only Powertools' layer ARNs
 * (`/aws/service/powertools/typescript/generic/all/<version>`) so far. The layer version number is made up (AWS
 * numbers them per publication), the account is the one Powertools publishes from:
 * https://docs.aws.amazon.com/powertools/typescript/latest/getting-started/lambda-layers/
 */
function publicSsmParameter(name: string, region: string): Record<string, unknown> {
  const powertools = /^\/aws\/service\/powertools\/typescript\/generic\/all\/(\d+)\.(\d+)\.(\d+)$/.exec(name);
  if (!powertools) throw new Error(`RecordingMocks: no mock for the SSM parameter ${name}`);
  const layerVersion = Number(powertools[2]) + 8; // plausible: v2.36.x was published as layer version 44
  const value = `arn:aws:lambda:${region}:094274105915:layer:AWSLambdaPowertoolsTypeScriptV${powertools[1]}:${layerVersion}`;
  return {
    id: name,
    arn: `arn:aws:ssm:${region}::parameter${name}`,
    name,
    type: 'String',
    value,
    insecureValue: value,
    version: 1,
    withDecryption: true,
  };
}
