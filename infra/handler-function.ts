/**
 * One Lambda function built from `handlers/<handler>.ts`: its esbuild bundle (with Powertools from the official
 * layer, infra/powertools-layer.ts), its own log group (created first, with
 * retention), its own least-privilege role, and, for functions invoked asynchronously, Lambda's retry settings and
 * an on-failure destination into its own dead-letter queue.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { STACK_NAME_ENV } from '../handlers/business-metrics';
import { bundleHandler, handlerEntry } from './bundle';
import { DeadLetterQueue } from './dead-letter-queue';
import { powertoolsLayerArn } from './powertools-layer';
import {
  logGroupWriteStatement,
  policyDocument,
  sendMessageStatement,
  serviceTrustPolicy,
  type PolicyStatement,
} from './policies';

export const LAMBDA_RUNTIME = 'nodejs22.x';
export const LogLevels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LogLevels)[number];

export interface AsyncInvocationArgs {
  /** How long Lambda keeps retrying an event (60–21600 s). */
  maximumEventAgeInSeconds: number;
  /** Retries after a function error (0–2, default 2, Lambda's own default). */
  maximumRetryAttempts?: number;
}

export interface HandlerFunctionArgs {
  /** The entry file's base name under handlers/ (kebab-case), e.g. `capture-order`. */
  handler: string;
  /** Physical function name (default `<component name>-<stack>`); the log group is `/aws/lambda/<functionName>`. */
  functionName?: string;
  logRetentionDays: number;
  memorySize?: number;
  timeout?: number;
  logLevel?: LogLevel;
  /** The Powertools service name (default the project name). */
  serviceName?: string;
  environment?: Record<string, pulumi.Input<string>>;
  /** What the function may do beyond writing its own logs. */
  grants?: pulumi.Input<PolicyStatement>[];
  /** Set for functions that EventBridge (or anything else) invokes asynchronously. */
  asyncInvocation?: AsyncInvocationArgs;
  alarmActions?: pulumi.Input<string>[];
}

/** Environment keys Lambda reserves for itself: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html */
const RESERVED_ENV = /^(AWS_|_HANDLER$|LAMBDA_TASK_ROOT$|LAMBDA_RUNTIME_DIR$|TZ$)/;

