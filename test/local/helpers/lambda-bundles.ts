/**
 * Test helper: bundles inline TypeScript handlers with esbuild into CommonJS files under the repository's
 * `.local/` folder (as the wiring does under `.local/build/<fn>/index.js`), so that `require('@aws-sdk/...')`
 * inside a bundle resolves to the repository's node_modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { LocalFunction } from '../../../local/services/lambda';

const REPO = path.resolve(__dirname, '../../..');

export class TestBundles {
  readonly dir: string;

  constructor() {
    fs.mkdirSync(path.join(REPO, '.local'), { recursive: true });
    this.dir = fs.mkdtempSync(path.join(REPO, '.local', 'test-lambda-'));
  }

  /** Builds `source` (a TypeScript module exporting `handler`) and returns a function definition for it. */
  fn(name: string, source: string, overrides: Partial<LocalFunction> = {}): LocalFunction {
    const outDir = path.join(this.dir, name);
    fs.mkdirSync(outDir, { recursive: true });
    const entry = path.join(outDir, 'src.ts');
    fs.writeFileSync(entry, source);
    const bundlePath = path.join(outDir, 'index.js');
    buildSync({
      entryPoints: [entry],
      outfile: bundlePath,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['@aws-sdk/*'],
      logLevel: 'silent',
    });
    return {
      name,
      arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      bundlePath,
      handler: 'index.handler',
      environment: {},
      timeoutSeconds: 10,
      memoryMb: 128,
      runtime: 'nodejs20.x',
      ...overrides,
    };
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
