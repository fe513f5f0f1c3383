/**
 * A Lambda function's `code` as the mocks record it, turned into files. The recorder gives archives as
 * `{ assets: { <file>: { text } } }` (StringAsset) or `{ assets: { <file>: { path } } }` (FileAsset), and a
 * FileArchive as `{ path }` (a directory). Nested archives are flattened under their key.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isRecord } from '../services/kernel/values';
import { LocalCloudError } from '../services/kernel/errors';

export class UnsupportedAssetError extends LocalCloudError {}

function readDirectory(dir: string, prefix: string, out: Record<string, string>): void {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    const key = prefix === '' ? entry : `${prefix}/${entry}`;
    if (statSync(full).isDirectory()) readDirectory(full, key, out);
    else out[key] = readFileSync(full, 'utf8');
  }
}

/** Files (relative path → text) of an archive or asset value. `baseDir` resolves relative asset paths. */
export function archiveFiles(code: unknown, baseDir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(code)) throw new UnsupportedAssetError('The function has no code archive in the graph');
  if (isRecord(code.assets)) {
    for (const [name, entry] of Object.entries(code.assets)) {
      const key = prefix === '' ? name : `${prefix}/${name}`;
      if (isRecord(entry) && typeof entry.text === 'string') out[key] = entry.text;
      else if (isRecord(entry) && isRecord(entry.assets)) Object.assign(out, archiveFiles(entry, baseDir, key));
      else if (isRecord(entry) && typeof entry.path === 'string') {
        const full = path.resolve(baseDir, entry.path);
        if (statSync(full).isDirectory()) readDirectory(full, key, out);
        else out[key] = readFileSync(full, 'utf8');
      } else throw new UnsupportedAssetError(`Asset "${key}" is neither text nor a local file`);
    }
    return out;
  }
  if (typeof code.path === 'string') {
    const full = path.resolve(baseDir, code.path);
    if (!statSync(full).isDirectory())
      throw new UnsupportedAssetError(
        `Archive files (${code.path}) are not unpacked locally; use a directory or an AssetArchive`,
      );
    readDirectory(full, prefix, out);
    return out;
  }
  throw new UnsupportedAssetError('Remote archives are not fetched by the local cloud');
}
