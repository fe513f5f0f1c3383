/**
 * Bundles one handler entry file into a single CommonJS file with esbuild, while the program runs.
 *
 * The artifact is what Lambda runs: no node_modules upload, no closure serialization. `@aws-sdk/*` stays external
 * because the nodejs22.x runtime ships the AWS SDK for JavaScript v3:
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
 * `@aws-lambda-powertools/*` stays external too: every function carries Powertools' official Lambda layer
 * (infra/powertools-layer.ts), whose `/opt/nodejs/node_modules` the runtime resolves it from
 * (https://docs.aws.amazon.com/powertools/typescript/latest/getting-started/lambda-layers/).
 * Output is deterministic (same sources → same bytes) and carries no absolute paths, so the code hash only changes
 * when the code does. That also makes builds safe to keep: a build is reused, across processes, for as long as
 * every file esbuild read for it has the same content, so repeated program runs (tests, `npm start`) skip esbuild.
 * (A new file that changes how an existing import resolves is not noticed; `rm -rf .local/cache` forgets all.)
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

/** The repository root: handler paths are resolved against it and kept relative in the bundle. */
export const REPO_ROOT = path.resolve(__dirname, '..');

export const HANDLERS_DIR = 'handlers';

/**
 * The most a handler bundle may weigh. Lambda reads and parses every byte of it at each cold start, and the
 * AWS SDK and Powertools (external) are not counted: the runtime and the layer provide them. test/infra/bundle.test.ts holds every handler to it.
 */
export const BUNDLE_BUDGET_BYTES = 50 * 1024;

/** Packages the Lambda environment provides (the runtime: the AWS SDK; the Powertools layer: Powertools). */
export const EXTERNAL_PACKAGES = ['@aws-sdk/*', '@aws-lambda-powertools/*'];

/** Where builds are kept between runs, by content hash (under the git-ignored `.local`). */
export const DEFAULT_BUNDLE_CACHE_DIR = path.join(REPO_ROOT, '.local', 'cache', 'bundles');

export interface BundleOptions {
  /** Directory the entry is resolved against (default: the repository root). */
  rootDir?: string;
  /** Minify (default true). */
  minify?: boolean;
  /**
   * Reuse an earlier build of the same entry, from any process, when every file it was built from still has the
   * same content (default true). False always runs esbuild and keeps nothing.
   */
  cache?: boolean;
  /** Where cached builds live (default DEFAULT_BUNDLE_CACHE_DIR). */
  cacheDir?: string;
}

/** A cached build: the bundle and the content hash of every file esbuild read for it (paths relative to the root). */
interface CachedBundle {
  inputs: Record<string, string>;
  code: string;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function fileDigest(file: string): string | undefined {
  try {
    return sha256(readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * What a build depends on besides its input files: esbuild's version, the options, and the files that decide how
 * imports resolve (the lockfile: which package versions are installed; tsconfig.json).
 */
function cacheKey(rootDir: string, entry: string, minify: boolean): string {
  const context = ['package-lock.json', 'tsconfig.json'].map((f) => fileDigest(path.join(rootDir, f)) ?? 'none');
  return sha256(JSON.stringify([esbuild.version, rootDir, entry, minify, EXTERNAL_PACKAGES, ...context]));
}

function readCached(file: string, rootDir: string): string | undefined {
  let cached: CachedBundle;
  try {
    cached = JSON.parse(readFileSync(file, 'utf8')) as CachedBundle;
  } catch {
    return undefined;
  }
  if (typeof cached?.code !== 'string' || typeof cached.inputs !== 'object' || cached.inputs === null) return undefined;
  for (const [input, digest] of Object.entries(cached.inputs))
    if (fileDigest(path.resolve(rootDir, input)) !== digest) return undefined;
  return cached.code;
}

/** Best effort: a cache that cannot be written only costs the next run a build. Write-then-rename, so concurrent
 * test workers never read half a file. */
function writeCached(file: string, rootDir: string, inputs: string[], code: string): void {
  const digests: Record<string, string> = {};
  for (const input of inputs) {
    const digest = fileDigest(path.resolve(rootDir, input));
    if (digest === undefined) return;
    digests[input] = digest;
  }
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temp, JSON.stringify({ inputs: digests, code } satisfies CachedBundle));
    renameSync(temp, file);
  } catch {
    // not cached; the build itself succeeded
  }
}

/** The entry file of a handler: `handlers/<name>.ts`. */
export function handlerEntry(handlerName: string): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(handlerName))
    throw new Error(`Handler names are kebab-case file names, got "${handlerName}"`);
  return `${HANDLERS_DIR}/${handlerName}.ts`;
}

/** Bundle `entry` (relative to the root) into one self-contained CommonJS string, or reuse an identical build. */
export function bundleHandler(entry: string, opts: BundleOptions = {}): string {
  const rootDir = opts.rootDir ?? REPO_ROOT;
  const minify = opts.minify ?? true;
  const useCache = opts.cache ?? true;
  const cacheFile = path.join(opts.cacheDir ?? DEFAULT_BUNDLE_CACHE_DIR, `${cacheKey(rootDir, entry, minify)}.json`);
  const cached = useCache ? readCached(cacheFile, rootDir) : undefined;
  if (cached !== undefined) return cached;
  const result = esbuild.buildSync({
    absWorkingDir: rootDir,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: EXTERNAL_PACKAGES,
    minify,
    sourcemap: false,
    legalComments: 'none',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
    // Module-path comments and `__filename` stay relative to the root, never the machine's absolute path.
    sourceRoot: '.',
    metafile: true,
  });
  if (result.outputFiles.length !== 1)
    throw new Error(`esbuild produced ${result.outputFiles.length} files for ${entry}, expected 1`);
  const code = result.outputFiles[0].text;
  if (useCache) writeCached(cacheFile, rootDir, Object.keys(result.metafile.inputs), code);
  return code;
}
