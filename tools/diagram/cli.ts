/**
 * `npm run diagram [-- --stack NAME] [--check]`: writes the stack's Mermaid diagram (from the resource graph, the
 * program under Pulumi mocks) into README.md between the diagram markers. `--check` writes nothing and exits 1 when
 * the README's copy is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadStackGraph } from '../../local/model/load';
import { embedDiagram, mermaidFromGraph } from './mermaid';

export async function renderReadme(projectDir: string, stack = 'dev'): Promise<{ current: string; next: string }> {
  const graph = await loadStackGraph({ stack, projectDir });
  const file = path.join(projectDir, 'README.md');
  const current = readFileSync(file, 'utf8');
  return { current, next: embedDiagram(current, mermaidFromGraph(graph.resources)) };
}

async function main(argv: string[]): Promise<number> {
  const stackAt = argv.indexOf('--stack');
  const stack = stackAt >= 0 ? argv[stackAt + 1] : 'dev';
  const projectDir = process.cwd();
  const { current, next } = await renderReadme(projectDir, stack);
  if (argv.includes('--check')) {
    if (current === next) return 0;
    console.error('README.md: the diagram is stale; run `npm run diagram`');
    return 1;
  }
  if (current !== next) writeFileSync(path.join(projectDir, 'README.md'), next);
  console.log(current === next ? 'README.md: diagram up to date' : 'README.md: diagram written');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
