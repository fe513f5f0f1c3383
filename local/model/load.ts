/**
 * Runs the Pulumi program (Pulumi.yaml's `main`, default index.ts) in this process under the shared mocks and
 * returns what it declared: the resource graph and the stack outputs. Nothing is deployed; the mocks compute the
 * ids, names and ARNs AWS would return.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';
import { ResolvedConfig, parseProjectFile, resolveConfig, type PlaceholderMaker } from './config';
import { configSecretName, type LocalSecretStore, randomSecretName } from './local-secrets';
import { GraphResource, ResourceGraph } from './graph';
import { resolveOutputs, setStackMocks, settle } from './pulumi-mocks';

export interface LoadStackOptions {
  stack?: string;
  /** `--config` overrides: keys with or without a namespace. */
  configOverrides?: Record<string, string>;
  /** Where Pulumi.yaml lives (default: the current directory). */
  projectDir?: string;
  /**
   * Where made-up secrets come from (random-provider results, stand-ins for `secure:` config). Unset → the mocks'
   * deterministic values, which anyone who has read the repository can predict: tests only.
   */
  secrets?: LocalSecretStore;
}

/** The graph plus what else the run produced. */
export class StackGraph extends ResourceGraph {
  constructor(
    resources: readonly GraphResource[],
    readonly outputs: Record<string, unknown>,
    readonly config: ResolvedConfig,
    readonly accountId: string,
    readonly region: string,
    /** Names of the outputs the program marked secret (shown masked, as `pulumi stack output` does). */
    readonly secretOutputs: readonly string[] = [],
  ) {
    super(resources);
  }
}

/**
 * Forgets the program's own modules (not node_modules) so a second load in the same process runs the program
 * again. (Under jest, whose module registry is its own, a test runs one load per file.)
 */
function forgetProgramModules(projectDir: string): void {
  const root = path.resolve(projectDir) + path.sep;
  const nodeModules = `${path.sep}node_modules${path.sep}`;
  const mocksModule = require.resolve('./pulumi-mocks');
  for (const file of Object.keys(require.cache)) {
    if (file.startsWith(root) && !file.includes(nodeModules) && file !== mocksModule) delete require.cache[file];
  }
}

export async function loadStackGraph(options: LoadStackOptions = {}): Promise<StackGraph> {
  const projectDir = path.resolve(options.projectDir ?? process.cwd());
  const stack = options.stack ?? 'dev';
  const projectFile = path.join(projectDir, 'Pulumi.yaml');
  if (!existsSync(projectFile)) throw new Error(`No Pulumi.yaml in ${projectDir}`);
  const project = parseProjectFile(readFileSync(projectFile, 'utf8'));
  const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(stackFile)) throw new Error(`Stack "${stack}" has no config file (${stackFile})`);
  const secrets = options.secrets;
  const placeholder: PlaceholderMaker | undefined = secrets
    ? (_stack, key, ciphertext) => {
        const shortKey = key.slice(key.lastIndexOf(':') + 1);
        const which = createHash('sha256').update(ciphertext).digest('hex').slice(0, 8);
        return `local-${shortKey}-${secrets.value(configSecretName(`${key}#${which}`), 32)}`;
      }
    : undefined;
  const config = resolveConfig(
    project,
    stack,
    readFileSync(stackFile, 'utf8'),
    options.configOverrides ?? {},
    placeholder,
  );

  const region = config.values['aws:region'];
  const randomValue = secrets
    ? (logical: string, length: number) => secrets.value(randomSecretName(logical), length)
    : undefined;
  const mocks = setStackMocks({
    project: project.name,
    stack,
    config: config.values,
    secretKeys: config.secretKeys,
    region,
    randomValue,
  });
  forgetProgramModules(projectDir);
  const programPath = path.resolve(projectDir, project.main ?? 'index.ts');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program must run now, under the mocks just installed
  const program = require(programPath) as Record<string, unknown>;
  const outputs = await resolveOutputs(program);
  const secretOutputs: string[] = [];
  for (const [name, value] of Object.entries(program)) {
    if (pulumi.Output.isInstance(value) && (await pulumi.isSecret(value))) secretOutputs.push(name);
  }
  await settle();
  return new StackGraph([...mocks.resources], outputs, config, mocks.accountId, mocks.region, secretOutputs);
}
