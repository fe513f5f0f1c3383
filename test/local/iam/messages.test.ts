import type { Caller } from '../../../local/iam/evaluate';
import { HttpApiErrors, accessDeniedMessage, callerArn, eventBridgeErrorCode } from '../../../local/iam/messages';

const role: Caller = {
  type: 'role',
  roleArn: 'arn:aws:iam::123456789012:role/service-role/capture-order-role',
  sessionName: 'capture-order-dev',
};

describe("AWS's denial messages", () => {
  it('names a role session by its assumed-role ARN (the path is not part of it)', () => {
    expect(callerArn(role)).toBe('arn:aws:sts::123456789012:assumed-role/capture-order-role/capture-order-dev');
    expect(callerArn({ type: 'service', service: 'events.amazonaws.com' })).toBe('events.amazonaws.com');
  });

  it('implicit deny: "because no identity-based policy allows the … action"', () => {
    expect(
      accessDeniedMessage(role, 'dynamodb:PutItem', 'arn:aws:dynamodb:us-east-1:123456789012:table/orders', {
        decision: 'ImplicitDeny',
        statements: [],
      }),
    ).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/capture-order-role/capture-order-dev is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders because no identity-based policy allows the dynamodb:PutItem action',
    );
  });

  it('a service calling through a resource policy: "no resource-based policy allows"', () => {
    expect(
      accessDeniedMessage(
        { type: 'service', service: 'events.amazonaws.com' },
        'sqs:SendMessage',
        'arn:aws:sqs:us-east-1:123456789012:dlq',
        { decision: 'ImplicitDeny', statements: [] },
      ),
    ).toBe(
      'User: events.amazonaws.com is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:123456789012:dlq because no resource-based policy allows the sqs:SendMessage action',
    );
  });

  it('explicit deny names the kind of policy and the policy', () => {
    const identity = accessDeniedMessage(role, 's3:GetObject', 'arn:aws:s3:::b/k', {
      decision: 'ExplicitDeny',
      statements: [{ policy: 'arn:aws:iam::123456789012:policy/Deny', kind: 'identity', sid: 'D' }],
    });
    expect(identity).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/capture-order-role/capture-order-dev is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/Deny',
    );
    const resource = accessDeniedMessage(role, 's3:GetObject', 'arn:aws:s3:::b/k', {
      decision: 'ExplicitDeny',
      statements: [{ policy: 'bucket policy of b', kind: 'resource' }],
    });
    expect(resource).toMatch(/with an explicit deny in a resource-based policy: bucket policy of b$/);
  });

  it("the HTTP API's access-log texts and EventBridge's dead-letter error codes", () => {
    expect(HttpApiErrors.assumeIntegrationRole).toBe(
      'API Gateway doesn’t have permissions to assume the IAM role configured on the integration. Check the permissions and try again.',
    );
    expect(HttpApiErrors.invokeAuthorizer).toMatch(
      /^The IAM role configured on the authorizer or API Gateway doesn't have permissions to call the authorizer\./,
    );
    expect(eventBridgeErrorCode('assumeRole')).toBe('FAILED_TO_ASSUME_ROLE');
    expect(eventBridgeErrorCode('invoke')).toBe('NO_PERMISSIONS');
  });
});
