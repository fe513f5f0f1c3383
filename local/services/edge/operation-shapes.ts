/**
 * The input shapes of every JSON-protocol operation the edge serves, member by member as the API references give
 * them (held to by input-shapes.ts before the request reaches a service):
 * - EventBridge: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Operations.html (the data plane's
 *   operations and the read-only control plane's, local/control-plane/http.ts holds those to this table too)
 * - SQS (AWS JSON 1.0): https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_Operations.html
 *   (required members are left to the SQS operations, which answer them with SQS's MissingParameter)
 * - CloudWatch Logs: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_Operations.html
 * Blobs travel as base64 strings in the JSON protocol, so they are strings here.
 */
import { OperationShapes, shapes } from './input-shapes';

const { string, integer, long, boolean, timestamp, list, map, structure } = shapes;

const replayName = structure('ReplayNameInput', { ReplayName: string }, ['ReplayName']);

/** A list call's paging members (the EventBridge read APIs answered by local/control-plane). */
const paging = { NextToken: string, Limit: integer };

export const EVENTBRIDGE_SHAPES: OperationShapes = {
  PutEvents: structure(
    'PutEventsRequest',
    {
      Entries: list(
        structure('PutEventsRequestEntry', {
          Time: timestamp,
          Source: string,
          Resources: list(string),
          DetailType: string,
          Detail: string,
          EventBusName: string,
          TraceHeader: string,
        }),
      ),
      EndpointId: string,
    },
    ['Entries'],
  ),
  TestEventPattern: structure('TestEventPatternRequest', { EventPattern: string, Event: string }, [
    'EventPattern',
    'Event',
  ]),
  StartReplay: structure(
    'StartReplayRequest',
    {
      ReplayName: string,
      Description: string,
      EventSourceArn: string,
      EventStartTime: timestamp,
      EventEndTime: timestamp,
      Destination: structure('ReplayDestination', { Arn: string, FilterArns: list(string) }, ['Arn']),
    },
    ['ReplayName', 'EventSourceArn', 'EventStartTime', 'EventEndTime', 'Destination'],
  ),
  DescribeReplay: replayName,
  CancelReplay: replayName,
  // The read-only control plane (local/control-plane/eventbridge.ts) answers these from the graph; their required
  // members are its own to report.
  ListEventBuses: structure('ListEventBusesRequest', { NamePrefix: string, ...paging }),
  DescribeEventBus: structure('DescribeEventBusRequest', { Name: string }),
  ListRules: structure('ListRulesRequest', { NamePrefix: string, EventBusName: string, ...paging }),
  DescribeRule: structure('DescribeRuleRequest', { Name: string, EventBusName: string }),
  ListTargetsByRule: structure('ListTargetsByRuleRequest', { Rule: string, EventBusName: string, ...paging }),
  ListRuleNamesByTarget: structure('ListRuleNamesByTargetRequest', {
    TargetArn: string,
    EventBusName: string,
    ...paging,
  }),
  ListArchives: structure('ListArchivesRequest', {
    NamePrefix: string,
    EventSourceArn: string,
    State: string,
    ...paging,
  }),
  DescribeArchive: structure('DescribeArchiveRequest', { ArchiveName: string }),
  ListConnections: structure('ListConnectionsRequest', { NamePrefix: string, ConnectionState: string, ...paging }),
  DescribeConnection: structure('DescribeConnectionRequest', { Name: string }),
  ListApiDestinations: structure('ListApiDestinationsRequest', {
    NamePrefix: string,
    ConnectionArn: string,
    ...paging,
  }),
  DescribeApiDestination: structure('DescribeApiDestinationRequest', { Name: string }),
  ListReplays: structure('ListReplaysRequest', {
    NamePrefix: string,
    State: string,
    EventSourceArn: string,
    NextToken: string,
    Limit: integer,
  }),
};

const messageAttributeValue = structure('MessageAttributeValue', {
  StringValue: string,
  BinaryValue: string,
  StringListValues: list(string),
  BinaryListValues: list(string),
  DataType: string,
});

const messageMembers = {
  MessageBody: string,
  DelaySeconds: integer,
  MessageAttributes: map(messageAttributeValue),
  MessageSystemAttributes: map(messageAttributeValue),
  MessageDeduplicationId: string,
  MessageGroupId: string,
};

export const SQS_SHAPES: OperationShapes = {
  ListQueues: structure('ListQueuesRequest', { QueueNamePrefix: string, NextToken: string, MaxResults: integer }),
  GetQueueUrl: structure('GetQueueUrlRequest', { QueueName: string, QueueOwnerAWSAccountId: string }),
  CreateQueue: structure('CreateQueueRequest', { QueueName: string, Attributes: map(string), tags: map(string) }),
  GetQueueAttributes: structure('GetQueueAttributesRequest', { QueueUrl: string, AttributeNames: list(string) }),
  SendMessage: structure('SendMessageRequest', { QueueUrl: string, ...messageMembers }),
  SendMessageBatch: structure('SendMessageBatchRequest', {
    QueueUrl: string,
    Entries: list(structure('SendMessageBatchRequestEntry', { Id: string, ...messageMembers })),
  }),
  ReceiveMessage: structure('ReceiveMessageRequest', {
    QueueUrl: string,
    AttributeNames: list(string),
    MessageSystemAttributeNames: list(string),
    MessageAttributeNames: list(string),
    MaxNumberOfMessages: integer,
    VisibilityTimeout: integer,
    WaitTimeSeconds: integer,
    ReceiveRequestAttemptId: string,
  }),
  DeleteMessage: structure('DeleteMessageRequest', { QueueUrl: string, ReceiptHandle: string }),
  DeleteMessageBatch: structure('DeleteMessageBatchRequest', {
    QueueUrl: string,
    Entries: list(structure('DeleteMessageBatchRequestEntry', { Id: string, ReceiptHandle: string })),
  }),
  ChangeMessageVisibility: structure('ChangeMessageVisibilityRequest', {
    QueueUrl: string,
    ReceiptHandle: string,
    VisibilityTimeout: integer,
  }),
  PurgeQueue: structure('PurgeQueueRequest', { QueueUrl: string }),
  ListQueueTags: structure('ListQueueTagsRequest', { QueueUrl: string }),
};

const group = { logGroupName: string, logGroupIdentifier: string };

export const LOGS_SHAPES: OperationShapes = {
  DescribeLogGroups: structure('DescribeLogGroupsRequest', {
    accountIdentifiers: list(string),
    logGroupNamePrefix: string,
    logGroupNamePattern: string,
    nextToken: string,
    limit: integer,
    includeLinkedAccounts: boolean,
    logGroupClass: string,
  }),
  DescribeLogStreams: structure('DescribeLogStreamsRequest', {
    ...group,
    logStreamNamePrefix: string,
    orderBy: string,
    descending: boolean,
    nextToken: string,
    limit: integer,
  }),
  GetLogEvents: structure(
    'GetLogEventsRequest',
    {
      ...group,
      logStreamName: string,
      startTime: long,
      endTime: long,
      nextToken: string,
      limit: integer,
      startFromHead: boolean,
      unmask: boolean,
    },
    ['logStreamName'],
  ),
  FilterLogEvents: structure('FilterLogEventsRequest', {
    ...group,
    logStreamNames: list(string),
    logStreamNamePrefix: string,
    startTime: long,
    endTime: long,
    filterPattern: string,
    nextToken: string,
    limit: integer,
    interleaved: boolean,
    unmask: boolean,
  }),
};
