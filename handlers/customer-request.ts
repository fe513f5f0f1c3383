import * as z from './zod';
import type { CustomerRequestDetail } from './contract';

/**
 * Reading a customer route's event: the client's body, wrapped by API Gateway with the subject of the verified
 * token, twice (infra/templates.ts, customerPutEventsRequestParameters, says why). Pure.
 *
 * The customer id is whatever the issuer put in `sub` (a UUID for Cognito). It is bounded and must not contain
 * `#` (the separator of the table's bookkeeping keys), whitespace, quotes or backslashes.
 */
export const SUBJECT_PATTERN = /^[^\s#"\\]+$/;
export const MAX_SUBJECT_LENGTH = 255;

const CustomerIdSchema = z.string().check(z.minLength(1), z.maxLength(MAX_SUBJECT_LENGTH), z.regex(SUBJECT_PATTERN));

/** Strict: a member beside the three the mapping writes can only come from a body that was not one JSON value. */
const CustomerRequestSchema = z.strictObject({
  customerId: CustomerIdSchema,
  body: z.unknown(),
  customerIdRepeated: z.string(),
});

export type CustomerRequest =
  { ok: true; customerId: string; body: unknown } | { ok: false; problem: string; body?: unknown };

/** Why a request is refused when its wrapper is not what the customer route writes. */
export const TAMPERED_REQUEST = 'The request did not come through the customer route intact';

export function readCustomerRequest(detail: unknown): CustomerRequest {
  const parsed = CustomerRequestSchema.safeParse(detail);
  const body =
    typeof detail === 'object' && detail !== null ? (detail as Partial<CustomerRequestDetail>).body : undefined;
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.code}`,
    );
    return { ok: false, problem: `${TAMPERED_REQUEST} (${problems.join('; ')})`, body };
  }
  if (parsed.data.customerIdRepeated !== parsed.data.customerId) {
    return { ok: false, problem: `${TAMPERED_REQUEST} (the two copies of the customer id differ)`, body };
  }
  return { ok: true, customerId: parsed.data.customerId, body: parsed.data.body };
}
