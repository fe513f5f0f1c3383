import { DynamoDbArnTranslator } from '../../../local/control-plane/dynamodb-arns';

const LOCAL = 'arn:aws:dynamodb:ddblocal:000000000000:table';
const STACK = 'arn:aws:dynamodb:eu-west-1:111122223333:table';
const DECLARED_STREAM = `${STACK}/orders/stream/2026-01-01T00:00:00.000`;

function translator(): DynamoDbArnTranslator {
  return new DynamoDbArnTranslator('eu-west-1', '111122223333', [
    { name: 'orders', streamArn: DECLARED_STREAM },
    { name: 'plain' },
  ]);
}

describe('DynamoDbArnTranslator', () => {
  it("rewrites DynamoDB Local's table ARNs to the stack's and back", () => {
    // Prepare
    const arns = translator();
    // Act
    const answer = arns.toStack(`{"TableArn":"${LOCAL}/plain"}`);
    const request = arns.toLocal(`{"TableName":"${STACK}/plain"}`);
    // Assess
    expect(answer).toBe(`{"TableArn":"${STACK}/plain"}`);
    expect(request).toBe(`{"TableName":"${LOCAL}/plain"}`);
  });

  it("shows a table's current stream as the declared stream ARN, and maps the declared one back to it", () => {
    // Prepare
    const arns = translator();
    // Act
    const described = arns.toStack(`{"Table":{"LatestStreamArn":"${LOCAL}/orders/stream/2026-11-30T10:00:00.123"}}`);
    const request = arns.toLocal(`{"StreamArn":"${DECLARED_STREAM}"}`);
    // Assess
    expect(described).toBe(`{"Table":{"LatestStreamArn":"${DECLARED_STREAM}"}}`);
    expect(request).toBe(`{"StreamArn":"${LOCAL}/orders/stream/2026-11-30T10:00:00.123"}`);
  });

  it('keeps the label of an older stream, and of a table that declares none', () => {
    // Prepare
    const arns = translator();
    arns.toStack(`{"LatestStreamArn":"${LOCAL}/orders/stream/2026-11-30T10:00:00.123"}`);
    // Act
    const listed = arns.toStack(
      `{"Streams":[{"StreamArn":"${LOCAL}/orders/stream/2026-11-29T09:00:00.000"},{"StreamArn":"${LOCAL}/plain/stream/2026-11-30T11:00:00.000"}]}`,
    );
    // Assess
    expect(listed).toBe(
      `{"Streams":[{"StreamArn":"${STACK}/orders/stream/2026-11-29T09:00:00.000"},{"StreamArn":"${STACK}/plain/stream/2026-11-30T11:00:00.000"}]}`,
    );
  });

  it('leaves item operations alone and translates the rest', () => {
    // Act
    const arns = translator();
    // Assess
    expect(arns.translates('DynamoDB_20120810.PutItem')).toBe(false);
    expect(arns.translates('DynamoDB_20120810.Query')).toBe(false);
    expect(arns.translates('DynamoDB_20120810.DescribeTable')).toBe(true);
    expect(arns.translates('DynamoDBStreams_20120810.ListStreams')).toBe(true);
    expect(arns.translates('DynamoDBStreams_20120810.GetRecords')).toBe(true);
  });

  it('builds its table list from a graph', () => {
    // Prepare
    const graph = {
      region: 'eu-west-1',
      accountId: '111122223333',
      ofType: () => [{ name: 'orders', state: { name: 'orders', streamArn: DECLARED_STREAM } }],
    };
    // Act
    const arns = DynamoDbArnTranslator.forGraph(graph);
    // Assess
    expect(arns.toStack(`"${LOCAL}/orders/stream/2026-11-30T10:00:00.123"`)).toBe(`"${DECLARED_STREAM}"`);
  });
});
