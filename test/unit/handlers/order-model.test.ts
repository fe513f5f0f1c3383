import { OrderStates, type OrderState } from '../../../handlers/contract';
import {
  cancelledReason,
  effectiveShippedAt,
  idempotencyClaimId,
  ISSUES_IN_REASON,
  MAX_RAW_UPLOAD_CHARS,
  MAX_REASON_LENGTH,
  newPendingOrder,
  newRejectedOrder,
  PENDING_REASON,
  planTransition,
  rejectedReason,
  shippedReason,
  sourceStatesOf,
  templateSafeText,
  toOrderView,
  type OrderItem,
} from '../../../handlers/order-model';
import type { PrintOrderUpload } from '../../../handlers/upload-schema';
import { loadEvent } from './helpers';

const NOW = new Date('2026-11-24T08:45:13.201Z');
const ID = '6a7e8feb-b491-4cf7-a9f1-bf3703467718';

describe('reasons', () => {
  it('uses exactly "Waiting for shipping" for pending orders', () => {
    expect(PENDING_REASON).toBe('Waiting for shipping');
  });

  it('prefixes a cancellation reason with "Cancelled: "', () => {
    expect(cancelledReason('Ordered the wrong edition')).toBe('Cancelled: Ordered the wrong edition');
  });

  it('says when an order shipped', () => {
    expect(shippedReason('2026-11-24T08:47:29.512Z')).toBe('Shipped at 2026-11-24T08:47:29.512Z');
  });

  it('summarises validation errors, naming the first few and counting the rest', () => {
    // Prepare
    const errors = Array.from({ length: ISSUES_IN_REASON + 2 }, (_, i) => ({ path: `f${i}`, message: 'Required' }));

    // Act
    const reason = rejectedReason(errors);

    // Assess
    expect(reason).toBe(
      'Invalid upload: f0: Required; f1: Required; f2: Required; f3: Required; f4: Required; and 2 more',
    );
  });
});

describe('templateSafeText', () => {
  it('replaces characters that would break a JSON input template', () => {
    // Act
    const safe = templateSafeText('Unrecognized key: "giftWrap"\\ \n\tend');

    // Assess
    expect(safe).toBe("Unrecognized key: 'giftWrap'/  end");
    expect(() => JSON.parse(`{"reason":"${safe}"}`)).not.toThrow();
  });

  it(`bounds the text at ${MAX_REASON_LENGTH} characters`, () => {
    // Act
    const safe = templateSafeText('x'.repeat(MAX_REASON_LENGTH * 2));

    // Assess
    expect(safe).toHaveLength(MAX_REASON_LENGTH);
    expect(safe.endsWith('…')).toBe(true);
  });

  it('leaves ordinary text alone', () => {
    expect(templateSafeText("Customer's request: wrong size")).toBe("Customer's request: wrong size");
  });
});

describe('effectiveShippedAt', () => {
  it.each(['2026-11-24T08:47:29.512Z', '2026-11-24T09:47:29+01:00'])(
    "prefers the carrier's own timestamp %s",
    (time) => {
      expect(effectiveShippedAt(time, '2026-11-24T08:47:30Z')).toEqual({ time });
    },
  );

  it('falls back to the confirmation time when the carrier sent none (rendered as "")', () => {
    expect(effectiveShippedAt('', '2026-11-24T08:47:30Z')).toEqual({ time: '2026-11-24T08:47:30Z' });
  });

  it.each(['yesterday', '2026-11-24 08:47', '2026-11-24T08:47:29'])(
    'falls back to the confirmation time for %j and reports what it ignored',
    (shippedAt) => {
      expect(effectiveShippedAt(shippedAt, '2026-11-24T08:47:30Z')).toEqual({
        time: '2026-11-24T08:47:30Z',
        ignoredShippedAt: shippedAt,
      });
    },
  );
});

describe('planTransition', () => {
  it.each<[OrderState, OrderState]>([
    ['pending', 'shipped'],
    ['pending', 'cancelled'],
  ])('allows %s → %s', (from, to) => {
    expect(planTransition(from, to)).toEqual({ kind: 'apply' });
  });

  it.each<[OrderState, OrderState]>([
    ['shipped', 'cancelled'],
    ['cancelled', 'shipped'],
    ['rejected', 'shipped'],
    ['rejected', 'cancelled'],
  ])('refuses %s → %s', (from, to) => {
    expect(planTransition(from, to)).toEqual({ kind: 'not-allowed', state: from });
  });

  it.each<OrderState>(['shipped', 'cancelled'])('reports %s → %s as already done', (state) => {
    expect(planTransition(state, state)).toEqual({ kind: 'already-done', state });
  });

  it('reports an unknown order', () => {
    expect(planTransition(undefined, 'shipped')).toEqual({ kind: 'unknown-order' });
  });

  it('never lets an order become pending or rejected again', () => {
    for (const from of OrderStates) {
      expect(planTransition(from, 'pending').kind).not.toBe('apply');
      expect(planTransition(from, 'rejected').kind).not.toBe('apply');
    }
  });

  it('derives the conditional update source states from the same table', () => {
    expect(sourceStatesOf('shipped')).toEqual(['pending']);
    expect(sourceStatesOf('cancelled')).toEqual(['pending']);
    expect(sourceStatesOf('pending')).toEqual([]);
  });
});

