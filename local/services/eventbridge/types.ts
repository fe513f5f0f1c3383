/**
 * Shapes the EventBridge emulation accepts and works with.
 *
 * Resource definitions use the Pulumi input names of aws.cloudwatch.* (camelCase, @pulumi/aws v7) so the wiring can
 * pass resources from the resource graph straight in. Only what the emulation reads is declared; extra keys of a
 * graph resource are accepted and ignored.
 */

/** The event envelope is the engine's: it builds it. */
export type { EventEnvelope } from '../../engine';

/** aws.cloudwatch.EventBus */
export interface BusDefinition {
  name: string;
  arn?: string;
}

/** aws.cloudwatch.EventRule */
export interface RuleDefinition {
  name: string;
  /** name or ARN; default `default` */
  eventBusName?: string;
  /** JSON text, as Pulumi passes it */
  eventPattern?: string;
  /** ENABLED | DISABLED | ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS (default ENABLED) */
  state?: string;
  /** deprecated Pulumi input; only read when `state` is absent */
  isEnabled?: boolean;
  scheduleExpression?: string;
  arn?: string;
}

/** aws.cloudwatch.EventTarget */
export interface TargetDefinition {
  /** rule name */
  rule: string;
  /** name or ARN of the rule's bus; default `default` */
  eventBusName?: string;
  targetId?: string;
  arn: string;
  roleArn?: string;
  input?: string;
  inputPath?: string;
  /** Pulumi names the map `inputPaths` (the API's InputPathsMap) */
  inputTransformer?: { inputPaths?: Record<string, string>; inputTemplate: string };
  retryPolicy?: { maximumRetryAttempts?: number; maximumEventAgeInSeconds?: number };
  deadLetterConfig?: { arn?: string };
  httpTarget?: {
    headerParameters?: Record<string, string>;
    queryStringParameters?: Record<string, string>;
    pathParameterValues?: string[];
  };
  sqsTarget?: { messageGroupId?: string };
}

/** One key/value of a connection's invocation or OAuth HTTP parameters. */
export interface ConnectionParameter {
  key?: string;
  value?: string;
  isValueSecret?: boolean;
}

export interface ConnectionHttpParameters {
  headers?: ConnectionParameter[];
  queryStrings?: ConnectionParameter[];
  bodies?: ConnectionParameter[];
}

/** aws.cloudwatch.EventConnection */
export interface ConnectionDefinition {
  name: string;
  arn?: string;
  /** BASIC | API_KEY | OAUTH_CLIENT_CREDENTIALS */
  authorizationType: string;
  authParameters: {
    apiKey?: { key: string; value: string };
    basic?: { username: string; password: string };
    oauth?: {
      authorizationEndpoint: string;
      httpMethod: string;
      clientParameters?: { clientId: string; clientSecret: string };
      oauthHttpParameters?: ConnectionHttpParameters;
    };
    invocationHttpParameters?: ConnectionHttpParameters;
  };
}

/** aws.cloudwatch.EventApiDestination */
export interface ApiDestinationDefinition {
  name: string;
  arn?: string;
  invocationEndpoint: string;
  httpMethod: string;
  /** default 300 (API_CreateApiDestination) */
  invocationRateLimitPerSecond?: number;
  connectionArn: string;
}

/** aws.cloudwatch.EventArchive */
export interface ArchiveDefinition {
  name: string;
  arn?: string;
  /** ARN of the bus whose events are archived */
  eventSourceArn: string;
  eventPattern?: string;
  /** 0 or absent = indefinitely */
  retentionDays?: number;
}
