import { buildDlqMessage, compareSequenceNumbers, toPipeRecord } from '../../../../local/services/pipes/records';

describe('stream records', () => {
  it('turns the SDK record back into the JSON record AWS delivers', () => {
    // Prepare
    const sdkRecord = {
      eventID: 'e1',
      eventName: 'MODIFY' as const,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'ddblocal',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2025-01-15T12:00:00Z'),
        Keys: { pk: { S: 'u#1' } },
        NewImage: {
          pk: { S: 'u#1' },
          n: { N: '5' },
          bin: { B: Buffer.from('foo') },
          m: { M: { x: { BOOL: true } } },
          z: { NULL: true },
          l: { L: [{ B: Buffer.from('a') }] },
        },
        OldImage: { pk: { S: 'u#1' }, n: { N: '4' } },
        SequenceNumber: '4421584500000000017450439091',
        SizeBytes: 70,
        StreamViewType: 'NEW_AND_OLD_IMAGES' as const,
      },
    };
    // Act
    const record = toPipeRecord(sdkRecord, {
      sourceArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/x',
      region: 'us-east-1',
    });
    // Assess
    expect(JSON.parse(JSON.stringify(record))).toEqual({
      eventID: 'e1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1736942400,
        Keys: { pk: { S: 'u#1' } },
        NewImage: {
          pk: { S: 'u#1' },
          n: { N: '5' },
          bin: { B: 'Zm9v' },
          m: { M: { x: { BOOL: true } } },
          z: { NULL: true },
          l: { L: [{ B: 'YQ==' }] },
        },
        OldImage: { pk: { S: 'u#1' }, n: { N: '4' } },
        SequenceNumber: '4421584500000000017450439091',
        SizeBytes: 70,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/x',
    });
    expect(Object.keys(record.dynamodb)).toEqual([
      'ApproximateCreationDateTime',
      'Keys',
      'NewImage',
      'OldImage',
      'SequenceNumber',
      'SizeBytes',
      'StreamViewType',
    ]);
  });

  it('orders sequence numbers numerically, whatever their length', () => {
    // Prepare, Act, Assess
    expect(compareSequenceNumbers('9', '10')).toBe(-1);
    expect(compareSequenceNumbers('000000000000000000002', '2')).toBe(0);
    expect(compareSequenceNumbers('4421584500000000017450439092', '4421584500000000017450439091')).toBe(1);
  });

  it('describes a dead-lettered batch by its metadata, not its records', () => {
    // Prepare
    const record = (seq: string, seconds: number) =>
      toPipeRecord(
        { eventID: seq, dynamodb: { SequenceNumber: seq, ApproximateCreationDateTime: new Date(seconds * 1000) } },
        { sourceArn: 'arn:s', region: 'r' },
      );
    // Act
    const message = buildDlqMessage({
      requestId: 'req-1',
      pipeArn: 'arn:aws:pipes:r:a:pipe/p',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
      now: new Date('2025-01-15T12:00:05Z'),
      shardId: 'shardId-1',
      streamArn: 'arn:s',
      records: [record('10', 1736942400), record('11', 1736942401)],
    });
    // Assess
    expect(message).toEqual({
      requestContext: {
        requestId: 'req-1',
        pipeArn: 'arn:aws:pipes:r:a:pipe/p',
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
      },
      version: '1.0',
      timestamp: '2025-01-15T12:00:05.000Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-1',
        startSequenceNumber: '10',
        endSequenceNumber: '11',
        approximateArrivalOfFirstRecord: '2025-01-15T12:00:00Z',
        approximateArrivalOfLastRecord: '2025-01-15T12:00:01Z',
        batchSize: 2,
        streamArn: 'arn:s',
      },
    });
  });
});
