/** Who a call is from: the credentials each function's worker holds, and the key id a signed request names. */
import { createHash } from 'node:crypto';

/**
 * A function's credentials: `ASIA` (a temporary key, as Lambda's are) and 16 characters derived from the function's
 * name, so that a key is stable across restarts and names one function only.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
 */
export function functionCredentials(functionName: string): {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
} {
  const digest = createHash('sha256').update(`local-cloud:${functionName}`).digest('hex').toUpperCase();
  return {
    accessKeyId: `ASIA${digest.slice(0, 16)}`,
    secretAccessKey: `local/${digest.slice(16, 40)}`,
    sessionToken: `local-session-${functionName}`,
  };
}

/** The access key id of a SigV4 `Authorization` header (`AWS4-HMAC-SHA256 Credential=<key id>/<date>/...`). */
export function accessKeyOf(authorization: string | undefined): string | undefined {
  return authorization ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
}
