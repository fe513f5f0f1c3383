/**
 * `npm run secrets [-- --data-dir DIR]`: prints the secrets the local cloud made up for a data directory
 * (local/model/local-secrets.ts): the random-provider results (callback token, carrier key...) and the stand-ins for
 * `secure:` config. Values given with `--config` are not kept anywhere, so they are not shown.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LocalSecretStore, SECRETS_FILE } from './model/local-secrets';

export function secretLines(dataDir: string): string[] {
  const file = path.join(dataDir, SECRETS_FILE);
  if (!existsSync(file))
    return [`No ${SECRETS_FILE} in ${dataDir} (an --in-memory run keeps none; start the local cloud first).`];
  const all = LocalSecretStore.inDataDir(dataDir).all();
  return Object.entries(all).map(([name, value]) => `${name.replace(/^random:/, '')} = ${value}`);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--data-dir');
  const dataDir = path.resolve(at >= 0 && args[at + 1] ? args[at + 1] : process.env.LOCAL_DATA_DIR || '.local');
  for (const line of secretLines(dataDir)) console.log(line);
}
