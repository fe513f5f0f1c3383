/**
 * Input shapes of the edge's AWS JSON-protocol operations and the one checker that holds a request to them, so a
 * malformed request is a 400 with AWS's wording and never reaches a service (no 500, no recursion into free-form
 * JSON: a member whose shape is a string, such as Detail or EventPattern, is a string and is not looked into).
 *
 * What AWS's JSON-protocol front end (Coral) answers, as seen in real reports:
 * - a member of the wrong JSON type: 400 `SerializationException`, e.g. `NUMBER_VALUE can not be converted to a
 *   String` (github.com/aarondfrancis/sidecar/issues/148), `Start of list found where not expected`
 *   (github.com/aws/aws-sdk-js-v3/issues/7215, github.com/mpyw/cloudwatch-front-logger/issues/9) and
 *   `Start of structure or map found where not expected.`;
 * - a null list element or a missing required member: 400 with the service's validation code and
 *   `1 validation error detected: Value null at 'entries.1.member' failed to satisfy constraint: Member must not be
 *   null` (member names in the path start lower-case, list positions count from 1).
 * docs/aws-behaviour.md#json-protocol-input-errors. Pure: no I/O.
 */
import { AwsProtocolError } from './http-util';

export type Shape =
  | { type: 'string' }
  | { type: 'integer' }
  | { type: 'long' }
  | { type: 'boolean' }
  | { type: 'timestamp' }
  | { type: 'list'; member: Shape }
  | { type: 'map'; value: Shape }
  | StructureShape;

export interface StructureShape {
  type: 'structure';
  /** the shape's name in the service model (named in the error for a scalar given where it stands) */
  name: string;
  members: Record<string, Shape>;
  required?: readonly string[];
}

/** Shape builders, so the operation tables read like the API reference. */
export const shapes = {
  string: { type: 'string' } as Shape,
  integer: { type: 'integer' } as Shape,
  long: { type: 'long' } as Shape,
  boolean: { type: 'boolean' } as Shape,
  timestamp: { type: 'timestamp' } as Shape,
  list: (member: Shape): Shape => ({ type: 'list', member }),
  map: (value: Shape): Shape => ({ type: 'map', value }),
  structure: (name: string, members: Record<string, Shape>, required: readonly string[] = []): StructureShape => ({
    type: 'structure',
    name,
    members,
    required,
  }),
};

/** Operation name → input shape, per service. */
export type OperationShapes = Record<string, StructureShape>;

/** The JSON token kind, in the words of the deserializer (Jackson's token names). */
function token(value: unknown): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object' && value !== null) return 'START_OBJECT';
  if (typeof value === 'string') return 'STRING_VALUE';
  if (typeof value === 'number') return 'NUMBER_VALUE';
  if (typeof value === 'boolean') return value ? 'TRUE_VALUE' : 'FALSE_VALUE';
  return 'NULL_VALUE';
}

const TARGET: Record<string, string> = {
  string: 'a String',
  integer: 'an Integer',
  long: 'a Long',
  boolean: 'a Boolean',
  timestamp: 'a Timestamp',
  list: 'a List',
  map: 'a Map',
};

const serialization = (message: string): AwsProtocolError => new AwsProtocolError('SerializationException', message);

/** The error for `value` standing where `shape` is expected. */
function wrongType(shape: Shape, value: unknown): AwsProtocolError {
  const kind = token(value);
  if (kind === 'START_OBJECT') return serialization('Start of structure or map found where not expected.');
  if (kind === 'START_ARRAY') return serialization('Start of list found where not expected');
  const target = shape.type === 'structure' ? `a ${shape.name}` : TARGET[shape.type];
  return serialization(`${kind} can not be converted to ${target}`);
}

const INT32 = 2 ** 31;

function isTimestamp(value: unknown): boolean {
  // Epoch seconds is the JSON protocol's form; SDKs send a number. An ISO 8601 string is read as well.
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Date.parse(value));
}

/** The member name as AWS writes it in a validation path (first letter lower-case). */
const pathName = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

function mustNotBeNull(code: string, at: string): AwsProtocolError {
  return new AwsProtocolError(
    code,
    `1 validation error detected: Value null at '${at}' failed to satisfy constraint: Member must not be null`,
  );
}

/**
 * Holds `value` to `shape`; throws the first mismatch. Recursion follows the shape (a few levels), never the data:
 * a string-shaped member is not looked into, and members the shape does not name are ignored (as Coral does).
 */
function check(shape: Shape, value: unknown, at: string, validationCode: string): void {
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') throw wrongType(shape, value);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw wrongType(shape, value);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -INT32 || value >= INT32)
        throw wrongType(shape, value);
      return;
    case 'long':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrongType(shape, value);
      return;
    case 'timestamp':
      if (!isTimestamp(value)) throw wrongType(shape, value);
      return;
    case 'list':
      if (!Array.isArray(value)) throw wrongType(shape, value);
      value.forEach((element: unknown, index) => {
        const elementAt = `${at}.${index + 1}.member`;
        if (element === null || element === undefined) throw mustNotBeNull(validationCode, elementAt);
        check(shape.member, element, elementAt, validationCode);
      });
      return;
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrongType(shape, value);
      for (const [key, entry] of Object.entries(value)) {
        if (entry === null) throw mustNotBeNull(validationCode, `${at}.${key}`);
        check(shape.value, entry, `${at}.${key}`, validationCode);
      }
      return;
    case 'structure':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw wrongType(shape, value);
      checkMembers(shape, value as Record<string, unknown>, at, validationCode);
  }
}

function checkMembers(shape: StructureShape, input: Record<string, unknown>, at: string, validationCode: string): void {
  const prefix = at === '' ? '' : `${at}.`;
  for (const [member, memberShape] of Object.entries(shape.members)) {
    const value = input[member];
    if (value === undefined || value === null) continue;
    check(memberShape, value, `${prefix}${pathName(member)}`, validationCode);
  }
  for (const member of shape.required ?? []) {
    if (input[member] === undefined || input[member] === null)
      throw mustNotBeNull(validationCode, `${prefix}${pathName(member)}`);
  }
}

/**
 * Holds an operation's parsed input to its shape in `table` (an operation the table does not name is left to the
 * service, which answers it as unknown). `validationCode` is the service's code for a value AWS's validation
 * refuses (ValidationException for EventBridge, InvalidParameterException for CloudWatch Logs).
 */
export function checkOperationInput(
  table: OperationShapes,
  operation: string,
  input: Record<string, unknown>,
  validationCode = 'ValidationException',
): void {
  const shape = Object.prototype.hasOwnProperty.call(table, operation) ? table[operation] : undefined;
  if (shape !== undefined) checkMembers(shape, input, '', validationCode);
}

/** A timestamp member already checked by `checkOperationInput`: epoch seconds or an ISO 8601 string. */
export function timestampValue(value: unknown): Date {
  return typeof value === 'number' ? new Date(value * 1000) : new Date(Date.parse(String(value)));
}
