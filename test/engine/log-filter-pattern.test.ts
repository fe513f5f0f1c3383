/**
 * CloudWatch Logs filter patterns against the examples of AWS's documentation, each row citing its page:
 * - TERMS: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 *   ("Matching terms in unstructured log events", its four `[ERROR 4xx]` events)
 * - JSON: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html
 *   (its example events and patterns)
 * - DELIMITED: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 *   ("Using filter patterns to match terms in space-delimited log events")
 */
import {
  compileFilterPattern,
  InvalidParameterException,
  splitDelimitedFields,
  testFilterPattern,
} from '../../local/engine';

const TERMS_PAGE = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html';
const JSON_PAGE = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/matching-terms-json-log-events.html';

const UNSTRUCTURED = [
  '[ERROR 400] BAD REQUEST',
  '[ERROR 401] UNAUTHORIZED REQUEST',
  '[ERROR 419] MISSING ARGUMENTS',
  '[ERROR 420] INVALID ARGUMENTS',
];

// pattern → indexes of UNSTRUCTURED it matches
const TERM_CASES: [string, number[], string][] = [
  ['ERROR', [0, 1, 2, 3], TERMS_PAGE],
  ['ERROR ARGUMENTS', [2, 3], TERMS_PAGE],
  ['?ERROR ?ARGUMENTS', [0, 1, 2, 3], TERMS_PAGE],
  ['?REQUEST ?MISSING', [0, 1, 2], TERMS_PAGE],
  ['"INVALID ARGUMENTS"', [3], TERMS_PAGE],
  ['ERROR -ARGUMENTS', [0, 1], TERMS_PAGE],
  ['error', [], `${TERMS_PAGE} (terms are case sensitive)`],
  ['', [0, 1, 2, 3], `${TERMS_PAGE} (an empty pattern matches every event)`],
  ['%ERROR 4[01]%', [0, 1, 2], `${TERMS_PAGE} (regex)`],
];

const CLOUDTRAIL_LIKE = JSON.stringify({
  eventType: 'UpdateTrail',
  sourceIPAddress: '111.111.111.111',
  arrayKey: ['value', 'another value'],
  objectList: [
    { name: 'a', id: 1 },
    { name: 'b', id: 2 },
  ],
  SomeObject: null,
  cluster: { name: 'c1' },
  ThisFlag: true,
  'dotted.key': 'x',
});

const COMPOUND = JSON.stringify({
  user: { id: 1, email: 'Example@example.com' },
  users: [
    { id: 2, email: 'John.Doe@example.com' },
    { id: 3, email: 'Jane.Doe@example.com' },
  ],
  actions: ['GET', 'PUT', 'DELETE'],
  coordinates: [
    [0, 1],
    [2, 3],
  ],
});

const JSON_CASES: [string, boolean, string, string][] = [
  ['{ $.eventType = "UpdateTrail" }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.sourceIPAddress != 123.123.* }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.sourceIPAddress = 111.111.* }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.arrayKey[0] = "value" }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.objectList[1].id = 2 }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.objectList[1].id > 1 }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.objectList[1].id < 2 }', false, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.SomeObject IS NULL }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.SomeOtherObject NOT EXISTS }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.SomeObject EXISTS }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.ThisFlag IS TRUE }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.ThisFlag IS FALSE }', false, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.cluster.name = "c1" }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.[\'dotted.key\'] = "x" }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ $.eventType = %Update[A-Z]% }', true, CLOUDTRAIL_LIKE, JSON_PAGE],
  ['{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', true, COMPOUND, JSON_PAGE],
  ['{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', false, COMPOUND, JSON_PAGE],
  [
    '{ $.user.email = "Example@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nomatch" }',
    true,
    COMPOUND,
    JSON_PAGE,
  ],
  [
    '{ ($.user.email = "Example@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }',
    false,
    COMPOUND,
    JSON_PAGE,
  ],
  [
    '{ $.eventType = "UpdateTrail" }',
    false,
    'not json at all',
    `${JSON_PAGE} (a JSON pattern matches JSON events only)`,
  ],
];

