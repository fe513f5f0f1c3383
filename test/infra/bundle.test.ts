import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUNDLE_BUDGET_BYTES, bundleHandler, handlerEntry, REPO_ROOT } from '../../infra/bundle';

const handlers = [
  'capture-order',
  'cancel-order',
  'confirm-shipment',
  'get-order',
  'authorize-carrier',
  'carrier-mock',
];

/** Module ids a bundle still requires at run time. */
function requiredModules(code: string): string[] {
  return [...new Set([...code.matchAll(/require\((["'`])([^"'`]+)\1\)/g)].map((m) => m[2]))];
}

describe('bundleHandler', () => {
  it.each(handlers)('bundles %s into one small, self-contained CommonJS file', (name) => {
    // Prepare / Act
    const code = bundleHandler(handlerEntry(name));

    // Assess
    // Only what the Lambda runtime (AWS SDK) and the Powertools layer provide, and Node's own modules.
    const external = requiredModules(code).filter(
      (id) =>
        !id.startsWith('@aws-sdk/') &&
        !id.startsWith('@aws-lambda-powertools/') &&
        !builtinModules.includes(id.replace(/^node:/, '')),
    );
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
      new Function('module', 'exports', 'require', code)(module, module.exports, (id: string) =>
        jest.requireActual(id),
      );
    } finally {
      if (saved === undefined) delete process.env.ORDERS_TABLE_NAME;
      else process.env.ORDERS_TABLE_NAME = saved;
    }

    // Assess
    expect(typeof module.exports.handler).toBe('function');
  });

  it.each(handlers)(`keeps %s within ${BUNDLE_BUDGET_BYTES / 1024} KB`, (name) => {
    // Prepare / Act
    const size = Buffer.byteLength(bundleHandler(handlerEntry(name)));

    // Assess
    expect(size).toBeLessThanOrEqual(BUNDLE_BUDGET_BYTES);
  });

  it('rejects entry names that are not kebab-case files', () => {
    // Prepare / Act / Assess
    expect(() => handlerEntry('../etc/passwd')).toThrow(/kebab-case/);
  });
});

describe('bundleHandler cache', () => {
  let root: string;
  let cacheDir: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'bundle-cache-'));
    cacheDir = path.join(root, 'cache');
    mkdirSync(path.join(root, 'handlers'));
    writeFileSync(
      path.join(root, 'handlers', 'entry.ts'),
      "import { word } from './word';\nexport const handler = () => word;\n",
    );
    writeFileSync(path.join(root, 'handlers', 'word.ts'), "export const word = 'first';\n");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const build = (cache = true) => bundleHandler('handlers/entry.ts', { rootDir: root, cacheDir, cache, minify: false });
  const cacheFiles = () => readdirSync(cacheDir).map((f) => path.join(cacheDir, f));

  it('keeps a build on disk and reuses it while its inputs are unchanged', () => {
    // Prepare: build once, then mark the kept build so a reuse is visible
    const first = build();
    const [file] = cacheFiles();
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { code: string };
    writeFileSync(file, JSON.stringify({ ...kept, code: `${kept.code}// reused` }));

    // Act
    const second = build();

    // Assess
    expect(first).toContain('first');
    expect(second).toBe(`${first}// reused`);
    expect(cacheFiles()).toHaveLength(1);
  });

  it('builds again when any input file changes, an imported one included', () => {
    // Prepare
    build();
    writeFileSync(path.join(root, 'handlers', 'word.ts'), "export const word = 'second';\n");

    // Act
    const rebuilt = build();

    // Assess
    expect(rebuilt).toContain('second');
    expect(rebuilt).not.toContain('first');
  });

  it('neither reads nor writes the cache when told not to', () => {
    // Prepare / Act
    const code = build(false);

    // Assess
    expect(code).toContain('first');
    expect(() => readdirSync(cacheDir)).toThrow();
  });
});
