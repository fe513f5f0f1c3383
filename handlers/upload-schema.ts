import { z } from 'zod';
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

const text = (max: number) => z.string().trim().min(1).max(max);

export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9._@+:-]+$/;
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]+$/;
export const DOCUMENT_FORMATS = ['pdf', 'png', 'jpeg', 'tiff'] as const;
export const MAX_COPIES = 100;
export const MAX_PAGES = 2000;

export const CustomerSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(CUSTOMER_ID_PATTERN, { error: 'Must contain only letters, digits and . _ @ + : -' }),
  email: z.email().max(254),
});

export const DocumentSchema = z.strictObject({
  url: z
    .url({ protocol: /^https$/, hostname: z.regexes.domain, error: 'Must be an https URL with a DNS host name' })
    .max(2048),
  format: z.enum(DOCUMENT_FORMATS),
  pages: z.int().min(1).max(MAX_PAGES).optional(),
});

export const ShippingAddressSchema = z.strictObject({
  name: text(100),
  line1: text(200),
  line2: text(200).optional(),
  city: text(100),
  postalCode: z
    .string()
    .trim()
    .min(1)
    .max(16)
    .regex(/^[A-Za-z0-9 -]+$/, { error: 'Must contain only letters, digits, spaces and -' }),
  country: z
    .string()
    .refine((code) => ISO_3166_ALPHA2.has(code), { error: 'Must be an ISO 3166-1 alpha-2 country code, e.g. DE' }),
});

export const PrintOrderUploadSchema = z.strictObject({
  customer: CustomerSchema,
  document: DocumentSchema,
  copies: z.int().min(1).max(MAX_COPIES),
  shippingAddress: ShippingAddressSchema,
  idempotencyKey: z
    .string()
    .min(1)
    .max(255)
    .regex(IDEMPOTENCY_KEY_PATTERN, { error: 'Must contain only letters, digits and . _ : -' })
    .optional(),
});

export type PrintOrderUpload = z.infer<typeof PrintOrderUploadSchema>;

/** One validation failure, as stored on a rejected order and returned by GET /orders/{id}. */
export interface ValidationErrorEntry {
  /** Dotted path into the upload, array indexes in brackets; `(root)` for the upload itself. */
  path: string;
  message: string;
}

export type UploadValidation =
  | { ok: true; upload: PrintOrderUpload }
  | { ok: false; errors: ValidationErrorEntry[] };

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
