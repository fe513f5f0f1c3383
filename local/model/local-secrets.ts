/**
 * The secrets a local cloud makes up: the values of the stack's random-provider resources (generated callback
 * token, carrier key...) and the stand-ins for `secure:` config it cannot decrypt. Each is drawn from the OS's
 * random source the first time it is asked for and kept in `<data dir>/secrets.json` (readable by the owner only),
 * so a restart keeps them and no two data directories share them; an in-memory store (`--in-memory`) keeps them
 * for one run only. Nobody can derive them from the repository.
 */
import { randomInt } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const SECRETS_FILE = 'secrets.json';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `length` characters from [A-Za-z0-9], each drawn uniformly from the OS's cryptographic random source. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export class LocalSecretStore {
  private readonly values: Record<string, string>;
  /** Names generated during this run (the start-up shows these values once). */
  readonly generated: string[] = [];

  /** `file` undefined → in memory only. */
  constructor(private readonly file?: string) {
    this.values =
      file !== undefined && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  }

  static inDataDir(dataDir: string): LocalSecretStore {
    return new LocalSecretStore(path.join(dataDir, SECRETS_FILE));
  }

  get location(): string | undefined {
    return this.file;
  }

  /** The secret called `name`: kept, or generated now with `length` characters. */
  value(name: string, length: number): string {
    const kept = this.values[name];
    if (kept !== undefined && kept.length === length) return kept;
    const value = randomAlphanumeric(length);
    this.values[name] = value;
    this.generated.push(name);
    this.save();
    return value;
  }

  /** Every secret the store holds, by name. */
  all(): Record<string, string> {
    return { ...this.values };
  }

  private save(): void {
    if (this.file === undefined) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.values, null, 2), { mode: 0o600 });
    chmodSync(this.file, 0o600);
  }
}

/** Names in the store: the random resource `callback-token` → `random:callback-token`; config → `config:<key>`. */
export const randomSecretName = (logicalName: string): string => `random:${logicalName}`;
export const configSecretName = (qualifiedKey: string): string => `config:${qualifiedKey}`;