describe('idempotencyClaimId', () => {
  it('scopes the key by customer', () => {
    expect(idempotencyClaimId('cust-0042', 'k-1')).toBe('idempotency#cust-0042#k-1');
  });
});

describe('newPendingOrder', () => {
  it('copies the upload and stamps the order as pending', () => {
    // Prepare
    const upload = loadEvent<{ detail: { body: PrintOrderUpload } }>('order-uploaded.json').detail.body;

    // Act
    const order = newPendingOrder({
      id: ID,
      ownerId: 'cust-0042',
      upload,
      uploadedAt: '2026-11-24T08:45:12Z',
      now: NOW,
    });

    // Assess
    expect(order).toEqual({
      id: ID,
      state: 'pending',
      reason: 'Waiting for shipping',
      createdAt: '2026-11-24T08:45:13.201Z',
      updatedAt: '2026-11-24T08:45:13.201Z',
      uploadedAt: '2026-11-24T08:45:12Z',
      ownerId: 'cust-0042',
      customer: upload.customer,
      document: upload.document,
      copies: 3,
      shippingAddress: upload.shippingAddress,
      idempotencyKey: 'upload-2026-11-24-0001',
    });
  });
});

describe('newRejectedOrder', () => {
  it('records the errors, a readable reason and the raw upload', () => {
    // Prepare
    const errors = [{ path: 'copies', message: 'Too small: expected number to be >=1' }];

    // Act
    const order = newRejectedOrder({ id: ID, detail: { copies: 0 }, errors, uploadedAt: 't', now: NOW });

    // Assess
    expect(order).toEqual({
      id: ID,
      state: 'rejected',
      reason: 'Invalid upload: copies: Too small: expected number to be >=1',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      uploadedAt: 't',
      errors,
      rawUpload: '{"copies":0}',
    });
  });

  it('truncates a huge raw upload and says so', () => {
    // Act
    const order = newRejectedOrder({
      id: ID,
      detail: { blob: 'x'.repeat(MAX_RAW_UPLOAD_CHARS) },
      errors: [],
      uploadedAt: 't',
      now: NOW,
    });

    // Assess
    expect(order.rawUpload).toHaveLength(MAX_RAW_UPLOAD_CHARS);
    expect(order.rawUploadTruncated).toBe(true);
  });
});

describe('toOrderView', () => {
  it('shows the summary and transition fields but no personal data or idempotency key', () => {
    // Prepare
    const upload = loadEvent<{ detail: { body: PrintOrderUpload } }>('order-uploaded.json').detail.body;
    const order: OrderItem = {
      ...newPendingOrder({ id: ID, ownerId: 'cust-0042', upload, uploadedAt: '2026-11-24T08:45:12Z', now: NOW }),
      state: 'shipped',
      reason: 'Shipped at 2026-11-24T08:47:29.512Z',
      shippedAt: '2026-11-24T08:47:29.512Z',
      trackingNumber: 'TRK-1',
    };

    // Act
    const view = toOrderView(order);

    // Assess
    expect(view).toEqual({
      id: ID,
      state: 'shipped',
      reason: 'Shipped at 2026-11-24T08:47:29.512Z',
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      uploadedAt: '2026-11-24T08:45:12Z',
      document: upload.document,
      copies: 3,
      shippedAt: '2026-11-24T08:47:29.512Z',
      trackingNumber: 'TRK-1',
    });
  });

  it('shows the errors of a rejected order but not its raw upload', () => {
    // Prepare
    const errors = [{ path: 'copies', message: 'Required' }];
    const order = newRejectedOrder({ id: ID, detail: { x: 1 }, errors, uploadedAt: 't', now: NOW });

    // Act
    const view = toOrderView(order);

    // Assess
    expect(view.errors).toEqual(errors);
    expect(view).not.toHaveProperty('rawUpload');
  });
});
