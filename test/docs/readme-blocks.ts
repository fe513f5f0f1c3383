/**
 * The README's shell blocks and what the README test does with each. Every ```sh block carries a tag after the
 * language (```sh local): GitHub shows it as an sh block, and the test knows how to treat it.
 */
export const BLOCK_KINDS = {
  /** Runs, in order, in one shell (variables carry over), against what the background blocks started. */
  local: 'run',
  /** Like `local`, but needs the AWS CLI: without one on the PATH it is only syntax-checked. */
  'local-aws': 'run if the AWS CLI is installed',
  /** Long-running (`npm start`, a server): started in the background, as in another terminal, until it is ready. */
  'local-background': 'start in the background',
  /** Needs an AWS account: syntax-checked, its config keys and stack outputs checked against the code. */
  aws: 'check',
  /** Installs or tests the project itself (npm ci, npm test): syntax-checked. */
  setup: 'check',
  /** Destructive or interactive (rm -rf .local): syntax-checked. */
  manual: 'check',
} as const;

export type BlockKind = keyof typeof BLOCK_KINDS;

export interface ShellBlock {
  kind: BlockKind;
  text: string;
  /** 1-based line of the opening fence. */
  line: number;
}

export class ReadmeBlockError extends Error {
  override name = 'ReadmeBlockError';
}

/** Every fenced shell block (sh, bash, shell) of a Markdown text; an untagged or unknown tag is an error. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new ReadmeBlockError(`line ${i + 1}: unclosed code fence`);
    const language = open[1];
    if (['sh', 'bash', 'shell', 'console'].includes(language)) {
      const tag = open[2].trim();
      if (language !== 'sh' || !(tag in BLOCK_KINDS)) {
        throw new ReadmeBlockError(
          `line ${i + 1}: a shell block must be \`\`\`sh <${Object.keys(BLOCK_KINDS).join('|')}>, got \`\`\`${language} ${tag}`,
        );
      }
      blocks.push({ kind: tag as BlockKind, text: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    }
    i = end;
  }
  return blocks;
}

/** `pulumi config set [--secret] KEY ...` and `--config KEY=...` keys, namespace removed (aws:* kept). */
export function configKeysNamed(text: string, project: string): string[] {
  const keys: string[] = [];
  for (const m of text.matchAll(/pulumi config set\s+(?:--secret\s+)?([^\s-][^\s=]*)/g)) keys.push(m[1]);
  for (const m of text.matchAll(/--config[ =]([^\s=]+)=/g)) keys.push(m[1]);
  return keys.map((k) => (k.startsWith(`${project}:`) ? k.slice(project.length + 1) : k));
}

/** `pulumi stack output NAME` and `npm run -s stack-output -- NAME` names. */
export function stackOutputsNamed(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/(?:pulumi stack output|stack-output --)\s+([A-Za-z_]\w*)/g)) names.push(m[1]);
  return names;
}

/**
 * `npm run [FLAGS] SCRIPT` names. npm's flags (`-s`, `--silent`, `--if-present`, …) may come before the script's
 * name; the first word that is not a flag is the script.
 */
export function npmScriptsNamed(text: string): string[] {
  return [...text.matchAll(/npm run(?:\s+--?[\w-]+)*\s+([\w:][\w:-]*)/g)].map((m) => m[1]);
}

/** The ports of the README's commands replaced by the ones this run uses, as a user on other ports would. */
export function substitutePorts(text: string, ports: Record<number, number>): string {
  return text.replace(/\b(\d{4,5})\b/g, (whole, port: string) => String(ports[Number(port)] ?? whole));
}
