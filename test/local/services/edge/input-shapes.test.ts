import {
  checkOperationInput,
  OperationShapes,
  shapes,
  timestampValue,
} from '../../../../local/services/edge/input-shapes';
import { EVENTBRIDGE_SHAPES, LOGS_SHAPES, SQS_SHAPES } from '../../../../local/services/edge/operation-shapes';

const { string, integer, long, boolean, timestamp, list, map, structure } = shapes;

/** One operation with a member of every shape kind. */
const TABLE: OperationShapes = {
  Op: structure(
    'OpRequest',
    {
      Name: string,
      Count: integer,
      Size: long,
      Flag: boolean,
      At: timestamp,
      Tags: list(string),
      Labels: map(string),
      Inner: structure('Inner', { Arn: string, Items: list(structure('Item', { Id: string })) }, ['Arn']),
    },
    ['Name'],
  ),
};

const run = (input: Record<string, unknown>, code?: string) => (): void =>
  checkOperationInput(TABLE, 'Op', { Name: 'n', ...input }, code);

const serialization = (message: string) =>
  expect.objectContaining({ code: 'SerializationException', statusCode: 400, message });

describe('checkOperationInput: one checker for every JSON-protocol operation', () => {
  it('accepts input of the right types, unknown members, and nulls for optional members', () => {
    expect(
      run({
        Count: 3,
        Size: 2 ** 40,
        Flag: false,
        At: 1764000000.5,
        Tags: ['a'],
        Labels: { k: 'v' },
        Inner: { Arn: 'arn:x', Items: [{ Id: '1' }] },
        Unknown: { deep: [[[{}]]] },
        Count2: null,
      }),
    ).not.toThrow();
    expect(run({ At: '2026-11-30T12:00:00Z', Inner: null })).not.toThrow();
  });

  it.each([
    ['a number for a string', { Name: 1 }, 'NUMBER_VALUE can not be converted to a String'],
    ['true for a string', { Name: true }, 'TRUE_VALUE can not be converted to a String'],
    ['an object for a string', { Name: {} }, 'Start of structure or map found where not expected.'],
    ['an array for a string', { Name: ['x'] }, 'Start of list found where not expected'],
    ['a string for an integer', { Count: '3' }, 'STRING_VALUE can not be converted to an Integer'],
    ['a fraction for an integer', { Count: 1.5 }, 'NUMBER_VALUE can not be converted to an Integer'],
    ['2^31 for an integer', { Count: 2 ** 31 }, 'NUMBER_VALUE can not be converted to an Integer'],
    ['a string for a long', { Size: '9' }, 'STRING_VALUE can not be converted to a Long'],
    ['false for a long', { Size: false }, 'FALSE_VALUE can not be converted to a Long'],
    ['a string for a boolean', { Flag: 'true' }, 'STRING_VALUE can not be converted to a Boolean'],
    ['a number for a boolean', { Flag: 1 }, 'NUMBER_VALUE can not be converted to a Boolean'],
    ['a non-date string for a timestamp', { At: 'yesterday' }, 'STRING_VALUE can not be converted to a Timestamp'],
    ['an object for a timestamp', { At: {} }, 'Start of structure or map found where not expected.'],
    ['a string for a list', { Tags: 'a' }, 'STRING_VALUE can not be converted to a List'],
    ['an object for a list', { Tags: { a: 1 } }, 'Start of structure or map found where not expected.'],
    ['a number in a list of strings', { Tags: ['a', 2] }, 'NUMBER_VALUE can not be converted to a String'],
    ['an array for a map', { Labels: ['v'] }, 'Start of list found where not expected'],
    ['a number for a map', { Labels: 5 }, 'NUMBER_VALUE can not be converted to a Map'],
    ['a number as a map value', { Labels: { k: 5 } }, 'NUMBER_VALUE can not be converted to a String'],
    ['a string for a structure', { Inner: 'x' }, 'STRING_VALUE can not be converted to a Inner'],
    ['an array for a structure', { Inner: [] }, 'Start of list found where not expected'],
    [
      'a wrong type two levels down',
      { Inner: { Arn: 'a', Items: [{ Id: 7 }] } },
      'NUMBER_VALUE can not be converted to a String',
    ],
  ])('refuses %s with 400 SerializationException', (_label, input, message) => {
    expect(run(input)).toThrow(serialization(message));
  });

  it('refuses a null list element, a null map value and a missing required member with the service validation code', () => {
    expect(run({ Tags: ['a', null] })).toThrow(
      expect.objectContaining({
        code: 'ValidationException',
        statusCode: 400,
        message:
          "1 validation error detected: Value null at 'tags.2.member' failed to satisfy constraint: Member must not be null",
      }),
    );
    expect(run({ Labels: { k: null } })).toThrow(
      expect.objectContaining({ message: expect.stringContaining("at 'labels.k'") }),
    );
    expect(run({ Inner: { Items: [] } }, 'InvalidParameterException')).toThrow(
      expect.objectContaining({
        code: 'InvalidParameterException',
        message: expect.stringContaining("Value null at 'inner.arn'"),
      }),
    );
    expect(() => checkOperationInput(TABLE, 'Op', {})).toThrow(
      expect.objectContaining({ message: expect.stringContaining("at 'name'") }),
    );
  });

  it('does not look into string members holding JSON, however deep, and leaves unknown operations to the service', () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    expect(() =>
      checkOperationInput(EVENTBRIDGE_SHAPES, 'PutEvents', {
        Entries: [{ Source: 's', DetailType: 'd', Detail: deep }],
      }),
    ).not.toThrow();
    expect(() => checkOperationInput(EVENTBRIDGE_SHAPES, 'NoSuchOperation', { x: 1 })).not.toThrow();
    expect(() => checkOperationInput(EVENTBRIDGE_SHAPES, 'toString', { x: 1 })).not.toThrow();
  });

  it('holds the three services to their tables', () => {
    expect(() => checkOperationInput(EVENTBRIDGE_SHAPES, 'PutEvents', { Entries: [null] })).toThrow(
      expect.objectContaining({ code: 'ValidationException', message: expect.stringContaining("'entries.1.member'") }),
    );
    expect(() =>
      checkOperationInput(EVENTBRIDGE_SHAPES, 'StartReplay', {
        ReplayName: 'r',
        EventSourceArn: 'arn',
        EventStartTime: 1,
        EventEndTime: 2,
        Destination: { Arn: 'bus', FilterArns: 'rule' },
      }),
    ).toThrow(serialization('STRING_VALUE can not be converted to a List'));
    expect(() =>
      checkOperationInput(SQS_SHAPES, 'ReceiveMessage', { QueueUrl: 'q', MaxNumberOfMessages: '10' }),
    ).toThrow(serialization('STRING_VALUE can not be converted to an Integer'));
    expect(() =>
      checkOperationInput(
        LOGS_SHAPES,
        'GetLogEvents',
        { logStreamName: 's', startTime: 'now' },
        'InvalidParameterException',
      ),
    ).toThrow(serialization('STRING_VALUE can not be converted to a Long'));
  });

  it('reads a timestamp from epoch seconds or ISO 8601', () => {
    expect(timestampValue(1764504000).toISOString()).toBe('2025-11-30T12:00:00.000Z');
    expect(timestampValue('2025-11-30T12:00:00Z').getTime()).toBe(1764504000 * 1000);
  });
});
