/**
 * Bundles one handler entry file into a single CommonJS file with esbuild, while the program runs.
 *
 * The artifact is what Lambda runs: no node_modules upload, no closure serialization. `@aws-sdk/*` stays external
 * because the nodejs22.x runtime ships the AWS SDK for JavaScript v3:
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
 * Output is deterministic (same sources → same bytes) and carries no absolute paths, so the code hash only changes
 * when the code does.
 */
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/** The repository root: handler paths are resolved against it and kept relative in the bundle. */
export const REPO_ROOT = path.resolve(__dirname, '..');

export const HANDLERS_DIR = 'handlers';

export interface BundleOptions {
  /** Directory the entry is resolved against (default: the repository root). */
  rootDir?: string;
  /** Minify (default true). */
  minify?: boolean;
  /** Reuse this process's earlier build of the same entry (default true). */
  cache?: boolean;
}

const cache = new Map<string, string>();

/** The entry file of a handler: `handlers/<name>.ts`. */
export function handlerEntry(handlerName: string): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(handlerName)) throw new Error(`Handler names are kebab-case file names, got "${handlerName}"`);
  return `${HANDLERS_DIR}/${handlerName}.ts`;
}

/** Bundle `entry` (relative to the root) into one self-contained CommonJS string. Memoized per process. */
export function bundleHandler(entry: string, opts: BundleOptions = {}): string {
  const rootDir = opts.rootDir ?? REPO_ROOT;
  const minify = opts.minify ?? true;
  const key = `${rootDir}\0${entry}\0${minify}`;
  const useCache = opts.cache ?? true;
  const cached = useCache ? cache.get(key) : undefined;
  if (cached !== undefined) return cached;
  const result = esbuild.buildSync({
    absWorkingDir: rootDir,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    minify,
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
    // Module-path comments and `__filename` stay relative to the root, never the machine's absolute path.
    sourceRoot: '.',
  });
  if (result.outputFiles.length !== 1) throw new Error(`esbuild produced ${result.outputFiles.length} files for ${entry}, expected 1`);
  const code = result.outputFiles[0].text;
  cache.set(key, code);
  return code;
}
