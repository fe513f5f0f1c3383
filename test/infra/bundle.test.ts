import { builtinModules } from 'node:module';
import { bundleHandler, handlerEntry, REPO_ROOT } from '../../infra/bundle';

const handlers = ['capture-order', 'cancel-order', 'confirm-shipment', 'get-order', 'authorize-carrier', 'carrier-mock'];

/** Module ids a bundle still requires at run time. */
function requiredModules(code: string): string[] {
  return [...new Set([...code.matchAll(/require\((["'`])([^"'`]+)\1\)/g)].map((m) => m[2]))];
}

describe('bundleHandler', () => {
  it.each(handlers)('bundles %s into one small, self-contained CommonJS file', (name) => {
    // Prepare / Act
    const code = bundleHandler(handlerEntry(name));

    // Assess
    const external = requiredModules(code).filter((id) => !id.startsWith('@aws-sdk/') && !builtinModules.includes(id.replace(/^node:/, '')));
    expect(external).toEqual([]);
    expect(code).toMatch(/module\.exports/);
    expect(code).not.toContain(REPO_ROOT);
    expect(Buffer.byteLength(code)).toBeLessThan(1024 * 1024);
  });

  it('is deterministic: two fresh builds give the same bytes', () => {
    // Prepare / Act
    const first = bundleHandler(handlerEntry('capture-order'), { cache: false });
    const second = bundleHandler(handlerEntry('capture-order'), { cache: false });

    // Assess
    expect(second).toBe(first);
  });

  it('exports the handler the runtime calls (index.handler)', () => {
    // Prepare
    const code = bundleHandler(handlerEntry('get-order'));
    const module = { exports: {} as Record<string, unknown> };
    const saved = process.env.ORDERS_TABLE_NAME;
    process.env.ORDERS_TABLE_NAME = 'orders-test';

    // Act: load the bundle as Lambda would (its module scope makes clients, but calls nothing)
    try {
      new Function('module', 'exports', 'require', code)(module, module.exports, (id: string) => jest.requireActual(id));
    } finally {
      if (saved === undefined) delete process.env.ORDERS_TABLE_NAME;
      else process.env.ORDERS_TABLE_NAME = saved;
    }

    // Assess
    expect(typeof module.exports.handler).toBe('function');
  });

  it('rejects entry names that are not kebab-case files', () => {
    // Prepare / Act / Assess
    expect(() => handlerEntry('../etc/passwd')).toThrow(/kebab-case/);
  });
});
