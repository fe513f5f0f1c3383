/**
 * Contract tests: every event a producer in the stack can emit is matched by the rule meant for it and by no other,
 * and every transformer renders valid JSON of the shape its consumer parses. Producers and rules are taken from the
 * resource graph the program declares; matching and rendering use the one shared engine (local/engine).
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { shipmentConfirmation, CarrierNotificationSchema, IdempotencyKeyHeaderSchema } from '../../handlers/carrier';
import { OrderStates, type OrderChangedDetail } from '../../handlers/contract';
import { CancellationRequestedDetailSchema, ConfirmShipmentInputSchema } from '../../handlers/event-schemas';
import { templateSafeText } from '../../handlers/order-model';
import {
  buildEventEnvelope,
  compileEventPattern,
  compilePipeFilter,
  evaluateParameterMapping,
  renderPipeTemplate,
  renderTargetInput,
  resolveJsonPathValue,
  validatePipeTemplate,
  validatePutEventsEntry,
  validateTargetInput,
  type PutEventsRequestEntry,
  type TargetInputConfig,
} from '../../local/engine';
import type { RecordedResource } from '../../local/model/pulumi-mocks';
import { loadStack, T, type LoadedStack } from './helpers/stack';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const readJson = (...parts: string[]): unknown => JSON.parse(readFileSync(path.join(FIXTURES, ...parts), 'utf8'));
const streamRecord = (name: string) => readJson('stream-records', `${name}.json`) as Record<string, unknown>;

type BusEventObject = { id: string; time: string; detail: Record<string, unknown> } & Record<string, unknown>;

describe('event contract of the deployed stack', () => {
  let stack: LoadedStack;
  let rules: { name: string; matches: (event: unknown) => boolean }[];
  let eventCounter = 0;

  beforeAll(async () => {
    stack = await loadStack({
      config: { chatWebhookUrl: 'https://hooks.slack.com/services/T0/B0/x' },
      secretKeys: ['chatWebhookUrl'],
    });
    rules = stack.ofType(T.rule).map((r) => {
      const compiled = compileEventPattern(r.inputs.eventPattern);
      return { name: r.name, matches: (event: unknown) => compiled.matches(event) };
    });
  });

  /** What PutEvents would make of an entry: validated, then the envelope rules and targets see. */
  function putEvent(entry: PutEventsRequestEntry): BusEventObject {
    expect(validatePutEventsEntry(entry)).toBeUndefined();
    eventCounter += 1;
    const id = `00000000-0000-4000-8000-${String(eventCounter).padStart(12, '0')}`;
    return buildEventEnvelope(entry, {
      id,
      account: '123456789012',
      region: 'us-east-1',
      receivedAt: new Date('2026-11-24T08:50:11.500Z'),
    }) as BusEventObject;
  }

  const matchedBy = (event: unknown) =>
    rules
      .filter((r) => r.matches(event))
      .map((r) => r.name)
      .sort();

  /** POST <routeKey> with this body, through the route's PutEvents integration mapping. */
  const CUSTOMER = 'c0ffee00-1111-4222-8333-444455556666';

  function viaRoute(routeKey: string, body: string): BusEventObject {
    const route = stack.ofType(T.route).find((r) => r.inputs.routeKey === routeKey) as RecordedResource;
    const integration = stack
      .ofType(T.integration)
      .find((i) => route.inputs.target === `integrations/${i.id}`) as RecordedResource;
    const params = evaluateParameterMapping(integration.inputs.requestParameters, {
      body,
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      query: {},
      pathParameters: {},
      // A customer route's mapping reads the subject of the token the JWT authorizer verified.
      context: { requestId: 'req-1', authorizer: { claims: { sub: CUSTOMER } } },
      stageVariables: {},
    });
    return putEvent({
      EventBusName: params.EventBusName,
      Source: params.Source,
      DetailType: params.DetailType,
      Detail: params.Detail,
    });
  }

  /** One stream record through the pipe: its filter, its template, its bus parameters. Undefined when filtered out. */
  function viaPipe(record: object): BusEventObject | undefined {
    const pipe = stack.ofType(T.pipe)[0];
    if (!compilePipeFilter(pipe.inputs.sourceParameters.filterCriteria).matches(record)) return undefined;
    const rendered = renderPipeTemplate(pipe.inputs.targetParameters.inputTemplate, record, {
      pipeArn: pipe.state.arn,
      pipeName: pipe.state.name,
      sourceArn: pipe.inputs.source,
      targetArn: pipe.inputs.target,
      ingestionTime: '2026-11-24T08:50:13Z',
    });
    if (!rendered.ok) throw new Error(`${rendered.errorCode}: ${rendered.errorMessage}`);
    const params = pipe.inputs.targetParameters.eventbridgeEventBusParameters;
    return putEvent({
      Source: params.source,
      DetailType: params.detailType,
      Detail: rendered.body,
      EventBusName: pipe.inputs.target,
    });
  }

  const targetOf = (ruleName: string) => {
    const rule = stack.get(T.rule, ruleName);
    const target = stack.ofType(T.target).find((t) => t.inputs.rule === rule.state.name) as RecordedResource;
    return { rule, target };
  };

  /** Pulumi names the transformer's map `inputPaths`; the engine uses the API's `InputPathsMap`. */
  function inputConfigOf(target: RecordedResource): TargetInputConfig {
    const t = target.inputs.inputTransformer;
    return t ? { inputTransformer: { inputPathsMap: t.inputPaths, inputTemplate: t.inputTemplate } } : {};
  }

  function render(ruleName: string, event: object): unknown {
    const { rule, target } = targetOf(ruleName);
    const result = renderTargetInput(inputConfigOf(target), event, {
      ruleArn: rule.state.arn,
      ruleName: rule.state.name,
      ingestionTime: '2026-11-24T08:50:12Z',
    });
    if (!result.ok) throw new Error(`${result.errorCode}: ${result.errorMessage}`);
    return JSON.parse(result.body);
  }

  describe('producers reach exactly their rules', () => {
    it('POST /uploads (examples/upload.json) → order-uploaded only (not even the catch-all: customer data)', () => {
      // Prepare
      const body = readFileSync(path.join(__dirname, '..', '..', 'examples', 'upload.json'), 'utf8');

      // Act
      const event = viaRoute('POST /uploads', body);

      // Assess
      expect(matchedBy(event)).toEqual(['orders-order-uploaded']);
      expect(event.detail).toEqual({ customerId: CUSTOMER, body: JSON.parse(body), customerIdRepeated: CUSTOMER });
    });

    it('POST /cancellations → cancellation-requested only, with the detail cancel-order parses', () => {
      // Prepare
      const body = JSON.stringify(
        (readJson('events', 'cancellation-requested.json') as { detail: { body: unknown } }).detail.body,
      );

      // Act
      const event = viaRoute('POST /cancellations', body);

      // Assess
      expect(matchedBy(event)).toEqual(['orders-all-events', 'orders-cancellation-requested']);
      expect(CancellationRequestedDetailSchema.safeParse((event.detail as { body: unknown }).body).success).toBe(true);
      expect(event.detail).toMatchObject({ customerId: CUSTOMER, customerIdRepeated: CUSTOMER });
    });

    it("the carrier mock's callback via POST /confirm-shipment → shipment-confirmed only", () => {
      // Prepare
      const body = JSON.stringify(
        shipmentConfirmation('6a7e8feb-b491-4cf7-a9f1-bf3703467718', new Date('2026-11-24T08:50:14.020Z')),
      );

      // Act
      const event = viaRoute('POST /confirm-shipment', body);

      // Assess
      expect(matchedBy(event)).toEqual(['orders-all-events', 'orders-shipment-confirmed']);
    });

    it.each([
      ['insert-pending', ['orders-all-events', 'orders-chat', 'orders-order-created']],
      ['modify-shipped', ['orders-all-events', 'orders-chat']],
      ['modify-cancelled', ['orders-all-events', 'orders-chat', 'orders-order-cancelled']],
      ['insert-rejected', ['orders-all-events', 'orders-chat']],
    ])('the pipe turns the %s stream record into an order change matched by %j', (fixture, expected) => {
      // Prepare
      const record = streamRecord(fixture);

      // Act
      const event = viaPipe(record);

      // Assess
      expect(event).toBeDefined();
      expect(matchedBy(event)).toEqual(expected);
    });

    it.each(['insert-idempotency-claim', 'remove-order'])(
      'the pipe filter drops the %s record (no event at all)',
      (fixture) => {
        // Prepare / Act
        const event = viaPipe(streamRecord(fixture));

        // Assess
        expect(event).toBeUndefined();
      },
    );

    it('no producer triggers a rule meant for another producer', () => {
      // Prepare
      const api = viaRoute('POST /uploads', '{"customer":{}}');
      const carrier = viaRoute('POST /confirm-shipment', '{"order_id":"x","state":"pending","change":"INSERT"}');

      // Act / Assess: even bodies that mimic other payloads keep their static source and detail type
      expect(matchedBy(api)).toEqual(['orders-order-uploaded']);
      expect(matchedBy(carrier)).toEqual(['orders-all-events', 'orders-shipment-confirmed']);
    });
  });

  describe('the pipe template renders a clean OrderChangedDetail', () => {
    it.each(['insert-pending', 'modify-shipped', 'modify-cancelled', 'insert-rejected'])(
      'from %s: plain JSON, no attribute-value wrappers',
      (fixture) => {
        // Prepare
        const record = streamRecord(fixture) as {
          eventName: string;
          dynamodb: { NewImage: Record<string, { S: string }> };
        };

        // Act
        const detail = (viaPipe(record) as BusEventObject).detail as unknown as OrderChangedDetail;

        // Assess
        const image = record.dynamodb.NewImage;
        expect(detail).toEqual({
          orderId: image.id.S,
          state: image.state.S,
          reason: image.reason.S,
          change: record.eventName,
          updatedAt: image.updatedAt.S,
          changeId: (record as unknown as { eventID: string }).eventID,
        });
        expect(OrderStates).toContain(detail.state);
        expect(JSON.stringify(detail)).not.toMatch(/"S":/);
      },
    );

    it('stays valid JSON for any reason the handlers can write, because they sanitize it (AWS does not escape values)', () => {
      // Prepare
      const raw = 'Rejected: copies: "three" is not a number \\ try 3';
      const safe = streamRecord('insert-rejected') as { dynamodb: { NewImage: Record<string, { S: string }> } };
      safe.dynamodb.NewImage.reason = { S: templateSafeText(raw) };
      const unsafe = streamRecord('insert-rejected') as { dynamodb: { NewImage: Record<string, { S: string }> } };
      unsafe.dynamodb.NewImage.reason = { S: raw };

      // Act
      const event = viaPipe(safe) as BusEventObject;

      // Assess
      expect(event.detail.reason).toBe("Rejected: copies: 'three' is not a number / try 3");
      expect(() => viaPipe(unsafe)).toThrow(/INVALID_JSON/);
    });

    it('passes the pipe template and every target input through AWS validation', () => {
      // Prepare
      const pipe = stack.ofType(T.pipe)[0];

      // Act / Assess
      expect(() => validatePipeTemplate(pipe.inputs.targetParameters.inputTemplate)).not.toThrow();
      const targets = stack.ofType(T.target);
      // The loop below proves nothing over an empty list.
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets)
        expect(() => validateTargetInput(target.inputs.targetId, inputConfigOf(target))).not.toThrow();
    });
  });

  describe('transformers render what their consumers parse', () => {
    it('shipment-confirmed → ConfirmShipmentInput for confirm-shipment', () => {
      // Prepare
      const confirmation = shipmentConfirmation(
        '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
        new Date('2026-11-24T08:50:14.020Z'),
      );
      const event = viaRoute('POST /confirm-shipment', JSON.stringify(confirmation));

      // Act
      const input = render('orders-shipment-confirmed', event);

      // Assess
      expect(input).toEqual({
        orderId: confirmation.order_id,
        trackingNumber: confirmation.tracking_number,
        shippedAt: confirmation.shipped_at,
        confirmedAt: event.time,
        confirmationId: event.id,
      });
      expect(ConfirmShipmentInputSchema.safeParse(input).success).toBe(true);
    });

    it('a confirmation without the optional fields renders them as empty strings', () => {
      // Prepare
      const event = viaRoute('POST /confirm-shipment', '{"order_id":"6a7e8feb-b491-4cf7-a9f1-bf3703467718"}');

      // Act
      const input = render('orders-shipment-confirmed', event) as Record<string, string>;

      // Assess
      expect(input.trackingNumber).toBe('');
      expect(input.shippedAt).toBe('');
      expect(ConfirmShipmentInputSchema.safeParse(input).success).toBe(true);
    });

    it.each([
      ['orders-order-created', 'insert-pending'],
      ['orders-order-cancelled', 'modify-cancelled'],
    ])(
      '%s → the carrier payload the carrier (mock) accepts, with the state change id as Idempotency-Key',
      (ruleName, fixture) => {
        // Prepare
        const event = viaPipe(streamRecord(fixture)) as BusEventObject;
        const { target } = targetOf(ruleName);

        // Act
        const payload = render(ruleName, event);
        const headers = Object.fromEntries(
          Object.entries(target.inputs.httpTarget.headerParameters as Record<string, string>).map(([k, v]) => [
            k,
            resolveJsonPathValue(event, v),
          ]),
        );

        // Assess
        expect(payload).toEqual({
          order_id: event.detail.orderId,
          state: event.detail.state,
          reason: event.detail.reason,
        });
        expect(CarrierNotificationSchema.safeParse(payload).success).toBe(true);
        expect(headers).toEqual({ 'Idempotency-Key': (streamRecord(fixture) as { eventID: string }).eventID });
        expect(IdempotencyKeyHeaderSchema.safeParse(headers['Idempotency-Key']).success).toBe(true);
      },
    );

    /** The Idempotency-Key EventBridge would send for this stream record through this rule's target. */
    function idempotencyKeyOf(ruleName: string, record: object): unknown {
      const event = viaPipe(record) as BusEventObject;
      const { target } = targetOf(ruleName);
      expect(matchedBy(event)).toContain(ruleName);
      return resolveJsonPathValue(
        event,
        (target.inputs.httpTarget.headerParameters as Record<string, string>)['Idempotency-Key'],
      );
    }

    it('sends a created and a cancelled change of the same order under distinct keys, the order id staying in the payload', () => {
      // Prepare
      const created = streamRecord('insert-pending') as { dynamodb: { NewImage: { id: { S: string } } } };
      const cancelled = streamRecord('modify-cancelled') as { dynamodb: { NewImage: { id: { S: string } } } };
      expect(created.dynamodb.NewImage.id.S).toBe(cancelled.dynamodb.NewImage.id.S);

      // Act
      const createdKey = idempotencyKeyOf('orders-order-created', created);
      const cancelledKey = idempotencyKeyOf('orders-order-cancelled', cancelled);
      const cancelledPayload = render('orders-order-cancelled', viaPipe(cancelled) as BusEventObject) as {
        order_id: string;
      };

      // Assess
      expect(createdKey).not.toEqual(cancelledKey);
      expect(cancelledPayload.order_id).toBe(cancelled.dynamodb.NewImage.id.S);
    });

    it('keeps the key stable across redeliveries of the same change (a retried put of the record gets a new event id, not a new key)', () => {
      // Prepare
      const record = streamRecord('modify-cancelled');

      // Act: the pipe puts the same record twice, as after a partial failure
      const first = viaPipe(record) as BusEventObject;
      const second = viaPipe(record) as BusEventObject;

      // Assess
      expect(first.id).not.toBe(second.id);
      expect(idempotencyKeyOf('orders-order-cancelled', record)).toBe(first.detail.changeId);
      expect(second.detail.changeId).toBe(first.detail.changeId);
    });

    it.each(['insert-pending', 'modify-shipped', 'modify-cancelled', 'insert-rejected'])(
      'orders-chat → a Slack message for %s',
      (fixture) => {
        // Prepare
        const event = viaPipe(streamRecord(fixture)) as BusEventObject;

        // Act
        const message = render('orders-chat', event);

        // Assess
        expect(message).toEqual({
          text: `Order ${event.detail.orderId} is now ${event.detail.state}`,
          attachments: [{ text: event.detail.reason }],
        });
      },
    );
  });

  describe('no customer data outside the table', () => {
    const CUSTOMER_DATA = ['ada@example.com', 'Ada Lovelace', "12 St James's Square", 'SW1Y 4JH'];
    const uploadBody = () => JSON.stringify((readJson('events', 'order-uploaded.json') as { detail: unknown }).detail);

    /** What the catch-all rule would write into its log group for this event: nothing, or its rendered input. */
    function catchAllLogged(event: BusEventObject): string | undefined {
      const { rule, target } = targetOf('orders-all-events');
      if (!compileEventPattern(rule.inputs.eventPattern).matches(event)) return undefined;
      const result = renderTargetInput(inputConfigOf(target), event, {
        ruleArn: rule.state.arn,
        ruleName: rule.state.name,
        ingestionTime: '2026-11-24T08:50:12Z',
      });
      if (!result.ok) throw new Error(`${result.errorCode}: ${result.errorMessage}`);
      return result.body;
    }

    it('the fixture upload carries customer data (so the checks below can fail)', () => {
      // Prepare / Act
      const event = viaRoute('POST /uploads', uploadBody());

      // Assess
      for (const value of CUSTOMER_DATA) expect(JSON.stringify(event)).toContain(value);
    });

    it('an upload rendered through the catch-all rule writes nothing to its log group', () => {
      // Prepare
      const event = viaRoute('POST /uploads', uploadBody());

      // Act
      const logged = catchAllLogged(event);

      // Assess
      expect(logged).toBeUndefined();
    });

    it('an upload is not archived: the archive keeps what the catch-all logs', () => {
      // Prepare
      const archive = stack.ofType('aws:cloudwatch/eventArchive:EventArchive')[0];
      const upload = viaRoute('POST /uploads', uploadBody());
      const change = viaPipe(streamRecord('insert-pending')) as BusEventObject;

      // Act
      const pattern = compileEventPattern(archive.inputs.eventPattern);

      // Assess
      expect(pattern.matches(upload)).toBe(false);
      expect(pattern.matches(change)).toBe(true);
    });

    it.each(['insert-pending', 'insert-rejected', 'modify-cancelled', 'modify-shipped'])(
      'the order change from %s is logged whole, and holds no customer data',
      (fixture) => {
        // Prepare
        const event = viaPipe(streamRecord(fixture)) as BusEventObject;

        // Act
        const logged = catchAllLogged(event);

        // Assess
        expect(logged).toBeDefined();
        expect(JSON.parse(logged as string)).toEqual(event);
        for (const value of CUSTOMER_DATA) expect(logged).not.toContain(value);
      },
    );
  });

  it('has a stream-record fixture for every file it names', () => {
    // Prepare / Act
    const files = readdirSync(path.join(FIXTURES, 'stream-records')).sort();

    // Assess
    expect(files).toEqual([
      'insert-idempotency-claim.json',
      'insert-pending.json',
      'insert-rejected.json',
      'modify-cancelled.json',
      'modify-shipped.json',
      'remove-order.json',
    ]);
  });
});
