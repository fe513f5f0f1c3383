/**
 * Every `docs/<file>.md#<anchor>` the code, tests, fixtures and docs cite must name a file in docs/ and a heading in
 * it, and nothing may point at documents outside the repository.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SKIP = new Set(['node_modules', '.git', '.local', 'coverage', 'dist']);
const TEXT = /\.(ts|js|mjs|json|md|ya?ml)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return TEXT.test(name) && name !== 'package-lock.json' ? [full] : [];
  });
}

/** GitHub's heading anchors: lower case, punctuation dropped (but `-` and `_`), spaces to `-`, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

interface Citation {
  from: string;
  doc: string;
  anchor?: string;
}

function citations(): Citation[] {
  const found: Citation[] = [];
  for (const file of files(ROOT)) {
    const text = readFileSync(file, 'utf8');
    const from = path.relative(ROOT, file);
    for (const m of text.matchAll(/\bdocs\/([\w.-]+\.md)(?:#([\w-]+))?/g))
      found.push({ from, doc: m[1], anchor: m[2] });
    // Links between the docs themselves: `](other.md#x)` and `](#x)`.
    if (from.startsWith(`docs${path.sep}`)) {
      for (const m of text.matchAll(/\]\((?!https?:)([\w.-]+\.md)?(?:#([\w-]+))?\)/g))
        found.push({ from, doc: m[1] ?? path.basename(file), anchor: m[2] });
    }
  }
  return found;
}

describe('citations of docs/', () => {
  const all = citations();
  const anchorsOf = new Map<string, Set<string>>();
  const anchors = (doc: string): Set<string> | undefined => {
    if (!anchorsOf.has(doc)) {
      const file = path.join(ROOT, 'docs', doc);
      anchorsOf.set(
        doc,
        statSync(file, { throwIfNoEntry: false })?.isFile() ? headingAnchors(readFileSync(file, 'utf8')) : new Set(),
      );
    }
    return statSync(path.join(ROOT, 'docs', doc), { throwIfNoEntry: false }) ? anchorsOf.get(doc) : undefined;
  };

  it('finds the code citing the AWS behaviour reference (the check below is not vacuous)', () => {
    const fromCode = all.filter(
      (c) => c.from.startsWith(`local${path.sep}`) && c.doc === 'aws-behaviour.md' && c.anchor,
    );
    expect(fromCode.length).toBeGreaterThanOrEqual(30);
  });

  it('resolves every citation to a file in docs/ and a heading in it', () => {
    const broken = all.filter((c) => {
      const known = anchors(c.doc);
      return known === undefined || (c.anchor !== undefined && !known.has(c.anchor));
    });
    expect(broken).toEqual([]);
  });

  it('points at nothing outside the repository', () => {
    // Built from parts so that this file does not match itself.
    const outside = new RegExp(['aws-', 'semantics', '|shared/', 'DESIGN'].join(''));
    const self = path.relative(ROOT, __filename);
    const offenders = files(ROOT)
      .map((file) => path.relative(ROOT, file))
      .filter((file) => file !== self && outside.test(readFileSync(path.join(ROOT, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('computes anchors as GitHub does', () => {
    const anchors = headingAnchors(
      '# Title\n## Pipes: DynamoDB stream records\n```\n# not a heading\n```\n## HTTP API: Lambda payload 2.0\n## Title\n',
    );
    expect([...anchors]).toEqual(['title', 'pipes-dynamodb-stream-records', 'http-api-lambda-payload-20', 'title-1']);
  });
});
