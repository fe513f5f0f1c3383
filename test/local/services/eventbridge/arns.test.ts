import { busNameOf, ruleArn } from '../../../../local/services/eventbridge/arns';
import { logGroupNameOf, targetKindOf } from '../../../../local/services/kernel/arns';

describe('EventBridge ARNs', () => {
  it('tells target types from ARNs', () => {
    // Prepare, Act, Assess
    expect(targetKindOf('arn:aws:lambda:us-east-1:123456789012:function:fn')).toBe('lambda');
    expect(targetKindOf('arn:aws:sqs:us-east-1:123456789012:q')).toBe('sqs');
    expect(targetKindOf('arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/x:*')).toBe('log-group');
    expect(targetKindOf('arn:aws:events:us-east-1:123456789012:event-bus/b')).toBe('event-bus');
    expect(targetKindOf('arn:aws:events:us-east-1:123456789012:api-destination/d/uuid')).toBe('api-destination');
    expect(targetKindOf('arn:aws:states:us-east-1:123456789012:stateMachine:sm')).toBeUndefined();
    expect(targetKindOf('not-an-arn')).toBeUndefined();
  });

  it('reads bus names from names, ARNs and absent values', () => {
    // Prepare, Act, Assess
    expect(busNameOf('arn:aws:events:us-east-1:123456789012:event-bus/shop')).toBe('shop');
    expect(busNameOf('shop')).toBe('shop');
    expect(busNameOf(undefined)).toBe('default');
    expect(busNameOf(null)).toBe('default');
  });

  it('strips the log group ARN down to the group name', () => {
    // Prepare, Act, Assess
    expect(logGroupNameOf('arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/x:*')).toBe('/aws/events/x');
    expect(logGroupNameOf('arn:aws:logs:us-east-1:123456789012:log-group:plain')).toBe('plain');
  });

  it('builds rule ARNs as AWS does for default and custom buses', () => {
    // Prepare, Act, Assess
    expect(ruleArn('us-east-1', '1', 'default', 'r')).toBe('arn:aws:events:us-east-1:1:rule/r');
    expect(ruleArn('us-east-1', '1', 'shop', 'r')).toBe('arn:aws:events:us-east-1:1:rule/shop/r');
  });
});
