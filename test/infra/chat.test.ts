import { RulePatterns } from '../../handlers/contract';
import { DEFAULT_RETRY_POLICY } from '../../infra/bus-subscription';
import { chatMessageTransformer } from '../../infra/templates';
import { loadStack, T } from './helpers/stack';

describe('ChatNotifier', () => {
  it('is absent when no webhook is configured', async () => {
    // Prepare / Act
    const stack = await loadStack();

    // Assess
    expect(stack.ofType('order-event-gateway:infra:ChatNotifier')).toEqual([]);
    expect(stack.ofType(T.apiDestination).map((d) => d.name)).toEqual(['carrier']);
  });

  it('posts every order state change to the webhook as a Slack message, through an API destination', async () => {
    // Prepare
    const webhook = 'https://hooks.slack.com/services/T0/B0/secret';
    const stack = await loadStack({ config: { chatWebhookUrl: webhook }, secretKeys: ['chatWebhookUrl'] });

    // Act
    const destination = stack.get(T.apiDestination, 'chat');
    const connection = stack.get(T.connection, 'chat-connection');
    const rule = stack.get(T.rule, 'orders-chat');
    const target = stack.ofType(T.target).find((t) => t.inputs.rule === rule.state.name);
    const role = stack.get(T.role, 'orders-chat-invoke-role');

    // Assess
    expect(destination.inputs).toMatchObject({
      invocationEndpoint: webhook,
      httpMethod: 'POST',
      invocationRateLimitPerSecond: 1,
      connectionArn: connection.state.arn,
    });
    expect(destination.secretInputs).toContain('invocationEndpoint');
    expect(JSON.parse(rule.inputs.eventPattern)).toEqual(RulePatterns.orderStateChanged);
    expect(target?.inputs).toMatchObject({
      arn: destination.state.arn,
      roleArn: role.state.arn,
      inputTransformer: chatMessageTransformer,
      retryPolicy: DEFAULT_RETRY_POLICY,
    });
    expect(stack.ofType(T.queue).map((q) => q.state.arn)).toContain(target?.inputs.deadLetterConfig.arn);
  });
});
