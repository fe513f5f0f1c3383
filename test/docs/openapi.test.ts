/**
 * docs/openapi.yaml cannot drift from the code: its routes are the stack's routes, its examples are the files under
 * examples/ and pass the handlers' own validation, and its request schemas say what that validation does (a
 * property it lists as required is required, an optional one is optional, an enum is the accepted set, integer
 * bounds and patterns hold, unknown properties are refused exactly where it says so). The checks use the
 * schemas' behaviour (`safeParse`), not their internals, and the confirmation goes through the rule's input
 * transformer first, as it does on AWS.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CarrierNotificationSchema } from '../../handlers/carrier';
import { DetailTypes, EventSources } from '../../handlers/contract';
import { CancellationRequestedDetailSchema, ConfirmShipmentInputSchema } from '../../handlers/event-schemas';
import { PrintOrderUploadSchema } from '../../handlers/upload-schema';
import { ConfigDefaults } from '../../infra/config';
import {
  carrierHeaderParameters,
  carrierPayloadTransformer,
  confirmShipmentTransformer,
  type InputTransformer,
} from '../../infra/templates';
import { renderTargetInput } from '../../local/engine';
import { loadStack, T } from '../infra/helpers/stack';

type Json = Record<string, unknown>;
const root = path.join(__dirname, '..', '..');
const doc = parse(readFileSync(path.join(root, 'docs', 'openapi.yaml'), 'utf8')) as Json;

function resolve(schema: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  let node: unknown = doc;
  for (const part of ref.replace(/^#\//, '').split('/')) node = (node as Json)[part];
  return resolve(node as Json);
}

function at(pathParts: (string | number)[]): Json {
  let node: unknown = doc;
  for (const part of pathParts) node = (node as Json)[part as string];
  return node as Json;
}

const context = {
  ruleArn: 'arn:aws:events:us-east-1:123456789012:rule/orders/r',
  ruleName: 'r',
  ingestionTime: '2026-11-24T15:05:00Z',
};

function transform(transformer: InputTransformer, event: object): unknown {
  const rendered = renderTargetInput(
    { inputTransformer: { inputPathsMap: transformer.inputPaths, inputTemplate: transformer.inputTemplate } },
    event,
    context,
  );
  if (!rendered.ok) return undefined;
  return JSON.parse(rendered.body);
}

function busEvent(source: string, detailType: string, detail: unknown): object {
  return {
    version: '0',
    id: '0d9a1b6e-55b1-4d1e-9b1f-111111111111',
    'detail-type': detailType,
    source,
    account: '123456789012',
    time: '2026-11-24T15:05:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

/** Each documented request body and what the code does with it. */
const validators: Record<string, (body: unknown) => boolean> = {
  PrintOrderUpload: (body) => PrintOrderUploadSchema.safeParse(body).success,
  CancellationRequest: (body) => CancellationRequestedDetailSchema.safeParse(body).success,
  // The carrier's body reaches confirm-shipment through the rule's input transformer.
  ShipmentConfirmation: (body) => {
    const input = transform(
      confirmShipmentTransformer,
      busEvent(EventSources.carrier, DetailTypes.shipmentConfirmed, body),
    );
    return input !== undefined && ConfirmShipmentInputSchema.safeParse(input).success;
  },
  CarrierNotification: (body) => CarrierNotificationSchema.safeParse(body).success,
};

function withChange(body: unknown, pathParts: string[], change: (parent: Json, key: string) => void): unknown {
  const copy = structuredClone(body) as Json;
  let parent = copy;
  for (const part of pathParts.slice(0, -1)) parent = parent[part] as Json;
  change(parent, pathParts[pathParts.length - 1]);
  return copy;
}

const NOT_MATCHING = ['#', ' ', '\u00e9', '"', '\n'];

