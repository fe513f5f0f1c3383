import { bearerToken, constantTimeEquals } from '../../../handlers/credentials';

describe('constantTimeEquals', () => {
  it('is true for equal strings', () => {
    expect(constantTimeEquals('s3cr3t-token', 's3cr3t-token')).toBe(true);
  });

  it.each([
    ['a different value of the same length', 's3cr3t-tokem'],
    ['a prefix', 's3cr3t'],
    ['a longer value', 's3cr3t-token-and-more'],
    ['the empty string', ''],
    ['a different case', 'S3CR3T-TOKEN'],
  ])('is false for %s (and does not throw on length mismatch)', (_label, presented) => {
    expect(constantTimeEquals(presented, 's3cr3t-token')).toBe(false);
  });

  it('compares non-ASCII text by its UTF-8 bytes', () => {
    expect(constantTimeEquals('clé-ü', 'clé-ü')).toBe(true);
    expect(constantTimeEquals('cle-u', 'clé-ü')).toBe(false);
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def-123', 'abc.def-123'],
    ['bearer abc', 'abc'],
    ['BEARER  abc', 'abc'],
    ['Bearer abc ', 'abc'],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme without credentials', 'Bearer'],
    ['a scheme without a space', 'Bearerabc'],
    ['two tokens', 'Bearer abc def'],
    ['a bare token', 'abc'],
  ])('gives nothing for a header that is %s', (_label, header) => {
    expect(bearerToken(header)).toBeUndefined();
  });
});
