import { ValidationException } from '../../local/engine/errors';
import {
  buildEventEnvelope,
  PutEventsRequestEntry,
  PutEventsValidationException,
  validatePutEventsEntry,
  validatePutEventsRequest,
} from '../../local/engine/put-events';
import { EngineCase, loadCases } from './engine-cases';

/** Fixture entries are JSON, so a Date is written as `TimeAsDate` and revived here. */
type FixtureEntry = PutEventsRequestEntry & { TimeAsDate?: string };

interface PutEventsCase extends EngineCase {
  op: 'entry' | 'request' | 'envelope';
  entry?: FixtureEntry;
  entries?: FixtureEntry[];
  opts?: { id: string; account: string; region: string; receivedAt: string };
  expected: unknown;
}

const cases = loadCases<PutEventsCase>('put-events.json');

function toEntry(fixture: FixtureEntry): PutEventsRequestEntry {
  const { TimeAsDate, ...entry } = fixture;
  return TimeAsDate === undefined ? entry : { ...entry, Time: new Date(TimeAsDate) };
}

describe('validatePutEventsEntry (per-entry failures, HTTP 200)', () => {
  it.each(cases.filter((c) => c.op === 'entry').map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const entry = toEntry(c.entry as FixtureEntry);

    // Act
    const failure = validatePutEventsEntry(entry);

    // Assess
    if ((c.expected as { accepted?: boolean }).accepted) expect(failure).toBeUndefined();
    else expect(failure).toEqual(c.expected);
  });
});

describe('validatePutEventsRequest (request-level ValidationException, HTTP 400)', () => {
  it.each(cases.filter((c) => c.op === 'request').map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const entries = (c.entries as FixtureEntry[]).map(toEntry);
    const act = () => validatePutEventsRequest(entries);

    // Act / Assess
    const expected = c.expected as { valid?: true; error?: string; message?: string };
    if (expected.valid) {
      expect(act).not.toThrow();
      return;
    }
    expect(act).toThrow(PutEventsValidationException);
    expect(act).toThrow(ValidationException);
    expect(act).toThrow(expect.objectContaining({ name: expected.error, message: expected.message, statusCode: 400 }));
  });
});

describe('buildEventEnvelope', () => {
  it.each(cases.filter((c) => c.op === 'envelope').map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const opts = c.opts as NonNullable<PutEventsCase['opts']>;
    const entry = toEntry(c.entry as FixtureEntry);

    // Act
    const envelope = buildEventEnvelope(entry, { ...opts, receivedAt: new Date(opts.receivedAt) });

    // Assess: compare the serialised text so that key order counts too
    expect(JSON.stringify(envelope)).toBe(JSON.stringify(c.expected));
  });
});
