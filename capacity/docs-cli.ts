/**
 * `npm run capacity:docs`: regenerates docs/capacity.md from the stack (test/capacity/docs.test.ts fails when the
 * committed file differs from what this writes).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadStackGraph } from '../local/model/load';
import { docStacks, DOC_PATH } from './docs-source';
import { renderCapacityDoc } from './docs';

async function main(): Promise<void> {
  const projectDir = path.resolve(__dirname, '..');
  const graph = await loadStackGraph({ projectDir });
  const file = path.join(projectDir, DOC_PATH);
  writeFileSync(file, renderCapacityDoc(docStacks(graph)));
  process.stdout.write(`wrote ${DOC_PATH}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`capacity:docs: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
