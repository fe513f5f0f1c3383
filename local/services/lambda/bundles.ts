/**
 * Writes a function's code (the archive the program declared) to `<buildDir>/<function name>/`, the way Lambda
 * unpacks a deployment package, and returns the function as the Lambda service runs it.
 *
 * Where this differs from AWS on purpose: bundles are build output, not state, so they always live under the
 * project's `.local/build`: a bundle leaves `@aws-sdk/*` to the Lambda runtime, and locally the runtime's SDK is
 * the project's node_modules, which Node resolves from there.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { archiveFiles } from '../../model/assets';
import type { LocalFunction } from '.';
import type { FunctionDefinition } from './definition';

export function writeBundle(fn: FunctionDefinition, buildDir: string, projectDir: string): LocalFunction {
  const files = archiveFiles(fn.code, projectDir);
  const dir = path.join(buildDir, fn.name);
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    // Write-then-rename: another local cloud of the same project may be loading this very file.
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  }
  // `index.handler` → index.js (the module part of the handler setting).
  const dot = fn.handler.lastIndexOf('.');
  const moduleName = fn.handler.slice(0, dot);
  const candidates = [`${moduleName}.js`, `${moduleName}.cjs`, `${moduleName}.mjs`];
  const entry = candidates.find((c) => c in files) ?? candidates[0];
  const bundlePath = path.join(dir, entry);
  const { code: _code, ...settings } = fn;
  return {
    ...settings,
    bundlePath,
    handler: `${path.basename(bundlePath).replace(/\.(c|m)?js$/, '')}${fn.handler.slice(dot)}`,
  };
}
