/**
 * The IAM gate of the running local cloud, on a small graph: a function's key maps to its role session, unknown
 * keys are the account's own users, decisions are cached and each denial is logged once with its fix, and hops
 * answer with the step AWS refuses (assuming a role, or the call).
 */
import { accessKeyOf, functionCredentials, IAM_CACHE_LIMIT, IamEnforcer } from '../../../../local/services/iam';
import { graphOf, resource } from '../../helpers/graph';

const account = '123456789012';
const roleArn = `arn:aws:iam::${account}:role/worker-role`;
const table = `arn:aws:dynamodb:us-east-1:${account}:table/jobs`;
const fnArn = `arn:aws:lambda:us-east-1:${account}:function:worker`;
const ruleArn = `arn:aws:events:us-east-1:${account}:rule/bus/on-job`;
const dlq = `arn:aws:sqs:us-east-1:${account}:on-job-dlq`;

const trust = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const identity = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: table }],
});

function enforcer(lines: string[]): IamEnforcer {
  const graph = graphOf(
    resource('aws:iam/role:Role', 'worker-role', { arn: roleArn, name: 'worker-role', assumeRolePolicy: trust }),
    resource('aws:iam/rolePolicy:RolePolicy', 'worker-policy', {
      role: 'worker-role',
      name: 'worker-policy',
      policy: identity,
    }),
    resource('aws:lambda/function:Function', 'worker', { arn: fnArn, name: 'worker', role: roleArn }),
    resource('aws:cloudwatch/eventRule:EventRule', 'on-job', { arn: ruleArn, name: 'on-job', eventBusName: 'bus' }),
    resource('aws:cloudwatch/eventTarget:EventTarget', 'on-job-target', {
      rule: 'on-job',
      eventBusName: 'bus',
      arn: fnArn,
      deadLetterConfig: { arn: dlq },
    }),
    resource('aws:sqs/queue:Queue', 'on-job-dlq', { arn: dlq, name: 'on-job-dlq' }),
  );
  return new IamEnforcer(graph, account, 'us-east-1', (line) => lines.push(line));
}

describe('IamEnforcer', () => {
  it("maps a function's access key, from a SigV4 Authorization header, to its role session", () => {
    const gate = enforcer([]);
    const key = functionCredentials('worker').accessKeyId;
    const header = `AWS4-HMAC-SHA256 Credential=${key}/20261130/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;
    expect(accessKeyOf(header)).toBe(key);
    expect(gate.callerForKey(key)).toEqual({ type: 'role', roleArn, sessionName: 'worker' });
    expect(functionCredentials('other').accessKeyId).not.toBe(key);
    expect(key).toMatch(/^ASIA[0-9A-F]{16}$/);
  });

  it("allows a function what its role allows, denies the rest with AWS's message, and logs each denial once with its fix", () => {
    const lines: string[] = [];
    const gate = enforcer(lines);
    const key = functionCredentials('worker').accessKeyId;
    expect(gate.sdkCall(key, 'dynamodb:GetItem', table)).toBeUndefined();
    const denied = gate.sdkCall(key, 'dynamodb:PutItem', table);
    gate.sdkCall(key, 'dynamodb:PutItem', table);
    expect(denied?.message).toBe(
      `User: arn:aws:sts::${account}:assumed-role/worker-role/worker is not authorized to perform: dynamodb:PutItem on resource: ${table} because no identity-based policy allows the dynamodb:PutItem action`,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `Fix: add to an identity policy of ${roleArn}: {"Effect":"Allow","Action":"dynamodb:PutItem","Resource":"${table}"}`,
    );
  });

  it("treats a key no function holds as the account's own user: allowed", () => {
    expect(enforcer([]).sdkCall('AKIAUSER000000000001', 'dynamodb:DeleteTable', table)).toBeUndefined();
  });

  it('refuses an EventBridge target without the Lambda permission, and its dead letter without a queue policy', () => {
    const gate = enforcer([]);
    expect(gate.eventBridgeTarget(ruleArn, fnArn)).toMatchObject({
      step: 'invoke',
      message: expect.stringContaining(
        'User: events.amazonaws.com is not authorized to perform: lambda:InvokeFunction',
      ),
    });
    expect(gate.eventBridgeDeadLetter(ruleArn, dlq)).toMatchObject({
      step: 'invoke',
      message: expect.stringContaining('sqs:SendMessage'),
    });
    expect(gate.eventBridgeTarget(ruleArn, 'arn:aws:lambda:us-east-1:123456789012:function:unknown')).toBeUndefined();
  });

  it('answers a hop asked again with the same denial, logged once', () => {
    const lines: string[] = [];
    const gate = enforcer(lines);

    const first = gate.eventBridgeTarget(ruleArn, fnArn);
    const again = gate.eventBridgeTarget(ruleArn, fnArn);

    expect(first).toMatchObject({ step: 'invoke' });
    expect(again).toBe(first);
    expect(lines.filter((line) => line.includes('DENIED'))).toHaveLength(1);
    expect(gate.eventBridgeDeadLetter(ruleArn, dlq)).toMatchObject({ step: 'invoke' });
    expect(lines.filter((line) => line.includes('DENIED'))).toHaveLength(2);
  });

  it('keeps a bounded number of decisions: the oldest is forgotten, and its denial logged again when asked again', () => {
    const lines: string[] = [];
    const gate = enforcer(lines);
    const key = functionCredentials('worker').accessKeyId;
    const deniedPut = (n: number) => gate.sdkCall(key, 'dynamodb:PutItem', `${table}-${n}`);

    deniedPut(0);
    deniedPut(0);
    expect(lines).toHaveLength(1);
    for (let n = 1; n <= IAM_CACHE_LIMIT; n += 1) deniedPut(n);
    expect(lines).toHaveLength(IAM_CACHE_LIMIT + 1);

    expect(deniedPut(0)).toMatchObject({ allowed: false });
    expect(lines).toHaveLength(IAM_CACHE_LIMIT + 2);
  });
});
