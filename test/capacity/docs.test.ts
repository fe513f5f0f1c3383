/**
 * docs/capacity.md is generated (`npm run capacity:docs`); this fails when the committed file is not what the
 * current stack, quotas, prices and model produce.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { renderCapacityDoc } from '../../capacity/docs';
import { docStacks, DOC_PATH } from '../../capacity/docs-source';
import { loadStackGraph } from '../../local/model/load';

jest.setTimeout(600_000);

const PROJECT_DIR = path.resolve(__dirname, '..', '..');

it('docs/capacity.md is up to date (regenerate with `npm run capacity:docs`)', async () => {
  const graph = await loadStackGraph({ projectDir: PROJECT_DIR });
  const expected = renderCapacityDoc(docStacks(graph));
  const committed = readFileSync(path.join(PROJECT_DIR, DOC_PATH), 'utf8');
  expect(committed).toBe(expected);
});