const ACCESS_LOG = '127.0.0.1 frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 404 1534';

const DELIMITED_CASES: [string, boolean][] = [
  ['[ip, user, timestamp, request, status_code, bytes]', true],
  ['[ip, user, timestamp, request, status_code=404, bytes]', true],
  ['[ip, user, timestamp, request, status_code=4*, bytes>1000]', true],
  ['[ip, user="frank", ...]', true],
  ['[..., status_code=200, bytes]', false],
  ['[ip, user, timestamp, request, status_code, bytes>2000]', false],
  ['[ip, user]', false],
  ['[ip, user, timestamp, request, status_code = 4* && bytes > 1000, bytes]', true],
  ['[ip, user, timestamp, request, status_code = 4* && bytes > 2000, bytes]', false],
  ['[ip, user, timestamp, request, status_code = 200 || status_code = 404, bytes]', true],
];

describe('log filter patterns: terms (AWS documentation examples)', () => {
  it.each(TERM_CASES)('%s matches events %j (%s)', (pattern, expected) => {
    const compiled = compileFilterPattern(pattern);
    const matched = UNSTRUCTURED.map((m, i) => (compiled.matches(m) ? i : -1)).filter((i) => i >= 0);
    expect(matched).toEqual(expected);
  });
});

describe('log filter patterns: JSON (AWS documentation examples)', () => {
  it.each(JSON_CASES)('%s → %s', (pattern, expected, message) => {
    expect(testFilterPattern(pattern, message)).toBe(expected);
  });

  it('matches structured handler logs by key, the way trace searches them', () => {
    const line = JSON.stringify({
      level: 'INFO',
      message: 'Order captured',
      orderId: '80a8c024-29e5-4c6b-8cf6-6627e5778098',
      state: 'pending',
    });
    expect(testFilterPattern('{ $.orderId = "80a8c024-29e5-4c6b-8cf6-6627e5778098" }', line)).toBe(true);
    expect(testFilterPattern('{ $.orderId = "80a8c024-*" && $.state = "pending" }', line)).toBe(true);
    expect(testFilterPattern('{ $.orderId = "other" }', line)).toBe(false);
    expect(testFilterPattern('"80a8c024-29e5-4c6b-8cf6-6627e5778098"', line)).toBe(true);
  });
});

describe('log filter patterns: space-delimited', () => {
  it('splits fields as AWS describes (quotes and brackets enclose one field)', () => {
    expect(splitDelimitedFields(ACCESS_LOG)).toEqual([
      '127.0.0.1',
      'frank',
      '10/Oct/2000:13:25:15 -0700',
      'GET /apache_pb.gif HTTP/1.0',
      '404',
      '1534',
    ]);
  });

  it.each(DELIMITED_CASES)('%s → %s', (pattern, expected) => {
    expect(testFilterPattern(pattern, ACCESS_LOG)).toBe(expected);
  });
});

describe('log filter patterns: invalid patterns are AWS InvalidParameterException (400)', () => {
  it.each([
    '{ $.eventType = "UpdateTrail"',
    '{ eventType = "x" }',
    '{ $.a ~ 1 }',
    '{ $.a > "text" }',
    '{ ($.a = 1 }',
    '"unterminated',
    '?',
    '%something!%',
    '[a, , b]',
    '[a, ..., b, ...]',
  ])('%s', (pattern) => {
    let error: unknown;
    try {
      compileFilterPattern(pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as InvalidParameterException).name).toBe('InvalidParameterException');
    expect((error as InvalidParameterException).statusCode).toBe(400);
    expect((error as Error).message).toMatch(
      /^(Invalid filter pattern: |If a filter pattern starts with '\{' it must end with '\}'$|Invalid character\(s\) in term ')/,
    );
  });

  it("uses AWS's own messages where AWS is seen to answer them", () => {
    expect(() => compileFilterPattern('{ $.a = 1')).toThrow("If a filter pattern starts with '{' it must end with '}'");
    expect(() => compileFilterPattern('ERROR ab"c')).toThrow("Invalid character(s) in term 'ab\"c'");
  });
});