/** Collects `[description, expected validity, body]` cases from a schema and an example that satisfies it. */
function cases(
  schema: Json,
  example: unknown,
  body: unknown,
  pathParts: string[],
  out: [string, boolean, unknown][],
): void {
  const s = resolve(schema);
  const where = pathParts.join('.') || '(root)';
  const set = (value: unknown): unknown => withChange(body, pathParts, (p, k) => (p[k] = value));
  if (s.type === 'object' && s.properties) {
    const required = (s.required as string[] | undefined) ?? [];
    const properties = s.properties as Record<string, Json>;
    for (const key of required) expect([where, key, key in (example as Json)]).toEqual([where, key, true]);
    for (const [key, propertySchema] of Object.entries(properties)) {
      if (!(key in (example as Json))) continue;
      const inner = [...pathParts, key];
      out.push([`without ${inner.join('.')}`, !required.includes(key), withChange(body, inner, (p, k) => delete p[k])]);
      cases(propertySchema, (example as Json)[key], body, inner, out);
    }
    const unknownKey = [...pathParts, 'unexpectedProperty'];
    out.push([
      `with ${unknownKey.join('.')}`,
      s.additionalProperties !== false,
      withChange(body, unknownKey, (p, k) => (p[k] = 'x')),
    ]);
    return;
  }
  if (pathParts.length === 0) return;
  if (Array.isArray(s.enum)) {
    for (const value of s.enum) out.push([`${where} = ${String(value)}`, true, set(value)]);
    out.push([`${where} outside its enum`, false, set('not-in-the-enum')]);
  }
  if (s.type === 'integer') {
    if (typeof s.minimum === 'number')
      out.push([`${where} = minimum`, true, set(s.minimum)], [`${where} below minimum`, false, set(s.minimum - 1)]);
    if (typeof s.maximum === 'number')
      out.push([`${where} = maximum`, true, set(s.maximum)], [`${where} above maximum`, false, set(s.maximum + 1)]);
    out.push([`${where} not an integer`, false, set(1.5)]);
  }
  if (s.type === 'string' && typeof s.pattern === 'string') {
    const pattern = new RegExp(s.pattern);
    expect([where, pattern.test(String(example))]).toEqual([where, true]);
    const bad = NOT_MATCHING.map((c) => `${String(example)}${c}`).find((v) => !pattern.test(v));
    if (bad !== undefined) out.push([`${where} not matching ${s.pattern}`, false, set(bad)]);
  }
}

interface Operation {
  where: string;
  schemaName: string;
  examples: Record<string, { summary?: string; value: unknown }>;
}

