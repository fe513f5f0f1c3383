import { readPipes } from '../../../../local/services/pipes/definition';
import { graphOf, resource } from '../../helpers/graph';

describe('readPipes', () => {
  it('keeps the declared settings and gives the physical name, ARN and source', () => {
    const sourceParameters = { dynamodbStreamParameters: { startingPosition: 'LATEST', batchSize: 10 } };
    const graph = graphOf(
      resource('aws:pipes/pipe:Pipe', 'changes', {
        name: 'changes-dev',
        arn: 'arn:aws:pipes:us-east-1:123456789012:pipe/changes-dev',
        source: 'arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x',
        target: 'arn:aws:events:us-east-1:123456789012:event-bus/b',
        sourceParameters,
      }),
      resource('aws:pipes/pipe:Pipe', 'bare', { arn: '', target: 'arn:aws:sqs:us-east-1:123456789012:q' }),
    );
    const [changes, bare] = readPipes(graph);
    expect(changes).toMatchObject({
      name: 'changes-dev',
      arn: 'arn:aws:pipes:us-east-1:123456789012:pipe/changes-dev',
      sourceParameters,
    });
    expect(changes.source).toBe('arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x');
    expect(bare).toMatchObject({ name: 'bare', arn: undefined, source: '' });
  });
});
