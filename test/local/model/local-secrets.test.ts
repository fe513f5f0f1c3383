import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { resolveConfig } from '../../../local/model/config';
import { LocalSecretStore, randomAlphanumeric, SECRETS_FILE } from '../../../local/model/local-secrets';
import { secretLines } from '../../../local/secrets-cli';

describe('local secrets', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'local-secrets-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('draws alphanumerics of the asked length, different every time', () => {
    // Act
    const values = Array.from({ length: 20 }, () => randomAlphanumeric(40));

    // Assess
    expect(values.every((v) => /^[A-Za-z0-9]{40}$/.test(v))).toBe(true);
    expect(new Set(values).size).toBe(20);
  });

  it('keeps a secret in its data dir (owner-only), so a restart gets the same one', () => {
    // Prepare
    const dir = tempDir();
    const first = LocalSecretStore.inDataDir(dir);

    // Act
    const token = first.value('random:callback-token', 40);
    const again = LocalSecretStore.inDataDir(dir);

    // Assess
    expect(again.value('random:callback-token', 40)).toBe(token);
    expect(first.generated).toEqual(['random:callback-token']);
    expect(again.generated).toEqual([]);
    expect(statSync(path.join(dir, SECRETS_FILE)).mode & 0o777).toBe(0o600);
    expect(secretLines(dir)).toEqual([`callback-token = ${token}`]);
  });

  it('gives two data dirs, and two in-memory runs, different secrets', () => {
    // Act
    const a = LocalSecretStore.inDataDir(tempDir()).value('random:callback-token', 40);
    const b = LocalSecretStore.inDataDir(tempDir()).value('random:callback-token', 40);
    const c = new LocalSecretStore().value('random:callback-token', 40);
    const d = new LocalSecretStore().value('random:callback-token', 40);

    // Assess
    expect(new Set([a, b, c, d]).size).toBe(4);
  });

  it('replaces secure config with a stand-in from the store when given one (deterministic otherwise)', () => {
    // Prepare
    const project = { name: 'p', config: {} };
    const file = 'config:\n  p:token:\n    secure: v1:abc\n';
    const store = new LocalSecretStore();

    // Act
    const deterministic = resolveConfig(project, 'dev', file).values['p:token'];
    const random = resolveConfig(project, 'dev', file, {}, (_stack, key) => `local-${store.value(key, 32)}`).values[
      'p:token'
    ];

    // Assess
    expect(deterministic).toBe(resolveConfig(project, 'dev', file).values['p:token']);
    expect(random).toMatch(/^local-[A-Za-z0-9]{32}$/);
  });
});
