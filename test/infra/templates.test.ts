import {
  carrierHeaderParameters,
  carrierPayloadTransformer,
  chatMessageTransformer,
  confirmShipmentTransformer,
  orderChangedPipeTemplate,
  putEventsRequestParameters,
} from '../../infra/templates';

/**
 * Replace every placeholder with `x`: a bare one by the JSON string "x", one inside a string by the text x, so the
 * template's JSON structure can be checked without rendering it.
 */
function withPlaceholdersFilled(template: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '<') {
      const end = template.indexOf('>', i);
      out += inString ? 'x' : '"x"';
      i = end;
      continue;
    }
    if (inString && c === '\\') {
      out += c + template[i + 1];
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
  }
  return JSON.parse(out);
}

describe('templates', () => {
  it('renders the pipe template from the NewImage strings and the event name, with every value bare', () => {
    // Prepare / Act
    const placeholders = [...orderChangedPipeTemplate.matchAll(/<([^>]+)>/g)].map((m) => m[1]);

    // Assess
    expect(placeholders).toEqual([
      '$.dynamodb.NewImage.id.S',
      '$.dynamodb.NewImage.state.S',
      '$.dynamodb.NewImage.reason.S',
      '$.eventName',
      '$.dynamodb.NewImage.updatedAt.S',
      '$.eventID',
    ]);
    expect(orderChangedPipeTemplate).not.toMatch(/"<|>"/);
    expect(Object.keys(withPlaceholdersFilled(orderChangedPipeTemplate) as object)).toEqual([
      'orderId',
      'state',
      'reason',
      'change',
      'updatedAt',
      'changeId',
    ]);
  });

  it('maps the carrier confirmation to ConfirmShipmentInput', () => {
    // Prepare / Act
    const shape = withPlaceholdersFilled(confirmShipmentTransformer.inputTemplate) as Record<string, unknown>;

    // Assess
    expect(confirmShipmentTransformer.inputPaths).toEqual({
      orderId: '$.detail.order_id',
      trackingNumber: '$.detail.tracking_number',
      shippedAt: '$.detail.shipped_at',
      confirmedAt: '$.time',
      confirmationId: '$.id',
    });
    expect(Object.keys(shape)).toEqual(['orderId', 'trackingNumber', 'shippedAt', 'confirmedAt', 'confirmationId']);
  });

  it('uses only declared placeholders in every transformer', () => {
    // Prepare
    const transformers = [confirmShipmentTransformer, carrierPayloadTransformer, chatMessageTransformer];

    // Act
    const undeclared = transformers.flatMap((t) =>
      [...t.inputTemplate.matchAll(/<([^>]+)>/g)].map((m) => m[1]).filter((name) => !(name in t.inputPaths)),
    );

    // Assess
    expect(undeclared).toEqual([]);
  });

  it('builds the carrier payload and the idempotency header from the order change', () => {
    // Prepare / Act
    const shape = withPlaceholdersFilled(carrierPayloadTransformer.inputTemplate);

    // Assess
    expect(Object.keys(shape as object)).toEqual(['order_id', 'state', 'reason']);
    expect(carrierHeaderParameters).toEqual({ 'Idempotency-Key': '$.detail.changeId' });
  });

  it('keeps the reason bare in the chat message and only safe values inside its text', () => {
    // Prepare / Act
    const shape = withPlaceholdersFilled(chatMessageTransformer.inputTemplate) as {
      text: string;
      attachments: { text: string }[];
    };

    // Assess
    expect(shape.text).toBe('Order x is now x');
    expect(chatMessageTransformer.inputTemplate).toContain('"text": <reason>');
  });

  it('builds static PutEvents request parameters with the raw body as detail', () => {
    // Prepare / Act
    const params = putEventsRequestParameters('orders-dev', 'order-event-gateway.api', 'Order Uploaded');

    // Assess
    expect(params).toEqual({
      EventBusName: 'orders-dev',
      Source: 'order-event-gateway.api',
      DetailType: 'Order Uploaded',
      Detail: '$request.body',
    });
    expect(() => putEventsRequestParameters('orders-dev', '$request.header.source', 'x')).toThrow(
      /source must be a static value/,
    );
  });
});
