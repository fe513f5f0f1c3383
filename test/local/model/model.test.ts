import { GraphResource } from '../../../local/model/graph';
import { createTableInput, timeToLiveInput } from '../../../local/model/tables';
import { UrlMap } from '../../../local/model/url-map';

describe('UrlMap', () => {
  it('rewrites equal and prefixed URLs, keeps others, prefers the longest match', () => {
    // Prepare
    const map = new UrlMap();
    map.add('https://abc.execute-api.us-east-1.amazonaws.com', 'http://127.0.0.1:3000');
    map.add('https://xyz.lambda-url.us-east-1.on.aws/', 'http://127.0.0.1:4000');
    map.add('https://sqs.us-east-1.amazonaws.com/123456789012/q1', 'http://127.0.0.1:4566/123456789012/q1');
    // Act / Assess
    expect(map.rewrite('https://abc.execute-api.us-east-1.amazonaws.com')).toBe('http://127.0.0.1:3000');
    expect(map.rewrite('https://abc.execute-api.us-east-1.amazonaws.com/confirm?x=1')).toBe(
      'http://127.0.0.1:3000/confirm?x=1',
    );
    expect(map.rewrite('https://xyz.lambda-url.us-east-1.on.aws/')).toBe('http://127.0.0.1:4000/');
    expect(map.rewrite('https://abc.execute-api.us-east-1.amazonaws.comx')).toBe(
      'https://abc.execute-api.us-east-1.amazonaws.comx',
    );
    expect(map.rewrite('https://sqs.us-east-1.amazonaws.com/123456789012/q10')).toBe(
      'https://sqs.us-east-1.amazonaws.com/123456789012/q10',
    );
    expect(map.rewriteRecord({ A: 'https://xyz.lambda-url.us-east-1.on.aws/path', B: 'plain' })).toEqual({
      A: 'http://127.0.0.1:4000/path',
      B: 'plain',
    });
  });
});

describe('table builders', () => {
  const table: GraphResource = {
    type: 'aws:dynamodb/table:Table',
    name: 'things',
    id: 'things-1',
    urn: 'urn:x',
    inputs: {},
    state: {
      name: 'things-1',
      hashKey: 'pk',
      rangeKey: 'sk',
      attributes: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
        { name: 'g', type: 'N' },
        { name: 'l', type: 'S' },
      ],
      billingMode: 'PAY_PER_REQUEST',
      globalSecondaryIndexes: [{ name: 'byG', hashKey: 'g', projectionType: 'INCLUDE', nonKeyAttributes: ['x'] }],
      localSecondaryIndexes: [{ name: 'byL', rangeKey: 'l', projectionType: 'KEYS_ONLY' }],
      streamEnabled: true,
      streamViewType: 'NEW_IMAGE',
      ttl: { attributeName: 'expiresAt', enabled: true },
    },
  };

  it('builds CreateTable with keys, indexes and stream', () => {
    expect(createTableInput(table)).toEqual({
      TableName: 'things-1',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'N' },
        { AttributeName: 'l', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byG',
          KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'byL',
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'l', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('builds UpdateTimeToLive only for an enabled TTL', () => {
    expect(timeToLiveInput(table)).toEqual({
      TableName: 'things-1',
      TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' },
    });
    expect(
      timeToLiveInput({ ...table, state: { ...table.state, ttl: { attributeName: 'x', enabled: false } } }),
    ).toBeUndefined();
  });
});
