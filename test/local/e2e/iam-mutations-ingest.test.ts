/**
 * IAM mutations, end to end (see iam-mutations.test.ts), on the paths the other start-up cannot share: the ingest
 * routes' integration role (every upload is refused) and a function's failure-queue grant.
 * 6. the integration role's trust given aws:SourceArn, which API Gateway does not send → 500, integrationError;
 * 7. cancel-order's failure-queue and table grants removed → its failed event's record is lost (Lambda sends with
 *    the function's role);
 * 8. the Function URL's lambda:InvokeFunction permission (required since October 2025) removed → 403;
 * 9. the Lambda permission of GET /orders/{id} removed → API Gateway may not invoke the function: 500, integrationError;
 * 10. the pipe role without its stream grant → the pipe reads nothing, and says why.
 */
import { randomUUID } from 'node:crypto';
import { DetailTypes, EventSources } from '../../../handlers/contract';
import { HttpApiErrors } from '../../../local/iam/messages';
import { Types, editPolicy, remove } from '../iam/graph-edits';
import { customerToken, pollUntil } from './harness';
import { accessLog, physical, putEvents, Running, startMutated, T, uploadBody } from './iam-harness';

jest.setTimeout(240_000);

describe('IAM mutations of the real stack, end to end: the integration role, a Lambda destination', () => {
  let run: Running;

  beforeAll(async () => {
    run = await startMutated(() => [
      // 6
      editPolicy(Types.role, 'orders-api-put-events-role', 'assumeRolePolicy', (doc) => ({
        ...doc,
        Statement: doc.Statement.map((s) => ({
          ...s,
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:execute-api:*' } },
        })),
      })),
      // 7
      // 10
      editPolicy(Types.rolePolicy, 'order-changes-policy', 'policy', (doc) => ({
        ...doc,
        Statement: doc.Statement.filter((s) => s.Sid !== 'ReadOrdersStream'),
      })),
      // 8
      remove(Types.permission, 'carrier-mock-url-invoke'),
      // 9
      remove(Types.permission, 'orders-api-get-orders-id-invoke'),
      // 7
      editPolicy(Types.rolePolicy, 'cancel-order-policy', 'policy', (doc) => ({
        ...doc,
        Statement: doc.Statement.filter(
          (s) =>
            !JSON.stringify(s.Action).includes('sqs:SendMessage') && !JSON.stringify(s.Action).includes('dynamodb:'),
        ),
      })),
    ]);
  }, 180_000);

  afterAll(async () => {
    await run?.cloud.stop();
    run?.remove();
  });

  it("6. the integration role's trust given a key API Gateway does not send: 500, with the reason in the access log", async () => {
    const token = await customerToken(run.dataDir, 'cust-iam-6');
    const response = await fetch(`${run.cloud.urls.api}/uploads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: uploadBody(),
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    const entry = await pollUntil(
      async () => accessLog(run.lines, 'POST /uploads'),
      (e) => e !== undefined,
      10_000,
      100,
    );
    expect(entry?.integrationError).toBe(HttpApiErrors.assumeIntegrationRole);
    expect(
      run.lines.some((l) =>
        l.includes('[iam] DENIED User: apigateway.amazonaws.com is not authorized to perform: sts:AssumeRole'),
      ),
    ).toBe(true);
  });

  it("7. a function's failure-queue grant removed: its failed event's record is lost, as Lambda sends it with the function's role", async () => {
    const detail = {
      customerId: 'cust-iam-7',
      body: { orderId: randomUUID(), reason: 'changed my mind' },
      customerIdRepeated: 'cust-iam-7',
    };
    await putEvents(run.cloud, [
      { Source: EventSources.api, DetailType: DetailTypes.cancellationRequested, Detail: JSON.stringify(detail) },
    ]);
    const lost = await pollUntil(
      async () => run.lines.find((l) => l.includes('the record is lost')),
      (l) => l !== undefined,
      60_000,
      200,
    );
    expect(lost).toMatch(
      /delivery to arn:aws:sqs:[^ ]+:cancel-order-failures-\w+ failed, the record is lost: User: arn:aws:sts::\d{12}:assumed-role\/cancel-order-role-\w+\/cancel-order-dev is not authorized to perform: sqs:SendMessage/,
    );
    const queue = physical(run.cloud.graph, T.queue, 'cancel-order-failures').arn;
    expect(await run.cloud.services.sqs.receiveMessages(queue, 10, 0, 0)).toEqual([]);
  });

  it('8. the Function URL without the lambda:InvokeFunction permission AWS requires since October 2025: 403', async () => {
    const url = run.cloud.urls.functionUrls[0].local;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ Message: 'Forbidden' });
    // The log sink writes in batches (every 50 ms): the line may follow the answer by a moment.
    const denial =
      '[iam] DENIED User: anonymous is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:';
    expect(await pollUntil(async () => run.lines.some((l) => l.includes(denial)), Boolean, 5_000, 50)).toBe(true);
  });

  it("9. a proxy route's Lambda permission removed: 500, and the access log's integrationError says why", async () => {
    const token = await customerToken(run.dataDir, 'cust-iam-9');
    const response = await fetch(`${run.cloud.urls.api}/orders/${randomUUID()}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: 'Internal Server Error' });
    const entry = await pollUntil(
      async () => accessLog(run.lines, 'GET /orders/{id}'),
      (e) => e !== undefined,
      10_000,
      100,
    );
    expect(entry?.integrationError).toBe(HttpApiErrors.invokeIntegration);
  });

  it('10. the pipe role without its stream grant: the pipe reads nothing, and the log says why', () => {
    const line = run.lines.find((l) => l.includes('cannot read its source, no record is read'));
    expect(line).toMatch(
      /\[pipes\] order-changes-\w+: cannot read its source, no record is read: User: arn:aws:sts::\d{12}:assumed-role\/order-changes-role-\w+\/pipes is not authorized to perform: dynamodb:DescribeStream/,
    );
  });
});
