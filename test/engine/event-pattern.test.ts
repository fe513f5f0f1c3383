/**
 * Event patterns and pipe filters against table-driven fixtures written from AWS's documentation.
 *
 * test/fixtures/event-patterns/<case>.json: { source, pattern, event | error }; the file name says the outcome
 * (no suffix = match, `_NEG` = no match, `_EXC` = InvalidEventPatternException whose first line is `error`).
 * test/fixtures/event-patterns/pipe-filters/<case>.json: { source, filterCriteria?, record | error }, same suffixes.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  compileEventPattern,
  compilePipeFilter,
  EngineError,
  InvalidEventPatternException,
  prepareEvent,
  testEventPattern,
  ValidationException,
  type PipeFilterCriteria,
} from '../../local/engine';
import { DetailTypes, EventSources, OrderStreamFilter, RulePatterns } from '../../handlers/contract';

type Outcome = 'match' | 'no-match' | 'error';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'event-patterns');
const PIPE_FIXTURES = path.join(FIXTURES, 'pipe-filters');

function outcomeOf(file: string): Outcome {
  if (file.endsWith('_EXC.json')) return 'error';
  if (file.endsWith('_NEG.json')) return 'no-match';
  return 'match';
}

function load<T>(dir: string): { file: string; outcome: Outcome; fixture: T }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      outcome: outcomeOf(file),
      fixture: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T,
    }));
}

/** What a call did: its boolean result, or the first line of the error it threw (with the error's name). */
function attempt(run: () => boolean): { result?: boolean; errorName?: string; firstLine?: string } {
  try {
    return { result: run() };
  } catch (error) {
    const e = error as Error;
    return { errorName: e.name, firstLine: e.message.split('\n')[0] };
  }
}

interface PatternFixture {
  source: string;
  pattern: string | object;
  event?: unknown;
  error?: string;
}

interface PipeFixture {
  source: string;
  filterCriteria?: PipeFilterCriteria;
  record?: unknown;
  error?: string;
}

const patternCases = load<PatternFixture>(FIXTURES);
const pipeCases = load<PipeFixture>(PIPE_FIXTURES);

