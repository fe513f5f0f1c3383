/**
 * docs/iam.md shows the request-context table generated from SERVICE_CONTEXT_FACTS between two markers; this keeps
 * the doc and the code one fact. `npx tsx local/iam/docs.ts` rewrites the section in place.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { contextFactsMarkdown } from './request-context';

export const FACTS_BEGIN = '<!-- generated from local/iam/request-context.ts: begin -->';
export const FACTS_END = '<!-- generated from local/iam/request-context.ts: end -->';

/** The doc text with the generated section replaced by the current table. */
export function withCurrentFacts(doc: string): string {
  const begin = doc.indexOf(FACTS_BEGIN);
  const end = doc.indexOf(FACTS_END);
  if (begin < 0 || end < begin) throw new Error('docs/iam.md has no generated request-context section');
  return `${doc.slice(0, begin + FACTS_BEGIN.length)}\n${contextFactsMarkdown()}\n${doc.slice(end)}`;
}

if (require.main === module) {
  const file = path.resolve(__dirname, '../../docs/iam.md');
  writeFileSync(file, withCurrentFacts(readFileSync(file, 'utf8')));
}
