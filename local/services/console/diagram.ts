/**
 * The stack's diagram as a self-drawn SVG (no browser library, nothing fetched): the Mermaid flowchart text that
 * tools/diagram derives from the graph is parsed back into nodes and edges, laid out in columns by the longest
 * path from a source, and drawn. Pure. Every label is XML-escaped: resource names come from the program.
 */
export interface DiagramNode {
  id: string;
  label: string;
}

export interface DiagramEdge {
  from: string;
  to: string;
  label?: string;
  dotted: boolean;
}

const NODE = /^\s*(n\d+)\s*(?:\(\[|\[\[|\{\{|\[\(|\[\/|\[\\|\(|>|\[)"(.*)"/;
const EDGE = /^\s*(n\d+)\s+(?:(-->)|(-\.->)|--\s+"(.*)"\s+-->|-\.\s+"(.*)"\s+\.->)\s+(n\d+)\s*$/;

function decode(text: string): string {
  return text
    .replace(/#quot;/g, '"')
    .replace(/#lt;/g, '<')
    .replace(/#gt;/g, '>');
}

export function parseMermaid(text: string): { nodes: DiagramNode[]; edges: DiagramEdge[] } {
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  for (const line of text.split('\n')) {
    const edge = EDGE.exec(line);
    if (edge) {
      const label = edge[4] ?? edge[5];
      edges.push({
        from: edge[1],
        to: edge[6],
        label: label === undefined ? undefined : decode(label),
        dotted: edge[3] !== undefined || edge[5] !== undefined,
      });
      continue;
    }
    const node = NODE.exec(line);
    if (node) nodes.push({ id: node[1], label: decode(node[2]) });
  }
  return { nodes, edges };
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const WIDTH = 230;
const HEIGHT = 30;
const GAP_X = 70;
const GAP_Y = 14;

/** Columns by longest path from a node without incoming edges (cycles are cut where met). */
function columns(nodes: DiagramNode[], edges: DiagramEdge[]): Map<string, number> {
  const column = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  for (let pass = 0; pass < nodes.length; pass += 1) {
    let changed = false;
    for (const e of edges) {
      const next = (column.get(e.from) ?? 0) + 1;
      if (next > (column.get(e.to) ?? 0) && next < nodes.length) {
        column.set(e.to, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return column;
}

export function diagramSvg(mermaid: string): string {
  const { nodes, edges } = parseMermaid(mermaid);
  const column = columns(nodes, edges);
  const rows = new Map<number, number>();
  const at = new Map<string, { x: number; y: number }>();
  for (const node of nodes) {
    const c = column.get(node.id) ?? 0;
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    at.set(node.id, { x: 10 + c * (WIDTH + GAP_X), y: 10 + r * (HEIGHT + GAP_Y) });
  }
  const width = 20 + (Math.max(0, ...column.values()) + 1) * (WIDTH + GAP_X);
  const height = 20 + Math.max(1, ...rows.values()) * (HEIGHT + GAP_Y);
  const parts: string[] = [];
  for (const e of edges) {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (!a || !b) continue;
    const [x1, y1, x2, y2] = [a.x + WIDTH, a.y + HEIGHT / 2, b.x, b.y + HEIGHT / 2];
    const dash = e.dotted ? ' stroke-dasharray="4 3"' : '';
    parts.push(
      `<path d="M${x1},${y1} C${x1 + GAP_X / 2},${y1} ${x2 - GAP_X / 2},${y2} ${x2},${y2}" class="edge"${dash} marker-end="url(#arrow)"><title>${escapeXml(e.label ?? '')}</title></path>`,
    );
  }
  for (const node of nodes) {
    const p = at.get(node.id);
    if (!p) continue;
    const label = node.label.length > 34 ? `${node.label.slice(0, 33)}…` : node.label;
    parts.push(
      `<g class="node"><rect x="${p.x}" y="${p.y}" width="${WIDTH}" height="${HEIGHT}" rx="6"/><text x="${p.x + 8}" y="${p.y + 19}">${escapeXml(label)}</text><title>${escapeXml(node.label)}</title></g>`,
    );
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="stack diagram">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#777"/></marker></defs>',
    ...parts,
    '</svg>',
  ].join('\n');
}
