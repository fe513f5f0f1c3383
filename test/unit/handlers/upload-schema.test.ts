import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatIssuePath,
  MAX_STORED_ERRORS,
  PrintOrderUploadSchema,
  validateUpload,
  type PrintOrderUpload,
} from '../../../handlers/upload-schema';
import { loadEvent } from './helpers';

function validUpload(): PrintOrderUpload {
  return loadEvent<{ detail: { body: PrintOrderUpload } }>('order-uploaded.json').detail.body;
}

function pathsOf(detail: unknown): string[] {
  const result = validateUpload(detail);
  if (result.ok) throw new Error('expected the upload to be invalid');
  return result.errors.map((e) => e.path);
}

describe('validateUpload', () => {
  it('accepts the fixture upload and returns its data', () => {
    // Prepare
    const upload = validUpload();

    // Act
    const result = validateUpload(upload);

    // Assess
    expect(result).toEqual({ ok: true, upload });
  });

  it('accepts the README example upload (examples/upload.json)', () => {
    // Prepare
    const example: unknown = JSON.parse(readFileSync(join(__dirname, '../../../examples/upload.json'), 'utf8'));

    // Act
    const result = PrintOrderUploadSchema.safeParse(example);

    // Assess
    expect(result.success).toBe(true);
  });

  it('accepts an upload without the optional fields', () => {
    // Prepare
    const upload = validUpload();
    delete upload.idempotencyKey;
    delete upload.document.pages;
    delete upload.shippingAddress.line2;

    // Act
    const result = validateUpload(upload);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('trims free-text address fields', () => {
    // Prepare
    const upload = validUpload();
    upload.shippingAddress.name = '  Ada Lovelace  ';

    // Act
    const result = validateUpload(upload);

    // Assess
    expect(result.ok && result.upload.shippingAddress.name).toBe('Ada Lovelace');
  });

  it.each([
    ['a string', 'hello'],
    ['an array', []],
    ['null', null],
  ])('rejects a detail that is %s, at the root', (_label, detail) => {
    // Act
    const paths = pathsOf(detail);

    // Assess
    expect(paths).toEqual(['(root)']);
  });

  it('reports each missing required field', () => {
    // Prepare
    const upload: Record<string, unknown> = { ...validUpload() };
    delete upload.copies;
    delete upload.customer;

    // Act
    const paths = pathsOf(upload);

    // Assess
    expect(paths.sort()).toEqual(['copies', 'customer']);
  });

  it('rejects unknown keys at every level (strict objects)', () => {
    // Prepare
    const upload = validUpload() as unknown as Record<string, Record<string, unknown>>;
    upload.giftWrap = {};
    upload.shippingAddress.floor = '3';

    // Act
    const result = validateUpload(upload);

    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual(
      expect.arrayContaining([
        { path: '(root)', message: expect.stringContaining('giftWrap') },
        { path: 'shippingAddress', message: expect.stringContaining('floor') },
      ]),
    );
  });

  it.each([
    ['copies below 1', (u: PrintOrderUpload) => (u.copies = 0), 'copies'],
    ['copies above 100', (u: PrintOrderUpload) => (u.copies = 101), 'copies'],
    ['fractional copies', (u: PrintOrderUpload) => (u.copies = 1.5), 'copies'],
    ['copies as a string', (u: PrintOrderUpload) => ((u as unknown as Record<string, unknown>).copies = '3'), 'copies'],
    ['zero pages', (u: PrintOrderUpload) => (u.document.pages = 0), 'document.pages'],
    [
      'a city over 100 chars',
      (u: PrintOrderUpload) => (u.shippingAddress.city = 'x'.repeat(101)),
      'shippingAddress.city',
    ],
    ['a blank name', (u: PrintOrderUpload) => (u.shippingAddress.name = '   '), 'shippingAddress.name'],
    ['a customer id with #', (u: PrintOrderUpload) => (u.customer.id = 'a#b'), 'customer.id'],
    ['a customer id over 64 chars', (u: PrintOrderUpload) => (u.customer.id = 'c'.repeat(65)), 'customer.id'],
    ['a bad email', (u: PrintOrderUpload) => (u.customer.email = 'ada@'), 'customer.email'],
    [
      'an http document url',
      (u: PrintOrderUpload) => (u.document.url = 'http://files.example.com/a.pdf'),
      'document.url',
    ],
    [
      'a document url on an IP address',
      (u: PrintOrderUpload) => (u.document.url = 'https://10.0.0.1/a.pdf'),
      'document.url',
    ],
    [
      'a document url over 2048 chars',
      (u: PrintOrderUpload) => (u.document.url = `https://example.com/${'a'.repeat(2040)}`),
      'document.url',
    ],
    [
      'an unknown document format',
      (u: PrintOrderUpload) => ((u.document as { format: string }).format = 'docx'),
      'document.format',
    ],
    ['a lower-case country', (u: PrintOrderUpload) => (u.shippingAddress.country = 'gb'), 'shippingAddress.country'],
    [
      'a country code that is not ISO 3166 (UK)',
      (u: PrintOrderUpload) => (u.shippingAddress.country = 'UK'),
      'shippingAddress.country',
    ],
    [
      'a postal code with punctuation',
      (u: PrintOrderUpload) => (u.shippingAddress.postalCode = 'SW1Y;4JH'),
      'shippingAddress.postalCode',
    ],
    ['an empty idempotency key', (u: PrintOrderUpload) => (u.idempotencyKey = ''), 'idempotencyKey'],
    ['an idempotency key with #', (u: PrintOrderUpload) => (u.idempotencyKey = 'k#1'), 'idempotencyKey'],
    [
      'an idempotency key over 255 chars',
      (u: PrintOrderUpload) => (u.idempotencyKey = 'k'.repeat(256)),
      'idempotencyKey',
    ],
  ])('rejects %s at its path', (_label, mutate, path) => {
    // Prepare
    const upload = validUpload();
    mutate(upload);

    // Act
    const paths = pathsOf(upload);

    // Assess: only that field is reported (a field may fail more than one of its checks)
    expect([...new Set(paths)]).toEqual([path]);
  });

  it(`keeps at most ${MAX_STORED_ERRORS} errors`, () => {
    // Prepare
    const upload: Record<string, unknown> = { ...validUpload() };
    for (let i = 0; i < 80; i += 1) upload[`extra${i}`] = i;
    upload.copies = 'many';
    upload.customer = 1;

    // Act
    const result = validateUpload(upload);

    // Assess
    expect(!result.ok && result.errors.length).toBeLessThanOrEqual(MAX_STORED_ERRORS);
    expect(!result.ok && result.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['copies', 'customer']));
  });
});

describe('formatIssuePath', () => {
  it.each([
    [[], '(root)'],
    [['customer', 'email'], 'customer.email'],
    [['items', 2, 'sku'], 'items[2].sku'],
    [[0], '[0]'],
  ])('formats %j as %s', (path, expected) => {
    // Act / Assess
    expect(formatIssuePath(path)).toBe(expected);
  });
});
