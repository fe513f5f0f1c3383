import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBridgeDefinitionError, EventBridgeService } from '../../../../local/services/eventbridge';
import { attributeValues, FakeLambda, FakeSqs, recordingClock, waitFor } from '../../helpers/fakes';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:target-queue`;
const DLQ = `arn:aws:sqs:${REGION}:${ACCOUNT}:target-dlq`;
const FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn`;

function entry(detail: object, overrides: Record<string, unknown> = {}) {
  return {
    Source: 'com.example.shop',
    DetailType: 'Thing Happened',
    Detail: JSON.stringify(detail),
    EventBusName: 'shop',
    ...overrides,
  };
}

describe('EventBridgeService', () => {
  let archiveDir: string;
  let sqs: FakeSqs;
  let lambda: FakeLambda;
  let logLines: string[];
  let service: EventBridgeService;
  let logged: { source: string; message: string }[];

  function makeService(
    overrides: Partial<ConstructorParameters<typeof EventBridgeService>[0]> = {},
  ): EventBridgeService {
    return new EventBridgeService({
      account: ACCOUNT,
      region: REGION,
      sqs,
      lambda,
      logs: { write: (r) => logged.push({ source: r.source, message: r.message }) },
      clock: recordingClock(),
      archiveDir,
      log: (m) => logLines.push(m),
      ...overrides,
    });
  }

  beforeEach(() => {
    archiveDir = fs.mkdtempSync(path.join(os.tmpdir(), 'eb-archive-'));
    sqs = new FakeSqs();
    lambda = new FakeLambda();
    logLines = [];
    logged = [];
    service = makeService();
    service.addBus({ name: 'shop' });
  });

  afterEach(async () => {
    await service.stop();
    fs.rmSync(archiveDir, { recursive: true, force: true });
  });

  describe('putEvents', () => {
    it('returns an EventId per accepted entry and delivers an envelope whose id is that EventId', async () => {
      // Prepare
      service.addRule({
        name: 'all',
        eventBusName: 'shop',
        eventPattern: JSON.stringify({ source: ['com.example.shop'] }),
      });
      service.addTarget({ rule: 'all', eventBusName: 'shop', targetId: 'q', arn: QUEUE });
      // Act
      const result = await service.putEvents({ Entries: [entry({ n: 1 })] });
      await service.idle();
      // Assess
      expect(result.FailedEntryCount).toBe(0);
      const eventId = (result.Entries[0] as { EventId: string }).EventId;
      const delivered = JSON.parse(sqs.to(QUEUE)[0].body);
      expect(Object.keys(delivered)).toEqual([
        'version',
        'id',
        'detail-type',
        'source',
        'account',
        'time',
        'region',
        'resources',
        'detail',
      ]);
      expect(delivered).toMatchObject({
        id: eventId,
        source: 'com.example.shop',
        'detail-type': 'Thing Happened',
        account: ACCOUNT,
        region: REGION,
        detail: { n: 1 },
      });
    });

    it('reports entry failures with HTTP-200 semantics, in request order', async () => {
      // Prepare
      const entries = [
        entry({ ok: true }),
        { Source: 'x', DetailType: 'y', Detail: '[]' },
        { DetailType: 'y', Detail: '{}' },
      ];
      // Act
      const result = await service.putEvents({ Entries: entries });
      // Assess
      expect(result.FailedEntryCount).toBe(2);
      expect(result.Entries[0]).toEqual({ EventId: expect.any(String) });
      expect(result.Entries[1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
      expect(result.Entries[2]).toEqual({
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      });
    });

    it('throws the engine validation exception for more than 10 entries', async () => {
      // Prepare
      const entries = Array.from({ length: 11 }, (_, i) => entry({ i }));
      // Act, Assess
      await expect(service.putEvents({ Entries: entries })).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining('Member must have length less than or equal to 10'),
      });
    });

    it('gives an EventId for an unknown bus and drops the event silently', async () => {
      // Prepare
      service.addRule({
        name: 'all',
        eventBusName: 'shop',
        eventPattern: JSON.stringify({ source: ['com.example.shop'] }),
      });
      service.addTarget({ rule: 'all', eventBusName: 'shop', targetId: 'q', arn: QUEUE });
      // Act
      const result = await service.putEvents({ Entries: [entry({}, { EventBusName: 'no-such-bus' })] });
      await service.idle();
      // Assess
      expect(result).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
      expect(sqs.messages).toEqual([]);
    });

    it('answers before a slow target has been invoked', async () => {
      // Prepare
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow = new FakeLambda();
      slow.invokeAsync = async (arn, payload) => {
        await gate;
        slow.invocations.push({ arn, payload });
      };
      const svc = makeService({ lambda: slow });
      svc.addRule({ name: 'r', eventPattern: JSON.stringify({ source: ['com.example.shop'] }) });
      svc.addTarget({ rule: 'r', targetId: 'fn', arn: FUNCTION });
      // Act
      const result = await svc.putEvents({ Entries: [entry({}, { EventBusName: undefined })] });
      // Assess
      expect(result.FailedEntryCount).toBe(0);
      expect(slow.invocations).toEqual([]);
      release();
      await svc.idle();
      expect(slow.invocations).toHaveLength(1);
      await svc.stop();
    });
  });

  describe('rules', () => {
    it('delivers only to enabled rules whose pattern matches, each target independently', async () => {
      // Prepare
      const other = `arn:aws:sqs:${REGION}:${ACCOUNT}:other`;
      service.addRule({
        name: 'big',
        eventBusName: 'shop',
        eventPattern: JSON.stringify({ detail: { total: [{ numeric: ['>', 100] }] } }),
      });
      service.addRule({
        name: 'off',
        eventBusName: 'shop',
        eventPattern: JSON.stringify({ source: ['com.example.shop'] }),
        state: 'DISABLED',
      });
      service.addRule({
        name: 'any',
        eventBusName: 'shop',
        eventPattern: JSON.stringify({ source: ['com.example.shop'] }),
      });
      service.addTarget({ rule: 'big', eventBusName: 'shop', targetId: 'q', arn: QUEUE });
      service.addTarget({ rule: 'off', eventBusName: 'shop', targetId: 'q', arn: other });
      service.addTarget({ rule: 'any', eventBusName: 'shop', targetId: 'fn', arn: FUNCTION });
      service.addTarget({ rule: 'any', eventBusName: 'shop', targetId: 'q2', arn: QUEUE });
      // Act
      await service.putEvents({ Entries: [entry({ total: 150 }), entry({ total: 5 })] });
      await service.idle();
      // Assess
      expect(sqs.to(other)).toEqual([]);
      expect(
        sqs
          .to(QUEUE)
          .map((m) => JSON.parse(m.body).detail.total)
          .sort(),
      ).toEqual([150, 150, 5].sort());
      expect(lambda.invocations.map((i) => (i.payload as { detail: { total: number } }).detail.total).sort()).toEqual(
        [150, 5].sort(),
      );
    });

    it('stops matching once a rule is disabled', async () => {
      // Prepare
      service.addRule({
        name: 'r',
        eventBusName: 'shop',
        eventPattern: JSON.stringify({ source: ['com.example.shop'] }),
      });
      service.addTarget({ rule: 'r', eventBusName: 'shop', targetId: 'q', arn: QUEUE });
      service.setRuleState('r', 'shop', 'DISABLED');
      // Act
      await service.putEvents({ Entries: [entry({})] });
      await service.idle();
      // Assess
      expect(sqs.messages).toEqual([]);
    });

    it('names rules on a custom bus rule/<bus>/<rule> and on the default bus rule/<rule>', () => {
      // Prepare, Act
      const custom = service.addRule({ name: 'r', eventBusName: 'shop', eventPattern: '{"source":["a"]}' });
      const dflt = service.addRule({ name: 'r', eventPattern: '{"source":["a"]}' });
      // Assess
      expect(custom.arn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/shop/r`);
      expect(dflt.arn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/r`);
    });

    it('rejects an invalid pattern with the engine exception, as PutRule', () => {
      // Prepare, Act, Assess
      expect(() => service.addRule({ name: 'bad', eventBusName: 'shop', eventPattern: '{"source":"x"}' })).toThrow(
        expect.objectContaining({ name: 'InvalidEventPatternException' }),
      );
    });

    it('accepts the bus as an ARN', async () => {
      // Prepare
      const bus = service.listBuses().find((b) => b.name === 'shop');
      service.addRule({ name: 'r', eventBusName: bus?.arn, eventPattern: '{"source":["com.example.shop"]}' });
      service.addTarget({ rule: 'r', eventBusName: bus?.arn, targetId: 'q', arn: QUEUE });
      // Act
      await service.putEvents({ Entries: [entry({}, { EventBusName: bus?.arn })] });
      await service.idle();
      // Assess
      expect(sqs.to(QUEUE)).toHaveLength(1);
    });
  });

  describe('targets', () => {
    it('applies the input transformer given with the Pulumi input names', async () => {
      // Prepare
      service.addRule({ name: 'r', eventBusName: 'shop', eventPattern: '{"source":["com.example.shop"]}' });
      service.addTarget({
        rule: 'r',
        eventBusName: 'shop',
        targetId: 'q',
        arn: QUEUE,
        inputTransformer: {
          inputPaths: { id: '$.detail.id', list: '$.detail.list' },
          inputTemplate: '{"thing":<id>,"list":<list>,"rule":<aws.events.rule-name>}',
        },
      });
      // Act
      await service.putEvents({ Entries: [entry({ id: 'a-1', list: ['X'] })] });
      await service.idle();
      // Assess
      expect(JSON.parse(sqs.to(QUEUE)[0].body)).toEqual({ thing: 'a-1', list: ['X'], rule: 'r' });
    });

    it('rejects a template placeholder without a path, as PutTargets', () => {
      // Prepare
      service.addRule({ name: 'r', eventBusName: 'shop', eventPattern: '{"source":["com.example.shop"]}' });
      // Act, Assess
      expect(() =>
        service.addTarget({
          rule: 'r',
          eventBusName: 'shop',
          targetId: 'q',
          arn: QUEUE,
          inputTransformer: { inputTemplate: '{"a":<nope>}' },
        }),
      ).toThrow('InputTemplate for target q contains invalid placeholder nope.');
    });

    it('sends the original event to the DLQ with INVALID_JSON when the transformer output is not JSON', async () => {
      // Prepare
      service.addRule({ name: 'r', eventBusName: 'shop', eventPattern: '{"source":["com.example.shop"]}' });
      service.addTarget({
        rule: 'r',
        eventBusName: 'shop',
        targetId: 'q',
        arn: QUEUE,
        inputTransformer: { inputPaths: { obj: '$.detail.obj' }, inputTemplate: '{"text":"<obj>"}' },
        deadLetterConfig: { arn: DLQ },
      });
      // Act
      const result = await service.putEvents({ Entries: [entry({ obj: { a: 1 } })] });
      await service.idle();
      // Assess
      expect(sqs.to(QUEUE)).toEqual([]);
      const [dead] = sqs.to(DLQ);
      expect(JSON.parse(dead.body).id).toBe((result.Entries[0] as { EventId: string }).EventId);
      expect(attributeValues(dead.attributes)).toMatchObject({ ERROR_CODE: 'INVALID_JSON', RETRY_ATTEMPTS: '0' });
    });

    it('retries a failed Lambda invoke, then dead-letters the original event with AWS attributes', async () => {
      // Prepare
      const clock = recordingClock();
      const failing = new FakeLambda(() => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      });
      const svc = makeService({ lambda: failing, clock });
      svc.addBus({ name: 'shop' });
      const rule = svc.addRule({ name: 'r', eventBusName: 'shop', eventPattern: '{"source":["com.example.shop"]}' });
      svc.addTarget({
        rule: 'r',
        eventBusName: 'shop',
        targetId: 'fn',
        arn: FUNCTION,
        input: '{"constant":true}',
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: DLQ },
      });
      // Act
      await svc.putEvents({ Entries: [entry({ k: 'v' })] });
      await svc.idle();
      // Assess
      const [dead] = sqs.to(DLQ);
      expect(JSON.parse(dead.body).detail).toEqual({ k: 'v' }); // the original event, not the constant input
      expect(attributeValues(dead.attributes)).toEqual({
        RULE_ARN: rule.arn,
        TARGET_ARN: FUNCTION,
        ERROR_CODE: 'THROTTLING',
        ERROR_MESSAGE: 'Rate exceeded',
        EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
        RETRY_ATTEMPTS: '3',
      });
      expect(clock.delays).toHaveLength(3);
      expect(svc.metrics()[0]).toMatchObject({ invocations: 4, retries: 3, deadLettered: 1, delivered: 0 });
      await svc.stop();
    });

    it('does not retry a missing function (NO_RESOURCE)', async () => {
      // Prepare
      const missing = new FakeLambda(() => {
        throw Object.assign(new Error('Function not found: fn'), { name: 'ResourceNotFoundException' });
      });
      const svc = makeService({ lambda: missing });
      svc.addRule({ name: 'r', eventPattern: '{"source":["com.example.shop"]}' });
      svc.addTarget({ rule: 'r', targetId: 'fn', arn: FUNCTION, deadLetterConfig: { arn: DLQ } });
      // Act
      await svc.putEvents({ Entries: [entry({}, { EventBusName: 'default' })] });
      await svc.idle();
      // Assess
      const attributes = attributeValues(sqs.to(DLQ)[0].attributes);
      expect(attributes).toMatchObject({ ERROR_CODE: 'NO_RESOURCE', RETRY_ATTEMPTS: '0' });
      expect(attributes.EXHAUSTED_RETRY_CONDITION).toBeUndefined();
      await svc.stop();
    });

    it('writes the event to the log group named by a CloudWatch Logs target', async () => {
      // Prepare
      service.addRule({ name: 'r', eventBusName: 'shop', eventPattern: '{"source":["com.example.shop"]}' });
      service.addTarget({
        rule: 'r',
        eventBusName: 'shop',
        targetId: 'log',
        arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/events/catch-all:*`,
      });
      // Act
      await service.putEvents({ Entries: [entry({ n: 7 })] });
      await service.idle();
      // Assess
      expect(logged).toHaveLength(1);
      expect(logged[0].source).toBe('/aws/events/catch-all');
      expect(JSON.parse(logged[0].message).detail).toEqual({ n: 7 });
    });

    it('forwards events to another bus through an event bus target', async () => {
      // Prepare
      const second = service.addBus({ name: 'second' });
      service.addRule({ name: 'fwd', eventBusName: 'shop', eventPattern: '{"source":["com.example.shop"]}' });
      service.addTarget({ rule: 'fwd', eventBusName: 'shop', targetId: 'bus', arn: second.arn });
      service.addRule({ name: 'sink', eventBusName: 'second', eventPattern: '{"detail-type":["Thing Happened"]}' });
      service.addTarget({ rule: 'sink', eventBusName: 'second', targetId: 'q', arn: QUEUE });
      // Act
      await service.putEvents({ Entries: [entry({ hop: 1 })] });
      await service.idle();
      // Assess
      const forwarded = JSON.parse(sqs.to(QUEUE)[0].body);
      expect(forwarded).toMatchObject({
        source: 'com.example.shop',
        'detail-type': 'Thing Happened',
        detail: { hop: 1 },
      });
    });

    it('refuses target types it does not emulate', () => {
      // Prepare
      service.addRule({ name: 'r', eventBusName: 'shop', eventPattern: '{"source":["a"]}' });
      // Act, Assess
      expect(() =>
        service.addTarget({
          rule: 'r',
          eventBusName: 'shop',
          arn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:sm`,
        }),
      ).toThrow(EventBridgeDefinitionError);
    });
  });

  describe('scheduled rules', () => {
    it("fires a rate rule on the compressed interval with AWS's scheduled event, to that rule's targets only", async () => {
      // Prepare: rate(1 minute) with a clock compressing 1000 times fires every 60 ms
      const rule = service.addRule({ name: 'tick', scheduleExpression: 'rate(1 minute)' });
      service.addTarget({ rule: 'tick', targetId: 'q', arn: QUEUE });
      service.addRule({ name: 'other', eventPattern: '{"source":["aws.events"]}' });
      service.addTarget({ rule: 'other', targetId: 'q', arn: DLQ });
      // Act
      await waitFor(() => sqs.to(QUEUE).length >= 2);
      service.setRuleState('tick', undefined, 'DISABLED');
      await service.idle();
      const count = sqs.to(QUEUE).length;
      await new Promise((r) => setTimeout(r, 150));
      // Assess
      expect(JSON.parse(sqs.to(QUEUE)[0].body)).toMatchObject({
        source: 'aws.events',
        'detail-type': 'Scheduled Event',
        resources: [rule.arn],
        detail: {},
      });
      expect(sqs.to(DLQ)).toEqual([]);
      expect(sqs.to(QUEUE)).toHaveLength(count);
    });
  });

  describe('archives', () => {
    it('appends matching events of its bus to an append-only record', async () => {
      // Prepare
      const bus = service.listBuses().find((b) => b.name === 'shop');
      service.addArchive({
        name: 'shop-archive',
        eventSourceArn: bus?.arn ?? '',
        eventPattern: '{"detail":{"keep":[true]}}',
        retentionDays: 7,
      });
      // Act
      const first = await service.putEvents({ Entries: [entry({ keep: true, n: 1 }), entry({ keep: false })] });
      await service.idle();
      const second = await service.putEvents({ Entries: [entry({ keep: true, n: 2 })] });
      await service.idle();
      // Assess
      const archived = service.readArchive('shop-archive');
      expect(archived.map((e) => e.id)).toEqual([
        (first.Entries[0] as { EventId: string }).EventId,
        (second.Entries[0] as { EventId: string }).EventId,
      ]);
      const meta = JSON.parse(fs.readFileSync(path.join(archiveDir, 'shop-archive.archive.json'), 'utf8'));
      expect(meta).toMatchObject({ name: 'shop-archive', retentionDays: 7 });
      expect(fs.readFileSync(path.join(archiveDir, 'shop-archive.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    });
  });

  describe('testEventPattern', () => {
    it('matches through the engine', () => {
      // Prepare
      const event = JSON.stringify({
        id: '1',
        account: ACCOUNT,
        source: 'a',
        time: '2025-01-15T12:00:00Z',
        region: REGION,
        'detail-type': 't',
        detail: {},
      });
      // Act, Assess
      expect(service.testEventPattern('{"source":["a"]}', event)).toBe(true);
      expect(service.testEventPattern('{"source":["b"]}', event)).toBe(false);
    });
  });
});
