import {
  StackConfigError,
  parseConfigAssignments,
  parseProjectFile,
  placeholderNotice,
  resolveConfig,
  secretPlaceholder,
} from '../../../local/model/config';

const project = parseProjectFile(
  'name: shop\nruntime: nodejs\nconfig:\n  greeting:\n    type: string\n    default: hello\n',
);

const stackFile = `
config:
  aws:region: eu-west-1
  shop:endpoint: https://carrier.example.com
  shop:retries: 3
  shop:password:
    secure: AAABAKx1
  shop:nested:
    user: u
    token:
      secure: AAABAZZ9
`;

describe('stack config resolution', () => {
  it('reads namespaced keys, stringifies structured values and keeps project defaults', () => {
    // Act
    const config = resolveConfig(project, 'dev', stackFile);
    // Assess
    expect(config.values['aws:region']).toBe('eu-west-1');
    expect(config.values['shop:endpoint']).toBe('https://carrier.example.com');
    expect(config.values['shop:retries']).toBe('3');
    expect(config.values['shop:greeting']).toBe('hello');
  });

  it('replaces secure values with deterministic placeholders and lists them', () => {
    const config = resolveConfig(project, 'dev', stackFile);
    const again = resolveConfig(project, 'dev', stackFile);
    expect(config.values['shop:password']).toBe(secretPlaceholder('dev', 'shop:password', 'AAABAKx1'));
    expect(config.values['shop:password']).toMatch(/^local-password-[0-9a-f]{8}$/);
    expect(JSON.parse(config.values['shop:nested'])).toEqual({
      user: 'u',
      token: secretPlaceholder('dev', 'shop:nested', 'AAABAZZ9'),
    });
    expect(again.values).toEqual(config.values);
    expect(config.secretKeys.sort()).toEqual(['shop:nested', 'shop:password']);
    expect(placeholderNotice(config)).toContain('shop:password = local-password-');
  });

  it('applies --config overrides in the project namespace unless the key has one', () => {
    const overrides = parseConfigAssignments([
      'endpoint=http://127.0.0.1:9/x?a=b',
      'aws:region=us-west-2',
      'password=real',
    ]);
    const config = resolveConfig(project, 'dev', stackFile, overrides);
    expect(config.values['shop:endpoint']).toBe('http://127.0.0.1:9/x?a=b');
    expect(config.values['aws:region']).toBe('us-west-2');
    expect(config.values['shop:password']).toBe('real');
    expect(config.placeholders).toEqual(['shop:nested']);
    expect(config.overridden).toEqual(['shop:endpoint', 'aws:region', 'shop:password']);
  });

  it('rejects malformed assignments and project files', () => {
    expect(() => parseConfigAssignments(['novalue'])).toThrow(StackConfigError);
    expect(() => parseConfigAssignments(['=x'])).toThrow(StackConfigError);
    expect(() => parseProjectFile('runtime: nodejs')).toThrow(StackConfigError);
  });

  it('prints no notice when nothing was replaced', () => {
    expect(placeholderNotice(resolveConfig(project, 'dev', 'config:\n  shop:a: b\n'))).toBeUndefined();
  });
});
