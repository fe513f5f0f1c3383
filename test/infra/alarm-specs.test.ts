import { operationsAlarmSpecs, type AlarmInputs } from '../../infra/alarm-specs';

const inputs: AlarmInputs = {
  serviceName: 'svc',
  stack: 'dev',
  busName: 'orders-dev',
  carrierRuleNames: ['created-rule', 'cancelled-rule'],
  functionNames: ['capture-order-dev'],
  pipeName: 'order-changes-dev',
  shipmentAlarmHours: 3,
};

describe('operationsAlarmSpecs', () => {
  it('sums every carrier rule’s permanent failures and dead letters into one series, filled with 0 where AWS published nothing', () => {
    const carrier = operationsAlarmSpecs(inputs).find((s) => s.key === 'carrier-failing');
    expect(carrier?.queries.find((q) => q.returnData)?.expression).toBe(
      'FILL(failed0, 0) + FILL(dlq0, 0) + FILL(failed1, 0) + FILL(dlq1, 0)',
    );
    expect(carrier?.queries.filter((q) => q.metric).map((q) => q.metric?.dimensions)).toEqual([
      { EventBusName: 'orders-dev', RuleName: 'created-rule' },
      { EventBusName: 'orders-dev', RuleName: 'created-rule' },
      { EventBusName: 'orders-dev', RuleName: 'cancelled-rule' },
      { EventBusName: 'orders-dev', RuleName: 'cancelled-rule' },
    ]);
  });

  it('has no carrier alarm when no rule calls the carrier, and one errors and one throttles alarm per function', () => {
    const keys = operationsAlarmSpecs({ ...inputs, carrierRuleNames: [] }).map((s) => s.key);
    expect(keys).toEqual([
      'orders-not-shipping',
      'capture-order-dev-errors',
      'capture-order-dev-throttles',
      'pipe-failing',
    ]);
  });

  it('evaluates orders-not-shipping hourly for the configured hours', () => {
    const spec = operationsAlarmSpecs(inputs).find((s) => s.key === 'orders-not-shipping');
    expect(spec).toMatchObject({ periodSeconds: 3600, evaluationPeriods: 3, threshold: 0 });
  });

  it.each([0, 25, 1.5])('refuses %s shipment alarm hours', (hours) => {
    expect(() => operationsAlarmSpecs({ ...inputs, shipmentAlarmHours: hours })).toThrow(
      `shipmentAlarmHours must be a whole number of hours from 1 to 24, got ${hours}`,
    );
  });
});
