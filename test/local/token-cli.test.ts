import { chooseIssuer, parseTokenArgs, TokenCliError } from '../../local/token-cli';
import type { IssuerRecord } from '../../local/services/cognito-issuer';

const pool = (id: string): IssuerRecord => ({
  id,
  name: `${id}-name`,
  issuer: `https://cognito-idp.us-east-1.amazonaws.com/${id}`,
  clientIds: ['c'],
  local: 'http://127.0.0.1:1',
  keyFile: '/k',
});

describe('npm run token (cli)', () => {
  it('reads the customer, the data dir and the token options', () => {
    expect(
      parseTokenArgs([
        '--customer',
        'alice',
        '--data-dir',
        '/d',
        '--expires-in',
        '-60',
        '--client-id',
        'x',
        '--scope',
        'a b',
      ]),
    ).toEqual({
      customer: 'alice',
      dataDir: '/d',
      expiresIn: -60,
      clientId: 'x',
      scope: 'a b',
    });
    expect(parseTokenArgs(['--customer', 'bob'], {})).toEqual({ customer: 'bob', dataDir: '.local', expiresIn: 3600 });
    expect(parseTokenArgs(['--customer', 'bob'], { LOCAL_DATA_DIR: '/data' }).dataDir).toBe('/data');
  });

  it('refuses a missing customer, an unknown option and a fractional lifetime', () => {
    expect(() => parseTokenArgs([])).toThrow(TokenCliError);
    expect(() => parseTokenArgs(['--customer', 'a', '--user', 'b'])).toThrow(/Unknown option --user/);
    expect(() => parseTokenArgs(['--customer', 'a', '--expires-in', '1.5'])).toThrow(/whole number/);
  });

  it('picks the only pool, or the one named, and says which exist otherwise', () => {
    expect(chooseIssuer([pool('p1')], undefined).id).toBe('p1');
    expect(chooseIssuer([pool('p1'), pool('p2')], 'p2-name').id).toBe('p2');
    expect(() => chooseIssuer([pool('p1'), pool('p2')], undefined)).toThrow(/--pool \(p1, p2\)/);
    expect(() => chooseIssuer([], undefined)).toThrow(/no Cognito user pool/);
  });
});
