/**
 * The README's commands are tests (see readme-blocks.ts for the tags). Every shell block is syntax-checked and the
 * config keys, stack outputs and npm scripts it names must exist; then the local blocks run, in order, as a
 * newcomer would type them: `npm start` and the carrier server in the background, the rest in one shell, on free
 * ports substituted for the README's 3000/4566/9000, with a throwaway data directory and no AWS settings but
 * the ones the README itself exports.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PlainConfigKeys, SecretConfigKeys } from '../../infra/config';
import { LOCK_FILE } from '../../local/data-dir-lock';
import { findFreePorts } from '../../local/services/kernel/free-port';
import {
  configKeysNamed,
  npmScriptsNamed,
  ShellBlock,
  shellBlocks,
  stackOutputsNamed,
  substitutePorts,
} from './readme-blocks';

const root = path.join(__dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = shellBlocks(readme);
const project = 'order-event-gateway';
const configKeys = new Set<string>([...PlainConfigKeys, ...SecretConfigKeys, 'aws:region']);
const stackOutputs = new Set(
  [...readFileSync(path.join(root, 'index.ts'), 'utf8').matchAll(/^export const (\w+)/gm)].map((m) => m[1]),
);
const scripts = new Set(
  Object.keys(
    (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
  ),
);

const where = (block: ShellBlock): string => `README.md:${block.line} (${block.kind})`;
const hasAwsCli = spawnSync('sh', ['-c', 'command -v aws'], { stdio: 'ignore' }).status === 0;

describe('README commands: checked', () => {
  it('tags every shell block and has runnable ones', () => {
    expect(blocks.filter((b) => b.kind === 'local').length).toBeGreaterThan(5);
    expect(blocks.filter((b) => b.kind === 'aws').length).toBeGreaterThan(3);
  });

  it.each(blocks.map((b) => [where(b), b]))('%s is valid bash', (_where, block) => {
    const result = spawnSync('bash', ['-n'], { input: (block as ShellBlock).text, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it("reads npm script names past npm's own flags", () => {
    expect(
      npmScriptsNamed('npm run token -- --customer a && npm run -s token && npm run --silent stack-output -- x'),
    ).toEqual(['token', 'token', 'stack-output']);
    expect(npmScriptsNamed('X=$(npm run -s --if-present capacity:docs)')).toEqual(['capacity:docs']);
  });

  it('names only config keys, stack outputs and npm scripts that exist', () => {
    const unknown: string[] = [];
    for (const block of blocks) {
      for (const key of configKeysNamed(block.text, project))
        if (!configKeys.has(key)) unknown.push(`${where(block)}: config key ${key}`);
      for (const name of stackOutputsNamed(block.text))
        if (!stackOutputs.has(name)) unknown.push(`${where(block)}: stack output ${name}`);
      for (const name of npmScriptsNamed(block.text))
        if (!scripts.has(name)) unknown.push(`${where(block)}: npm script ${name}`);
    }
    expect(unknown).toEqual([]);
    expect(blocks.flatMap((b) => configKeysNamed(b.text, project))).toEqual(
      expect.arrayContaining(['aws:region', 'carrierEndpoint', 'carrierApiKey', 'callbackToken']),
    );
  });

  it('documents exactly the config keys the program reads', () => {
    const section = readme.slice(
      readme.indexOf('## Configuration'),
      readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
    );
    const documented = [...section.matchAll(/^\| `([\w:]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual([...configKeys].sort());
  });
});

interface Background {
  block: ShellBlock;
  child: ChildProcess;
  output: string;
  exited?: number | null;
}

function waitFor(check: () => boolean, timeoutMs: number, what: string, output: () => string): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs)
        reject(new Error(`${what}: gave up after ${timeoutMs} ms\n--- output ---\n${output()}`));
      else setTimeout(tick, 200);
    };
    tick();
  });
}

async function stopBackground(bg: Background): Promise<void> {
  if (bg.exited !== undefined) return;
  try {
    process.kill(-(bg.child.pid as number), 'SIGINT');
  } catch {
    return;
  }
  await waitFor(
    () => bg.exited !== undefined,
    30_000,
    `stopping ${where(bg.block)}`,
    () => bg.output,
  ).catch(() => {
    process.kill(-(bg.child.pid as number), 'SIGKILL');
  });
}

describe('README commands: the local ones run', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'readme-'));
  const backgrounds: Background[] = [];
  let shell: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let ports: Record<number, number>;

  beforeAll(async () => {
    const [api, edge, carrier] = await findFreePorts(3);
    ports = { 3000: api, 4566: edge, 9000: carrier };
    // Nothing of this machine's AWS or local-cloud settings: only what the README sets.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^AWS_|^PORT$|^LOCAL_DATA_DIR$/.test(k)),
    );
    env = {
      ...inherited,
      PORT: String(ports[3000]),
      AWS_EDGE_PORT: String(ports[4566]),
      LOCAL_DATA_DIR: dataDir,
      AWS_CONFIG_FILE: path.join(dataDir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dataDir, 'no-aws-credentials'),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  });

  afterAll(async () => {
    shell?.kill('SIGKILL');
    for (const bg of backgrounds) await stopBackground(bg);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs every local block in order, and npm start stops cleanly on Ctrl-C', async () => {
    const transcript: string[] = [];
    let shellOutput = '';
    let shellExit: number | null | undefined;
    shell = spawn('bash', ['--noprofile', '--norc'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    shell.stdout?.on('data', (chunk: Buffer) => (shellOutput += chunk.toString('utf8')));
    shell.stderr?.on('data', (chunk: Buffer) => (shellOutput += chunk.toString('utf8')));
    shell.on('exit', (code) => (shellExit = code));
    shell.stdin?.write('set -eo pipefail\n');

    let index = 0;
    for (const block of blocks) {
      index += 1;
      const text = substitutePorts(block.text, ports);
      if (block.kind === 'local-background') {
        // A new `npm start` replaces the previous one (the README says to stop it first: its data directory is locked).
        if (/\bnpm start\b/.test(text)) {
          for (const bg of backgrounds.filter((b) => /\bnpm start\b/.test(b.block.text))) {
            await stopBackground(bg);
            expect([where(bg.block), bg.output]).toEqual([where(bg.block), expect.stringContaining('Stopped.')]);
            expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
          }
        }
        const child = spawn('bash', ['-c', text], {
          cwd: root,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const bg: Background = { block, child, output: '' };
        child.stdout?.on('data', (chunk: Buffer) => (bg.output += chunk.toString('utf8')));
        child.stderr?.on('data', (chunk: Buffer) => (bg.output += chunk.toString('utf8')));
        child.on('exit', (code) => (bg.exited = code));
        backgrounds.push(bg);
        await waitFor(
          () => /^(Ready\.|Listening on )/m.test(bg.output) || bg.exited !== undefined,
          180_000,
          where(block),
          () => bg.output,
        );
        expect([where(block), bg.exited, bg.output]).toEqual([
          where(block),
          undefined,
          expect.stringMatching(/^(Ready\.|Listening on )/m),
        ]);
        transcript.push(`${where(block)} started`);
      } else if (block.kind === 'local' || (block.kind === 'local-aws' && hasAwsCli)) {
        const marker = `__README_BLOCK_${index}_DONE__`;
        const from = shellOutput.length;
        shell.stdin?.write(`${text}\necho ${marker}\n`);
        await waitFor(
          () => shellOutput.includes(marker) || shellExit !== undefined,
          120_000,
          where(block),
          () => shellOutput.slice(from),
        );
        expect([where(block), shellExit, shellOutput.slice(from)]).toEqual([
          where(block),
          undefined,
          expect.stringContaining(marker),
        ]);
        transcript.push(`${where(block)} ran`);
      }
    }
    // The runs did what the README says they show.
    const carrier = backgrounds.find((b) => /carrier-server/.test(b.block.text));
    expect(carrier?.output).toMatch(/idempotency-key: [0-9a-f-]{36}/);
    expect(carrier?.output).toContain('"state":"pending"');
    expect(carrier?.output).toContain('"state":"cancelled"');
    expect(shellOutput).toContain('"state": "shipped"');
    expect(shellOutput).toContain('{"message":"Unauthorized"} 401');
    expect(shellOutput).toContain('{"message":"Forbidden"} 403');
    if (hasAwsCli) {
      // The logs blocks: the capture's log line found by a filter pattern, and the last order traced to its end.
      expect(shellOutput).toMatch(/"Order captured"/);
      expect(shellOutput).toMatch(/^Trace of [0-9a-f-]{36}: \d+ hop\(s\)/m);
      expect(shellOutput).toMatch(/^final state: cancelled$/m);
    }
    expect(transcript.length).toBeGreaterThan(8);
  }, 600_000);
});
