import * as z from './zod';
import { ISO_3166_ALPHA2 } from './iso-countries';

/**
 * The print-order upload: the body a client POSTs to /uploads, which reaches capture-order as the `detail` of an
 * `Order Uploaded` event. Every object is strict (an unknown key is an error, so a typo such as `copeis` is
 * reported instead of silently ignored) and every string is bounded, so a stored order stays far below
 * DynamoDB's 400 KB item limit.
 *
 * {
 *   customer: {
 *     id:    1..64 chars of [A-Za-z0-9._@+:-]   (no '#': it separates the parts of an idempotency claim's key)
 *     email: an email address, at most 254 chars
 *   },
 *   document: {
 *     url:    an https URL with a DNS host name, at most 2048 chars (where the print shop fetches the file)
 *     format: 'pdf' | 'png' | 'jpeg' | 'tiff'
 *     pages?: integer 1..2000
 *   },
 *   copies: integer 1..100,
 *   shippingAddress: {
 *     name:       1..100 chars          line1:  1..200 chars        line2?: 1..200 chars
 *     city:       1..100 chars          postalCode: 1..16 chars of letters, digits, spaces, '-'
 *     country:    ISO 3166-1 alpha-2 code, upper case ('DE', 'US', ...)
 *   },
 *   idempotencyKey?: 1..255 chars of [A-Za-z0-9._:-] (a client's retry of the same upload carries the same key)
 * }
 *
 * Free-text fields are trimmed before their bounds are checked, so "  " is empty.
 */

const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max));

export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9._@+:-]+$/;
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]+$/;
/**
 * A DNS host name: dot-separated labels of 1..63 letters, digits and hyphens that neither start nor end with a
 * hyphen (RFC 1123, section 2.1), at most 253 characters in all, the last label alphabetic (so an IP address is not
 * a host name here). https://www.rfc-editor.org/rfc/rfc1123#section-2
 */
export const DNS_HOST_NAME_PATTERN =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
export const DOCUMENT_FORMATS = ['pdf', 'png', 'jpeg', 'tiff'] as const;
export const MAX_COPIES = 100;
export const MAX_PAGES = 2000;

export const CustomerSchema = z.strictObject({
  id: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(64),
      z.regex(CUSTOMER_ID_PATTERN, { error: 'Must contain only letters, digits and . _ @ + : -' }),
    ),
  email: z.email().check(z.maxLength(254)),
});

export const DocumentSchema = z.strictObject({
  url: z
    .url({ protocol: /^https$/, hostname: DNS_HOST_NAME_PATTERN, error: 'Must be an https URL with a DNS host name' })
    .check(z.maxLength(2048)),
  format: z.enum(DOCUMENT_FORMATS),
  pages: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_PAGES))),
});

export const ShippingAddressSchema = z.strictObject({
  name: text(100),
  line1: text(200),
  line2: z.optional(text(200)),
  city: text(100),
  postalCode: z
    .string()
    .check(
      z.trim(),
      z.minLength(1),
      z.maxLength(16),
      z.regex(/^[A-Za-z0-9 -]+$/, { error: 'Must contain only letters, digits, spaces and -' }),
    ),
  country: z
    .string()
    .check(
      z.refine((code) => ISO_3166_ALPHA2.has(code), { error: 'Must be an ISO 3166-1 alpha-2 country code, e.g. DE' }),
    ),
});

export const PrintOrderUploadSchema = z.strictObject({
  customer: CustomerSchema,
  document: DocumentSchema,
  copies: z.int().check(z.minimum(1), z.maximum(MAX_COPIES)),
  shippingAddress: ShippingAddressSchema,
  idempotencyKey: z.optional(
    z
      .string()
      .check(
        z.minLength(1),
        z.maxLength(255),
        z.regex(IDEMPOTENCY_KEY_PATTERN, { error: 'Must contain only letters, digits and . _ : -' }),
      ),
  ),
});

export type PrintOrderUpload = z.infer<typeof PrintOrderUploadSchema>;

/** One validation failure, as stored on a rejected order and returned by GET /orders/{id}. */
export interface ValidationErrorEntry {
  /** Dotted path into the upload, array indexes in brackets; `(root)` for the upload itself. */
  path: string;
  message: string;
}

export type UploadValidation = { ok: true; upload: PrintOrderUpload } | { ok: false; errors: ValidationErrorEntry[] };

/** At most this many issues are kept; a hostile upload cannot grow a rejected order without bound. */
export const MAX_STORED_ERRORS = 50;

export function formatIssuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

export function validateUpload(detail: unknown): UploadValidation {
  const result = PrintOrderUploadSchema.safeParse(detail);
  if (result.success) return { ok: true, upload: result.data };
  const errors = result.error.issues.slice(0, MAX_STORED_ERRORS).map((issue) => ({
    path: formatIssuePath(issue.path),
    message: issue.message,
  }));
  return { ok: false, errors };
}
