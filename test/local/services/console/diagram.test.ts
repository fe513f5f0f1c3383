import { diagramSvg, parseMermaid } from '../../../../local/services/console/diagram';

const MERMAID = [
  'flowchart LR',
  '  n1(["POST /uploads"])',
  '  n2[["bus #lt;script#gt;"]]',
  '  n3("λ capture")',
  '  n1 -- "EventBridge-PutEvents" --> n2',
  '  n2 --> n3',
  '  n3 -. "on failure" .-> n1',
].join('\n');

describe('the console diagram', () => {
  it('reads nodes and edges back from the Mermaid text', () => {
    const { nodes, edges } = parseMermaid(MERMAID);
    expect(nodes.map((n) => n.label)).toEqual(['POST /uploads', 'bus <script>', 'λ capture']);
    expect(edges).toEqual([
      { from: 'n1', to: 'n2', label: 'EventBridge-PutEvents', dotted: false },
      { from: 'n2', to: 'n3', label: undefined, dotted: false },
      { from: 'n3', to: 'n1', label: 'on failure', dotted: true },
    ]);
  });

  it('draws every node, escaped, in columns', () => {
    const svg = diagramSvg(MERMAID);
    expect(svg).toContain('bus &lt;script&gt;');
    expect(svg).not.toContain('<script>');
    expect((svg.match(/<g class="node">/g) ?? []).length).toBe(3);
    expect((svg.match(/class="edge"/g) ?? []).length).toBe(3);
  });
});