describe('event pattern fixtures', () => {
  test('the corpus covers at least 170 cases with every outcome, each citing its source', () => {
    // Prepare / Act
    const counts = { match: 0, 'no-match': 0, error: 0 };
    for (const c of patternCases) counts[c.outcome]++;

    // Assess
    expect(patternCases.length).toBeGreaterThanOrEqual(170);
    expect(counts.match).toBeGreaterThan(50);
    expect(counts['no-match']).toBeGreaterThan(50);
    expect(counts.error).toBeGreaterThan(50);
    for (const c of patternCases)
      expect(c.fixture.source).toMatch(/^(https:\/\/docs\.aws\.amazon\.com\/|docs\/aws-behaviour\.md#)/);
  });

  test.each(patternCases)('$file', ({ outcome, fixture }) => {
    // Prepare: object patterns are checked both as objects (Pulumi) and as JSON text (PutRule).
    const forms =
      typeof fixture.pattern === 'string' ? [fixture.pattern] : [fixture.pattern, JSON.stringify(fixture.pattern)];

    for (const pattern of forms) {
      // Act
      const got = attempt(() => compileEventPattern(pattern).matches(fixture.event));

      // Assess
      if (outcome === 'error') {
        expect(got).toEqual({ errorName: 'InvalidEventPatternException', firstLine: fixture.error });
      } else {
        expect(got).toEqual({ result: outcome === 'match' });
      }
    }
  });
});

describe('pipe filter fixtures', () => {
  test.each(pipeCases)('$file', ({ outcome, fixture }) => {
    // Act
    const got = attempt(() => compilePipeFilter(fixture.filterCriteria).matches(fixture.record));

    // Assess
    if (outcome === 'error') expect(got.firstLine).toBe(fixture.error);
    else expect(got).toEqual({ result: outcome === 'match' });
  });
});

describe('compileEventPattern', () => {
  const ec2Event = (state: string) => ({
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { 'instance-id': 'i-1234567890abcdef0', state },
  });

  test('compiles once and matches many events, raw or prepared, with the same answers', () => {
    // Prepare
    const compiled = compileEventPattern({ source: ['aws.ec2'], detail: { state: [{ 'anything-but': 'running' }] } });
    const events = ['running', 'terminated', 'stopped', 'running'].map(ec2Event);

    // Act
    const raw = events.map((e) => compiled.matches(e));
    const prepared = events.map((e) => compiled.matches(prepareEvent(e)));
    const again = events.map((e) => compiled.matches(e));

    // Assess
    expect(raw).toEqual([false, true, true, false]);
    expect(prepared).toEqual(raw);
    expect(again).toEqual(raw);
  });

  test('one prepared event serves many patterns', () => {
    // Prepare
    const event = prepareEvent(ec2Event('terminated'));
    const patterns = [
      { source: ['aws.ec2'] },
      { source: ['aws.s3'] },
      { detail: { state: [{ prefix: 'term' }] } },
      { resources: [{ wildcard: 'arn:aws:ec2:*:instance/*' }] },
    ].map((p) => compileEventPattern(p));

    // Act
    const results = patterns.map((p) => p.matches(event));

    // Assess
    expect(results).toEqual([true, false, true, true]);
  });

  test('does not mutate the pattern object it was given', () => {
    // Prepare
    const pattern = { detail: { $or: [{ a: ['1'] }, { b: [{ numeric: ['>', 0] }] }] } };
    const before = JSON.stringify(pattern);

    // Act
    compileEventPattern(pattern).matches({ detail: { b: 2 } });

    // Assess
    expect(JSON.stringify(pattern)).toBe(before);
  });

  test('a syntax error carries a Jackson-style location on its second line', () => {
    // Act
    const got = attempt(() => compileEventPattern('{"a": [tru]}').matches({}));

    // Assess
    expect(got.errorName).toBe('InvalidEventPatternException');
    expect(() => compileEventPattern('{"a": [tru]}')).toThrow(
      /\n at \[Source: \(String\)"\{"a": \[tru\]\}"; line: 1, column: \d+\]$/,
    );
  });

  test('errors are EngineErrors with AWS name, status 400 and the bare reason', () => {
    // Act
    let caught: unknown;
    try {
      compileEventPattern({ int: 42 });
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(InvalidEventPatternException);
    expect(caught).toBeInstanceOf(EngineError);
    const e = caught as InvalidEventPatternException;
    expect(e.name).toBe('InvalidEventPatternException');
    expect(e.statusCode).toBe(400);
    expect(e.reason).toBe('"int" must be an object or an array');
    expect(e.message).toBe('Event pattern is not valid. Reason: "int" must be an object or an array');
  });

  test.each([
    [{ 'anything-but': { prefix: 'init' } }, 'prefix'],
    [{ 'anything-but': { suffix: '.png' } }, 'suffix'],
    [{ 'anything-but': { 'equals-ignore-case': 'x' } }, 'equals-ignore-case'],
    [{ 'anything-but': { wildcard: '*/lib/*' } }, 'wildcard'],
  ])('the pipes dialect rejects %j, the bus dialect accepts it', (matcher, op) => {
    // Prepare
    const pattern = { state: [matcher] };

    // Act
    const onBus = attempt(() => compileEventPattern(pattern).matches({ state: 'zzz' }));
    const onPipe = attempt(() => compileEventPattern(pattern, { dialect: 'pipes' }).matches({ state: 'zzz' }));

    // Assess
    expect(onBus).toEqual({ result: true });
    expect(onPipe.errorName).toBe('InvalidEventPatternException');
    expect(onPipe.firstLine).toContain(`anything-but with ${op} is not supported in EventBridge Pipes`);
  });

  test('the pipes dialect keeps every operator Pipes support', () => {
    // Prepare
    const pattern = {
      a: [{ 'anything-but': ['x'] }],
      b: [{ prefix: { 'equals-ignore-case': 'AB' } }],
      c: [{ numeric: ['>', 1] }],
      d: [{ exists: false }],
      e: [{ suffix: '.png' }],
    };

    // Act
    const matched = compileEventPattern(pattern, { dialect: 'pipes' }).matches({ a: 'y', b: 'abc', c: 2, e: 'f.png' });

    // Assess
    expect(matched).toBe(true);
  });
});

describe('testEventPattern', () => {
  const envelope = {
    id: 'e1',
    account: '123456789012',
    source: 'com.example',
    time: '2025-01-15T12:00:00Z',
    region: 'us-east-1',
    'detail-type': 'Thing Happened',
    detail: { n: 5 },
  };

  test('answers true and false for a valid envelope, given as text or object', () => {
    // Act / Assess
    expect(testEventPattern('{"detail":{"n":[{"numeric":[">",1]}]}}', JSON.stringify(envelope))).toBe(true);
    expect(testEventPattern({ source: ['other'] }, envelope)).toBe(false);
  });

  test.each([
    ['a JSON string', '"just a string"'],
    ['an array', '[1,2]'],
    ['not JSON', '{not json'],
    ...(['id', 'account', 'source', 'time', 'region', 'detail-type'] as const).map((f) => [
      `missing ${f}`,
      JSON.stringify(Object.fromEntries(Object.entries(envelope).filter(([k]) => k !== f))),
    ]),
  ])('rejects an event that is %s with ValidationException', (_label, event) => {
    // Act
    const got = attempt(() => testEventPattern({ source: ['com.example'] }, event));

    // Assess
    expect(got).toEqual({ errorName: 'ValidationException', firstLine: 'Parameter Event is not valid.' });
  });

  test('an invalid pattern is reported before an invalid event', () => {
    // [I] decision: AWS's order of checks is not documented; the pattern is validated first.
    // Act
    const got = attempt(() => testEventPattern('{"a":"b"}', '"x"'));

    // Assess
    expect(got).toEqual({
      errorName: 'InvalidEventPatternException',
      firstLine: 'Event pattern is not valid. Reason: "a" must be an object or an array',
    });
  });

  test('ValidationException is an EngineError with status 400', () => {
    // Act
    let caught: unknown;
    try {
      testEventPattern({ a: ['b'] }, '[]');
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(ValidationException);
    expect(caught).toBeInstanceOf(EngineError);
    expect((caught as ValidationException).statusCode).toBe(400);
  });
});

describe('the shared contract compiles and routes as intended', () => {
  test('every rule pattern is valid and the order-created rule picks only pending inserts', () => {
    // Prepare
    const compiled = Object.values(RulePatterns).map((p) => compileEventPattern(p));
    const orderCreated = compileEventPattern(RulePatterns.orderCreated);
    const changed = (change: string, state: string) => ({
      source: EventSources.ordersTable,
      'detail-type': DetailTypes.orderChanged,
      detail: { orderId: 'o1', state, reason: '', change, updatedAt: '2025-01-15T12:00:00Z' },
    });

    // Act
    const results = [changed('INSERT', 'pending'), changed('MODIFY', 'pending'), changed('INSERT', 'rejected')].map(
      (e) => orderCreated.matches(e),
    );

    // Assess
    expect(compiled).toHaveLength(Object.keys(RulePatterns).length);
    expect(results).toEqual([true, false, false]);
  });

  test('the stream filter keeps order inserts and updates, drops deletes and bookkeeping items', () => {
    // Prepare
    const filter = compilePipeFilter({ filters: [{ pattern: JSON.stringify(OrderStreamFilter) }] });
    const rec = (eventName: string, newImage?: object) => ({
      eventName,
      eventSource: 'aws:dynamodb',
      dynamodb: { Keys: { id: { S: 'o1' } }, ...(newImage ? { NewImage: newImage } : {}) },
    });

    // Act
    const results = [
      rec('INSERT', { id: { S: 'o1' }, state: { S: 'pending' } }),
      rec('MODIFY', { id: { S: 'o1' }, state: { S: 'shipped' } }),
      rec('REMOVE'),
      rec('INSERT', { id: { S: 'idem#k' } }),
      rec('INSERT', { id: { S: 'o1' }, state: 'pending' }),
    ].map((r) => filter.matches(r));

    // Assess
    expect(results).toEqual([true, true, false, false, false]);
  });
});
