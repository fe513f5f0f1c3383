/**
 * `npm run token -- --customer <id> [--data-dir DIR] [--pool ID] [--client-id ID] [--expires-in SECONDS] [--scope S]`:
 * prints an access token for a user of a Cognito user pool that the running local cloud plays (see
 * services/cognito-issuer.ts), signed with that pool's key from the cloud's data directory. The token is what
 * Cognito would hand the user after signing in: `sub` = the given id, `client_id` = the pool's (first) app client.
 *   TOKEN=$(npm run --silent token -- --customer alice)
 * `--expires-in` may be negative (an expired token) and `--client-id` any value (a token for another audience):
 * both are for trying what the API answers.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { JWK } from 'jose';
import { ISSUERS_FILE, IssuerRecord, mintAccessToken } from './services/cognito-issuer';

export class TokenCliError extends Error {
  override name = 'TokenCliError';
}

export const TOKEN_USAGE = `Usage: npm run --silent token -- --customer <id> [--data-dir DIR] [--pool ID] [--client-id ID] [--expires-in SECONDS] [--scope SCOPES]
  --customer ID        the user (the token's sub and username)
  --data-dir DIR       the running local cloud's data dir (default $LOCAL_DATA_DIR, else .local)
  --pool ID            the user pool, when the stack declares more than one
  --client-id ID       the app client (default: the pool's first); any value gives a token for another audience
  --expires-in SECONDS lifetime (default 3600; negative: already expired)
  --scope SCOPES       space-separated scopes (default aws.cognito.signin.user.admin)`;

export interface TokenOptions {
  customer: string;
  dataDir: string;
  pool?: string;
  clientId?: string;
  expiresIn: number;
  scope?: string;
}

export function parseTokenArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): TokenOptions {
  // The data directory as npm start finds it: --data-dir, else LOCAL_DATA_DIR, else .local.
  const options: Partial<TokenOptions> = { dataDir: env.LOCAL_DATA_DIR || '.local', expiresIn: 3600 };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined) throw new TokenCliError(`${flag} needs a value\n${TOKEN_USAGE}`);
      i += 1;
      return next;
    };
    if (flag === '--customer') options.customer = value();
    else if (flag === '--data-dir') options.dataDir = value();
    else if (flag === '--pool') options.pool = value();
    else if (flag === '--client-id') options.clientId = value();
    else if (flag === '--scope') options.scope = value();
    else if (flag === '--expires-in') {
      const seconds = Number(value());
      if (!Number.isInteger(seconds)) throw new TokenCliError('--expires-in must be a whole number of seconds');
      options.expiresIn = seconds;
    } else throw new TokenCliError(`Unknown option ${flag}\n${TOKEN_USAGE}`);
  }
  if (options.customer === undefined || options.customer.trim() === '')
    throw new TokenCliError(`--customer is required\n${TOKEN_USAGE}`);
  return options as TokenOptions;
}

/** The issuer to sign for: the only pool, or the one named. */
export function chooseIssuer(issuers: IssuerRecord[], pool: string | undefined): IssuerRecord {
  if (pool !== undefined) {
    const found = issuers.find((i) => i.id === pool || i.name === pool);
    if (!found)
      throw new TokenCliError(
        `No user pool ${pool}; the local cloud serves ${issuers.map((i) => i.id).join(', ') || 'none'}`,
      );
    return found;
  }
  if (issuers.length === 1) return issuers[0];
  if (issuers.length === 0)
    throw new TokenCliError('The stack declares no Cognito user pool, so there is no local token issuer');
  throw new TokenCliError(
    `The stack declares ${issuers.length} user pools; pick one with --pool (${issuers.map((i) => i.id).join(', ')})`,
  );
}

export async function tokenFor(options: TokenOptions, projectDir = process.cwd()): Promise<string> {
  const dataDir = path.resolve(projectDir, options.dataDir);
  const file = path.join(dataDir, ISSUERS_FILE);
  if (!existsSync(file))
    throw new TokenCliError(
      `No ${ISSUERS_FILE} in ${dataDir}: start the local cloud first (npm start), with the same --data-dir`,
    );
  const { issuers } = JSON.parse(readFileSync(file, 'utf8')) as { issuers: IssuerRecord[] };
  const issuer = chooseIssuer(issuers, options.pool);
  const clientId = options.clientId ?? issuer.clientIds[0];
  if (clientId === undefined) throw new TokenCliError(`User pool ${issuer.id} has no app client; give --client-id`);
  const privateJwk = JSON.parse(readFileSync(issuer.keyFile, 'utf8')) as JWK;
  return mintAccessToken({
    privateJwk,
    issuer: issuer.issuer,
    clientId,
    subject: options.customer,
    scope: options.scope,
    expiresInSeconds: options.expiresIn,
  });
}

if (require.main === module) {
  Promise.resolve()
    .then(() => tokenFor(parseTokenArgs(process.argv.slice(2))))
    .then((token) => console.log(token))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(error instanceof TokenCliError ? 2 : 1);
    });
}