export class HandlerFunction extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly role: aws.iam.Role;
  readonly rolePolicy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly deadLetterQueue?: DeadLetterQueue;
  readonly invokeConfig?: aws.lambda.FunctionEventInvokeConfig;
  readonly functionName: string;
  readonly arn: pulumi.Output<string>;
  readonly invokeArn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: HandlerFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('order-event-gateway:infra:HandlerFunction', name, {}, opts);
    HandlerFunction.validate(name, args);
    this.functionName = args.functionName ?? `${name}-${pulumi.getStack()}`;
    const code = bundleHandler(handlerEntry(args.handler));
    this.logGroup = this.createLogGroup(name, args.logRetentionDays);
    if (args.asyncInvocation) this.deadLetterQueue = this.createDeadLetterQueue(name, args.alarmActions ?? []);
    this.role = this.createRole(name);
    this.rolePolicy = this.createRolePolicy(name, args.grants ?? []);
    this.function = this.createFunction(name, args, code);
    if (args.asyncInvocation && this.deadLetterQueue)
      this.invokeConfig = this.createInvokeConfig(name, args.asyncInvocation, this.deadLetterQueue);
    this.arn = this.function.arn;
    this.invokeArn = this.function.invokeArn;
    this.name = this.function.name;
    this.registerOutputs({ arn: this.arn, name: this.name, logGroupName: this.logGroup.name });
  }

  private static validate(name: string, args: HandlerFunctionArgs): void {
    const memory = args.memorySize ?? 256;
    if (!Number.isInteger(memory) || memory < 128 || memory > 10240)
      throw new Error(`HandlerFunction ${name}: memorySize must be 128–10240 MB`);
    const timeout = args.timeout ?? 10;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900)
      throw new Error(`HandlerFunction ${name}: timeout must be 1–900 s`);
    for (const key of Object.keys(args.environment ?? {})) {
      if (RESERVED_ENV.test(key) || !/^[A-Za-z][A-Za-z0-9_]*$/.test(key))
        throw new Error(`HandlerFunction ${name}: environment key ${key} is reserved or invalid`);
      if (key === STACK_NAME_ENV)
        throw new Error(`HandlerFunction ${name}: ${key} is set to the stack's name, not environment`);
      if (key.startsWith('POWERTOOLS_'))
        throw new Error(`HandlerFunction ${name}: ${key} is set from logLevel/serviceName, not environment`);
    }
    const age = args.asyncInvocation?.maximumEventAgeInSeconds;
    if (age !== undefined && (!Number.isInteger(age) || age < 60 || age > 21600))
      throw new Error(`HandlerFunction ${name}: maximumEventAgeInSeconds must be 60–21600`);
    const retries = args.asyncInvocation?.maximumRetryAttempts;
    if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 2))
      throw new Error(`HandlerFunction ${name}: maximumRetryAttempts must be 0–2`);
    if (args.alarmActions && !args.asyncInvocation)
      throw new Error(
        `HandlerFunction ${name}: alarmActions only apply to the dead-letter queue of an asyncInvocation`,
      );
  }

  /** Named as Lambda would name it, so `pulumi logs` and the console find it; created before the function. */
  private createLogGroup(name: string, retentionInDays: number): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/lambda/${this.functionName}`, retentionInDays },
      { parent: this },
    );
  }

  private createDeadLetterQueue(name: string, alarmActions: pulumi.Input<string>[]): DeadLetterQueue {
    return new DeadLetterQueue(`${name}-failures`, { alarmActions }, { parent: this });
  }

  /** Lambda passes aws:SourceAccount when it assumes the role:
   * https://docs.aws.amazon.com/lambda/latest/dg/permissions-managed-policies.html */
  private createRole(name: string): aws.iam.Role {
    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const assumeRolePolicy = account.apply((accountId) =>
      JSON.stringify(serviceTrustPolicy('lambda.amazonaws.com', { accountId })),
    );
    return new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy, description: `Execution role of ${this.functionName}` },
      { parent: this },
    );
  }

  private createRolePolicy(name: string, grants: pulumi.Input<PolicyStatement>[]): aws.iam.RolePolicy {
    const dlqArn: pulumi.Input<string | undefined> = this.deadLetterQueue?.arn ?? undefined;
    const policy = pulumi
      .all([this.logGroup.arn, dlqArn, pulumi.all(grants)])
      .apply(([logGroupArn, queueArn, extra]) => {
        const statements: PolicyStatement[] = [logGroupWriteStatement(logGroupArn)];
        if (queueArn) statements.push(sendMessageStatement(queueArn, 'SendFailedInvocations'));
        return JSON.stringify(policyDocument(...statements, ...(extra as PolicyStatement[])));
      });
    return new aws.iam.RolePolicy(`${name}-policy`, { role: this.role.id, policy }, { parent: this });
  }

  private createFunction(name: string, args: HandlerFunctionArgs, code: string): aws.lambda.Function {
    const logLevel = args.logLevel ?? 'INFO';
    return new aws.lambda.Function(
      name,
      {
        name: this.functionName,
        runtime: LAMBDA_RUNTIME,
        handler: 'index.handler',
        code: new pulumi.asset.AssetArchive({ 'index.js': new pulumi.asset.StringAsset(code) }),
        role: this.role.arn,
        // The bundle leaves `@aws-lambda-powertools/*` to this layer (infra/bundle.ts).
        layers: [powertoolsLayerArn({ parent: this })],
        memorySize: args.memorySize ?? 256,
        timeout: args.timeout ?? 10,
        architectures: ['arm64'],
        loggingConfig: {
          logFormat: 'JSON',
          logGroup: this.logGroup.name,
          applicationLogLevel: logLevel,
          systemLogLevel: 'WARN',
        },
        environment: {
          variables: {
            ...args.environment,
            POWERTOOLS_SERVICE_NAME: args.serviceName ?? pulumi.getProject(),
            // The `stack` dimension of the business metrics (handlers/metrics.ts).
            [STACK_NAME_ENV]: pulumi.getStack(),
            POWERTOOLS_LOG_LEVEL: logLevel,
          },
        },
      },
      // The log group must exist before the first invocation (else Lambda creates one without retention), and the
      // role must already allow writing to it.
      { parent: this, dependsOn: [this.logGroup, this.rolePolicy] },
    );
  }

  /** Lambda validates the destination against the role when the config is created, so it waits for the policy. */
  private createInvokeConfig(
    name: string,
    async: AsyncInvocationArgs,
    dlq: DeadLetterQueue,
  ): aws.lambda.FunctionEventInvokeConfig {
    return new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        functionName: this.function.name,
        maximumRetryAttempts: async.maximumRetryAttempts ?? 2,
        maximumEventAgeInSeconds: async.maximumEventAgeInSeconds,
        destinationConfig: { onFailure: { destination: dlq.arn } },
      },
      { parent: this, dependsOn: [this.rolePolicy] },
    );
  }
}
