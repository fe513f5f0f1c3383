/**
 * Shapes of the Pipes emulation. Pipe definitions use the Pulumi input names of aws.pipes.Pipe (@pulumi/aws v7),
 * so the wiring passes graph resources straight in; extra keys are ignored.
 */

export interface PipeDefinition {
  name: string;
  arn?: string;
  /** the source ARN as declared (a DynamoDB stream ARN) */
  source: string;
  /** event bus, Lambda function or SQS queue ARN */
  target: string;
  /** RUNNING (default) | STOPPED */
  desiredState?: string;
  enrichment?: string;
  logConfiguration?: { level?: string; cloudwatchLogsLogDestination?: { logGroupArn?: string } };
  sourceParameters?: {
    dynamodbStreamParameters?: {
      /** TRIM_HORIZON | LATEST */
      startingPosition: string;
      batchSize?: number;
      maximumBatchingWindowInSeconds?: number;
      maximumRetryAttempts?: number;
      maximumRecordAgeInSeconds?: number;
      /** AUTOMATIC_BISECT */
      onPartialBatchItemFailure?: string;
      parallelizationFactor?: number;
      deadLetterConfig?: { arn?: string };
    };
    filterCriteria?: { filters?: { pattern: string }[] };
  };
  targetParameters?: {
    inputTemplate?: string;
    eventbridgeEventBusParameters?: {
      source?: string;
      detailType?: string;
      resources?: string[];
      time?: string;
      endpointId?: string;
    };
    lambdaFunctionParameters?: { invocationType: string };
    sqsQueueParameters?: { messageGroupId?: string; messageDeduplicationId?: string };
  };
}

/** A DynamoDB stream record as AWS delivers it to pipes (docs/aws-behaviour.md#pipes-dynamodb-stream-records). */
export interface StreamRecord {
  eventID: string;
  eventName: string;
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  dynamodb: {
    ApproximateCreationDateTime?: number;
    Keys?: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
    SequenceNumber: string;
    SizeBytes?: number;
    StreamViewType?: string;
  };
  eventSourceARN: string;
  userIdentity?: { type?: string; principalId?: string };
}

/** Settings of one pipe after defaults (pipes-reference/API_PipeSourceDynamoDBStreamParameters.html). */
export interface ResolvedPipe {
  name: string;
  arn: string;
  sourceArn: string;
  targetArn: string;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  /** -1 = until the record expires */
  maximumRetryAttempts: number;
  /** -1 = never */
  maximumRecordAgeInSeconds: number;
  bisectOnFailure: boolean;
  deadLetterArn?: string;
  inputTemplate?: string;
  eventBusParameters?: { source?: string; detailType?: string; resources?: string[]; time?: string };
  lambdaInvocationType: 'REQUEST_RESPONSE' | 'FIRE_AND_FORGET';
}

/** EventBridge as pipe targets need it (EventBridgeService satisfies this). */
export interface EventBusPutter {
  putEvents(request: {
    Entries: {
      Source?: string;
      DetailType?: string;
      Detail?: string;
      EventBusName?: string;
      Resources?: string[];
      Time?: Date | number | string;
    }[];
  }): Promise<{ FailedEntryCount: number; Entries: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[] }>;
}