function operations(): Operation[] {
  const ops: Operation[] = [];
  const collect = (where: string, op: Json | undefined): void => {
    const content = ((op?.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as
      Json | undefined;
    if (!content) return;
    const ref = String((content.schema as Json).$ref);
    ops.push({
      where,
      schemaName: ref.slice(ref.lastIndexOf('/') + 1),
      examples: content.examples as Operation['examples'],
    });
  };
  for (const [route, item] of Object.entries(doc.paths as Json)) collect(`POST ${route}`, (item as Json).post as Json);
  for (const [name, item] of Object.entries(doc.webhooks as Json))
    collect(`webhook ${name}`, (item as Json).post as Json);
  return ops;
}

/**
 * The API Gateway authorization type an operation's `security` documents: a bearer JWT scheme is what a JWT
 * authorizer checks, any other scheme (the callback token) is the Lambda authorizer's.
 */
function documentedAuth(op: Json): string {
  const requirements = (op.security as Record<string, unknown>[] | undefined) ?? [];
  const schemes = at(['components', 'securitySchemes']) as Record<string, Json>;
  const kinds = new Set(
    requirements
      .flatMap((requirement) => Object.keys(requirement))
      .map((name) => {
        const scheme = schemes[name];
        expect([name, scheme]).toEqual([name, expect.any(Object)]);
        return scheme.type === 'http' && scheme.scheme === 'bearer' && scheme.bearerFormat === 'JWT' ? 'JWT' : 'CUSTOM';
      }),
  );
  return kinds.size === 0 ? 'NONE' : [...kinds].join('+');
}

/** The stack's routes and their authorization type, loaded once (a Pulumi-mock run of the program). */
let stackRoutes: Promise<{ key: string; auth: string }[]> | undefined;
function routesOfStack(): Promise<{ key: string; auth: string }[]> {
  stackRoutes ??= loadStack().then((stack) =>
    stack
      .ofType(T.route)
      .map((r) => ({ key: String(r.state.routeKey), auth: String(r.state.authorizationType ?? 'NONE') })),
  );
  return stackRoutes;
}

describe('docs/openapi.yaml', () => {
  it('documents exactly the routes the stack declares, the customer routes with the JWT, the carrier’s with the callback token', async () => {
    // Prepare
    const routes = await routesOfStack();
    // Act
    const documented = Object.entries(doc.paths as Json).flatMap(([route, item]) =>
      Object.entries(item as Json).map(([method, op]) => ({
        key: `${method.toUpperCase()} ${route}`,
        auth: documentedAuth(op as Json),
      })),
    );
    // Assess
    const byKey = (a: { key: string }, b: { key: string }): number => a.key.localeCompare(b.key);
    expect(documented.sort(byKey)).toEqual(routes.sort(byKey));
  });

  it('documents the answers of API Gateway’s JWT authorizer on every JWT route', async () => {
    // Prepare
    const jwtRoutes = (await routesOfStack()).filter((r) => r.auth === 'JWT').map((r) => r.key);
    // Act
    const answers = jwtRoutes.map((key) => {
      const [method, route] = key.split(' ');
      const responses = at(['paths', route, method.toLowerCase(), 'responses']);
      const example = (status: string): unknown =>
        ((resolve(responses[status] as Json).content as Json)['application/json'] as Json).example;
      return [key, example('401'), example('403')];
    });
    // Assess: 401 for any token the authorizer refuses, 403 for a valid one without the route's scopes.
    expect(jwtRoutes.length).toBeGreaterThan(0);
    expect(answers).toEqual(jwtRoutes.map((key) => [key, { message: 'Unauthorized' }, { message: 'Forbidden' }]));
  });

  it.each(operations().map((op) => [op.where, op]))('%s: every example passes the code’s validation', (_where, op) => {
    const validate = validators[(op as Operation).schemaName];
    expect(validate).toBeDefined();
    for (const [name, example] of Object.entries((op as Operation).examples))
      expect([name, validate(example.value)]).toEqual([name, true]);
  });

  it.each(operations().map((op) => [op.where, op]))('%s: the schema says what the validation does', (_where, op) => {
    // Prepare
    const { schemaName, examples } = op as Operation;
    const example = Object.values(examples)[0].value;
    const out: [string, boolean, unknown][] = [];
    cases({ $ref: `#/components/schemas/${schemaName}` }, example, example, [], out);
    // Act
    const outcomes = out.map(([what, expected, body]) => [what, expected, validators[schemaName](body)]);
    // Assess
    expect(out.length).toBeGreaterThan(3);
    expect(outcomes.filter(([, expected, actual]) => expected !== actual)).toEqual([]);
  });

  it('has each example body under examples/ as its copy', () => {
    for (const op of operations()) {
      for (const example of Object.values(op.examples)) {
        const file = /^examples\/[\w-]+\.json$/.exec(example.summary ?? '')?.[0];
        if (!file) continue;
        expect([file, JSON.parse(readFileSync(path.join(root, file), 'utf8'))]).toEqual([file, example.value]);
      }
    }
    expect(
      operations()
        .flatMap((op) => Object.values(op.examples).map((e) => e.summary))
        .filter((s) => s?.startsWith('examples/'))
        .sort(),
    ).toEqual(['examples/cancellation.json', 'examples/confirm-shipment.json', 'examples/upload.json']);
  });

  it('documents what the carrier receives as the rule renders it: headers and body', () => {
    // Prepare: an Order Changed event, as the pipe puts it on the bus.
    const webhook = at(['webhooks', 'carrierOrderNotification', 'post']);
    const created = (webhook.requestBody as Json).content as Json;
    const example = ((created['application/json'] as Json).examples as Json).created as { value: Json };
    const event = busEvent(EventSources.ordersTable, DetailTypes.orderChanged, {
      orderId: example.value.order_id,
      state: example.value.state,
      reason: example.value.reason,
      change: 'INSERT',
      updatedAt: '2026-11-24T15:05:00Z',
    });
    // Act
    const rendered = transform(carrierPayloadTransformer, event);
    // Assess: the body, the Idempotency-Key header (the order id), the API key header's default name.
    expect(rendered).toEqual(example.value);
    const headers = (webhook.parameters as Json[]).filter((p) => p.in === 'header').map((p) => p.name);
    expect(headers).toEqual(expect.arrayContaining(Object.keys(carrierHeaderParameters)));
    expect(carrierHeaderParameters['Idempotency-Key']).toBe('$.detail.changeId');
    expect(at(['components', 'securitySchemes', 'carrierApiKey']).name).toBe(ConfigDefaults.carrierApiKeyName);
  });
});
