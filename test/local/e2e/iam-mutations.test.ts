/**
 * IAM mutations, end to end: the real program's local cloud started with one thing changed per path (through
 * startCloud's test-only `editGraph`, since Pulumi's transforms do not run under the mocks: see
 * test/local/iam/graph-edits.ts), and each path fails the way AWS fails. The mutations of one start-up touch paths
 * that do not meet (the ingest route and a function destination are in iam-mutations-ingest.test.ts):
 *
 * 1. capture-order's table grant removed → its DynamoDB call is denied (AccessDeniedException) → Lambda retries,
 *    then the event lands in the function's failure queue;
 * 2. the carrier API destination role narrowed → EventBridge dead-letters the event with ERROR_CODE NO_PERMISSIONS;
 * 3. the pipe role without events:PutEvents → every batch fails, the records go to the pipe's DLQ;
 * 4. the authorizer's permission for another authorizer → 500, and the access log's authorizerError says why;
 * 5. shipment-confirmed: the Lambda permission and the DLQ's queue policy removed → the dead letter is refused and
 *    dropped (InvocationsFailedToBeSentToDlq);
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DetailTypes, EventSources } from '../../../handlers/contract';
import { HttpApiErrors } from '../../../local/iam/messages';
import { Types, editPolicy, remove, setProperty } from '../iam/graph-edits';
import { customerToken, pollUntil } from './harness';
import { accessLog, ADMIN, drain, physical, putEvents, Running, startMutated, T, uploadBody } from './iam-harness';

jest.setTimeout(240_000);

describe('IAM mutations of the real stack, end to end: handler calls, targets, the pipe, the authorizer, dead letters', () => {
  let run: Running;

  beforeAll(async () => {
    run = await startMutated((graph) => [
      // 1
      editPolicy(Types.rolePolicy, 'capture-order-policy', 'policy', (doc) => ({
        ...doc,
        Statement: doc.Statement.filter((s) => s.Sid !== 'OrdersTableItems'),
      })),
      // 2
      editPolicy(Types.rolePolicy, 'orders-order-created-invoke-policy', 'policy', (doc) => ({
        ...doc,
        Statement: doc.Statement.map((s) => ({
          ...s,
          Resource: [`arn:aws:events:${graph.region}:${graph.accountId}:api-destination/another-carrier/*`],
        })),
      })),
      // 3
      editPolicy(Types.rolePolicy, 'order-changes-policy', 'policy', (doc) => ({
        ...doc,
        Statement: doc.Statement.filter((s) => s.Sid !== 'PutEventsOnBus'),
      })),
      // 4
      setProperty(
        Types.permission,
        'orders-api-authorizer-invoke',
        'sourceArn',
        `${String(graph.ofType(T.api)[0].state.executionArn)}/authorizers/other`,
      ),
      // 5
      remove(Types.permission, 'orders-shipment-confirmed-invoke'),
      remove(Types.queuePolicy, 'orders-shipment-confirmed-dlq-policy'),
    ]);
  }, 180_000);

  afterAll(async () => {
    await run?.cloud.stop();
    run?.remove();
  });

  it('reports the denials at start-up, before the first request', () => {
    const report = run.cloud.iam.report;
    expect(run.cloud.iam.enabled).toBe(true);
    expect(report?.denials.map((d) => d.request.action).sort()).toEqual(
      [
        'events:InvokeApiDestination',
        'events:PutEvents',
        'lambda:InvokeFunction',
        'lambda:InvokeFunction',
        'sqs:SendMessage',
      ].sort(),
    );
  });

  it("1. a handler's table grant removed: its SDK call is denied with AccessDeniedException and the event ends in its failure queue", async () => {
    // Act
    const token = await customerToken(run.dataDir, 'cust-iam-1');
    const accepted = await fetch(`${run.cloud.urls.api}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: uploadBody(),
    });
    const failed = await drain(run.cloud, 'capture-order-failures');

    // Assess
    expect(accepted.status).toBe(200);
    expect(failed).toHaveLength(1);
    const record = JSON.parse(failed[0].Body) as { responsePayload: { errorType: string; errorMessage: string } };
    expect(record.responsePayload.errorType).toBe('AccessDeniedException');
    expect(record.responsePayload.errorMessage).toMatch(
      /^User: arn:aws:sts::\d{12}:assumed-role\/capture-order-role-\w+\/capture-order-dev is not authorized to perform: dynamodb:\w+ on resource: arn:aws:dynamodb:[^ ]+:table\/orders-\w+ because no identity-based policy allows the dynamodb:\w+ action$/,
    );
    // Logged once, with the statement that would fix it.
    const denials = run.lines.filter(
      (l) => l.includes('[iam] DENIED') && l.includes('capture-order-dev is not authorized'),
    );
    expect(denials).toHaveLength(1);
    expect(denials[0]).toMatch(
      /Fix: add to an identity policy of arn:aws:iam::\d{12}:role\/capture-order-role-\w+: \{"Effect":"Allow","Action":"dynamodb:\w+","Resource":"arn:aws:dynamodb:/,
    );
  });

  it("2. the API destination role narrowed: the event is dead-lettered with NO_PERMISSIONS and AWS's message", async () => {
    const detail = {
      orderId: 'o-iam-2',
      state: 'pending',
      reason: '',
      change: 'INSERT',
      updatedAt: new Date().toISOString(),
      changeId: 'c-iam-2',
    };
    await putEvents(run.cloud, [
      { Source: EventSources.ordersTable, DetailType: DetailTypes.orderChanged, Detail: JSON.stringify(detail) },
    ]);
    const dead = await drain(run.cloud, 'orders-order-created-dlq');
    expect(dead).toHaveLength(1);
    expect(dead[0].MessageAttributes?.ERROR_CODE?.StringValue).toBe('NO_PERMISSIONS');
    expect(dead[0].MessageAttributes?.ERROR_MESSAGE?.StringValue).toMatch(
      /assumed-role\/orders-order-created-invoke-role-\w+\/events is not authorized to perform: events:InvokeApiDestination/,
    );
    expect(dead[0].MessageAttributes?.RETRY_ATTEMPTS?.StringValue).toBe('0');
    expect((JSON.parse(dead[0].Body) as { detail: { orderId: string } }).detail.orderId).toBe('o-iam-2');
  });

  it('3. the pipe role without events:PutEvents: the records go to the pipe DLQ', async () => {
    const table = physical(run.cloud.graph, T.table, 'orders').name;
    const client = new DynamoDBClient({
      endpoint: run.cloud.urls.edge,
      region: run.cloud.graph.region,
      credentials: ADMIN,
    });
    try {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            id: { S: 'o-iam-3' },
            state: { S: 'pending' },
            reason: { S: '' },
            updatedAt: { S: new Date().toISOString() },
          },
        }),
      );
    } finally {
      client.destroy();
    }
    const dead = await drain(run.cloud, 'order-changes-dlq', 120_000);
    expect(dead).toHaveLength(1);
    expect(
      run.lines.some((l) =>
        /\[iam\] DENIED User: arn:aws:sts::\d{12}:assumed-role\/order-changes-role-\w+\/pipes is not authorized to perform: events:PutEvents/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(run.lines.some((l) => l.includes('AccessDeniedException') && l.includes('[pipes]'))).toBe(true);
  });

  it("4. the authorizer's permission for another authorizer: 500, and the access log's authorizerError says why", async () => {
    const response = await fetch(`${run.cloud.urls.api}/confirm-shipment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic Y2FycmllcjpzZWNyZXQ=' },
      body: '{"order_id":"o-iam-4"}',
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    const entry = await pollUntil(
      async () => accessLog(run.lines, 'POST /confirm-shipment'),
      (e) => e !== undefined,
      10_000,
      100,
    );
    expect(entry?.authorizerError).toBe(HttpApiErrors.invokeAuthorizer);
  });

  it("5. a DLQ's queue policy removed: the target's failure is dead-lettered, and the dead letter is refused and dropped", async () => {
    await putEvents(run.cloud, [
      {
        Source: EventSources.carrier,
        DetailType: DetailTypes.shipmentConfirmed,
        Detail: JSON.stringify({ order_id: 'o-iam-5', tracking_number: 'T5' }),
      },
    ]);
    const dropped = await pollUntil(
      async () => run.lines.find((l) => l.includes('lost, InvocationsFailedToBeSentToDlq')),
      (l) => l !== undefined,
      30_000,
      200,
    );
    expect(dropped).toMatch(
      /lost, InvocationsFailedToBeSentToDlq: DLQ arn:aws:sqs:[^ ]+:orders-shipment-confirmed-dlq-\w+ refused it: User: events\.amazonaws\.com is not authorized to perform: sqs:SendMessage/,
    );
    const queue = physical(run.cloud.graph, T.queue, 'orders-shipment-confirmed-dlq').arn;
    expect(await run.cloud.services.sqs.receiveMessages(queue, 10, 0, 0)).toEqual([]);
  });
});
