/**
 * Pagination as the AWS list APIs do it: a page size (`Limit`, `MaxItems`, `maxResults`), and an opaque token
 * (`NextToken`, `Marker`, `nextToken`) that the client hands back unchanged to get the next page. The token here
 * is the offset of the next item, base64-encoded with the operation's name so that a token of one list is not
 * accepted by another. Lists are sorted by name first, so a page boundary is stable while the stack runs.
 */
import { ControlPlaneError } from './errors';

export interface PageRequest {
  /** The token the client sent back, if any. */
  token?: unknown;
  /** The page size the client asked for, if any (a number or, in REST query strings, a numeric string). */
  limit?: unknown;
  /** Which list the token belongs to. */
  operation: string;
  /** Page size when the client asks for none. */
  defaultLimit: number;
  /** Largest page size the API accepts (AWS rejects larger ones). */
  maxLimit: number;
  /** The member name, for the error message. */
  limitMember: string;
  /** The error the API answers an unusable token with. */
  invalidToken?: () => ControlPlaneError;
}

export interface Page<T> {
  items: T[];
  /** The token of the next page; undefined on the last page. */
  next?: string;
}

function encode(operation: string, offset: number): string {
  return Buffer.from(`${operation}:${offset}`, 'utf8').toString('base64');
}

function decode(operation: string, token: string): number | undefined {
  const text = Buffer.from(token, 'base64').toString('utf8');
  const match = /^([A-Za-z]+):(\d+)$/.exec(text);
  if (!match || match[1] !== operation) return undefined;
  return Number(match[2]);
}

export function paginate<T>(all: readonly T[], request: PageRequest): Page<T> {
  let limit = request.defaultLimit;
  if (request.limit !== undefined && request.limit !== null && request.limit !== '') {
    const n = Number(request.limit);
    if (!Number.isInteger(n) || n < 1 || n > request.maxLimit) {
      throw new ControlPlaneError(
        'ValidationException',
        `1 validation error detected: Value '${String(request.limit)}' at '${request.limitMember}' failed to satisfy constraint: Member must have value between 1 and ${request.maxLimit}`,
      );
    }
    limit = n;
  }
  let offset = 0;
  if (request.token !== undefined && request.token !== null && request.token !== '') {
    const decoded = typeof request.token === 'string' ? decode(request.operation, request.token) : undefined;
    if (decoded === undefined || decoded > all.length) {
      throw (
        request.invalidToken?.() ?? new ControlPlaneError('ValidationException', 'The NextToken provided is invalid.')
      );
    }
    offset = decoded;
  }
  const items = all.slice(offset, offset + limit);
  const end = offset + items.length;
  return { items, next: end < all.length ? encode(request.operation, end) : undefined };
}
