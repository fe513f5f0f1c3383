import * as pulumi from '@pulumi/pulumi';
import { basicAuthorizationValue } from '../../infra/carrier-credential';
import { isSecretValue, type RecordedResource } from '../../local/model/pulumi-mocks';
import { loadStack, T, type LoadedStack } from './helpers/stack';

/**
 * Under mocks the runtime hands each resource its inputs with secret values wrapped in Pulumi's secret signature
 * (secretness is pushed up to the top-level input). A sentinel found anywhere outside such a wrapper reached a
 * resource in plain text.
 */
function occurrences(
  value: unknown,
  needle: string,
  path: string,
  inSecret: boolean,
  out: { path: string; secret: boolean }[],
): void {
  if (isSecretValue(value)) return occurrences(value.value, needle, path, true, out);
  if (typeof value === 'string') {
    if (value.includes(needle)) out.push({ path, secret: inSecret });
    return;
  }
  if (pulumi.asset.Archive.isInstance(value) || pulumi.asset.Asset.isInstance(value)) return;
  if (Array.isArray(value))
    (value as unknown[]).forEach((v, i) => occurrences(v, needle, `${path}[${i}]`, inSecret, out));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) occurrences(v, needle, `${path}.${k}`, inSecret, out);
}

function findAll(resources: RecordedResource[], needle: string): { path: string; secret: boolean }[] {
  const out: { path: string; secret: boolean }[] = [];
  for (const r of resources) occurrences(r.rawInputs, needle, `${r.name}`, false, out);
  return out;
}

function bundleText(r: RecordedResource): string {
  return r.type === T.function ? (r.inputs.code.assets['index.js'].text as string) : '';
}

async function expectNoPlainSecretOutput(stack: LoadedStack, sentinels: string[]): Promise<void> {
  for (const [name, value] of Object.entries(stack.exports)) {
    if (!pulumi.Output.isInstance(value)) continue;
    const text = JSON.stringify(stack.outputs[name]);
    if (sentinels.some((s) => text.includes(s))) expect([name, await pulumi.isSecret(value)]).toEqual([name, true]);
  }
}

describe('secrets reach resources only as secrets', () => {
  describe('configured secrets (API key auth, chat webhook)', () => {
    const sentinels = {
      callbackToken: 'SENTINEL-callback-token-0b1e',
      carrierApiKey: 'SENTINEL-carrier-api-key-7c2d',
      chatWebhookUrl: 'https://hooks.slack.com/services/SENTINEL-webhook-9f3a',
    };
    let stack: LoadedStack;
    beforeAll(async () => {
      stack = await loadStack({ config: sentinels, secretKeys: Object.keys(sentinels) });
    });

    it.each(Object.entries(sentinels))('%s appears in resource inputs, and only inside secrets', (_key, sentinel) => {
      // Prepare / Act
      const found = findAll(stack.resources, sentinel);

      // Assess
      expect(found.length).toBeGreaterThan(0);
      expect(found.filter((f) => !f.secret)).toEqual([]);
    });

    it('puts each secret only where it is needed', () => {
      // Prepare / Act
      const holders = (sentinel: string) =>
        [...new Set(findAll(stack.resources, sentinel).map((f) => f.path.split('.')[0]))].sort();

      // Assess
      expect(holders(sentinels.callbackToken)).toEqual(['authorize-carrier', 'carrier-mock']);
      expect(holders(sentinels.carrierApiKey)).toEqual(['carrier-connection', 'carrier-mock']);
      expect(holders(sentinels.chatWebhookUrl)).toEqual(['chat']);
    });

    it('never bakes a secret into a bundle or a stack output', async () => {
      // Prepare
      const values = Object.values(sentinels);

      // Act
      const inBundles = stack.ofType(T.function).filter((f) => values.some((s) => bundleText(f).includes(s)));

      // Assess
      expect(inBundles).toEqual([]);
      await expectNoPlainSecretOutput(stack, values);
    });
  });

  describe('configured BASIC password', () => {
    it('reaches the connection and the mock (as its Basic header) only inside secrets', async () => {
      // Prepare
      const password = 'SENTINEL-password-5e6f';
      const stack = await loadStack({
        config: { carrierAuthType: 'BASIC', carrierUsername: 'shop', carrierPassword: password },
        secretKeys: ['carrierPassword'],
      });

      // Act
      const plain = findAll(stack.resources, password);
      const header = findAll(stack.resources, basicAuthorizationValue('shop', password));

      // Assess
      expect(plain.map((f) => f.path)).toEqual(['carrier-connection.authParameters.basic.password']);
      expect(header.map((f) => f.path)).toEqual(['carrier-mock.environment.variables.CARRIER_AUTH_HEADER_VALUE']);
      expect([...plain, ...header].every((f) => f.secret)).toBe(true);
    });
  });

  describe('generated secrets', () => {
    it('treat the random results like configured secrets', async () => {
      // Prepare
      const stack = await loadStack();
      const generated = stack.ofType(T.randomPassword).map((p) => [p.name, p.state.result as string] as const);

      // Act
      const found = generated.map(([name, value]) => [name, findAll(stack.resources, value)] as const);

      // Assess
      expect(generated.map(([name]) => name).sort()).toEqual(['callback-token', 'carrier-api-key']);
      for (const [name, occurrencesOf] of found) {
        expect([name, occurrencesOf.length > 0]).toEqual([name, true]);
        expect([name, occurrencesOf.filter((f) => !f.secret)]).toEqual([name, []]);
      }
      await expectNoPlainSecretOutput(
        stack,
        generated.map(([, v]) => v),
      );
    });
  });
});
