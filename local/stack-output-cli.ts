/**
 * `npm run -s stack-output -- [NAME] [--show-secrets] [--json] [--data-dir DIR]`: the local cloud's stack outputs,
 * as `pulumi stack output` prints a deployed stack's (see stack-outputs.ts). With a NAME it prints that value
 * alone, so `$(npm run -s stack-output -- <name> --show-secrets)` works as it does with pulumi.
 */
import * as path from 'node:path';
import { readDataDirLock } from './data-dir-lock';
import { readStackOutputs, showStackOutputs, StackOutputsError } from './stack-outputs';

export const STACK_OUTPUT_USAGE = `Usage: npm run -s stack-output -- [NAME] [--show-secrets] [--json] [--data-dir DIR]
  NAME            print only this output's value (a string bare, anything else as JSON)
  --show-secrets  show secret outputs' values instead of [secret]
  --json          print JSON
  --data-dir DIR  the local cloud's data directory (default $LOCAL_DATA_DIR, else .local)
The outputs are those of the last \`npm start\` on that data directory, with AWS URLs shown as their local equivalents.`;

export interface StackOutputCliOptions {
  name?: string;
  showSecrets: boolean;
  json: boolean;
  dataDir: string;
  help: boolean;
}

export function parseStackOutputArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): StackOutputCliOptions {
  const options: StackOutputCliOptions = {
    showSecrets: false,
    json: false,
    dataDir: env.LOCAL_DATA_DIR || '.local',
    help: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--show-secrets') options.showSecrets = true;
    else if (arg === '--json' || arg === '-j') options.json = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--data-dir') {
      const next = argv[i + 1];
      if (next === undefined) throw new StackOutputsError('--data-dir needs a value');
      options.dataDir = next;
      i += 1;
    } else if (arg.startsWith('-')) throw new StackOutputsError(`Unknown option ${arg}\n${STACK_OUTPUT_USAGE}`);
    else if (options.name === undefined) options.name = arg;
    else throw new StackOutputsError(`Only one output name may be given, got "${options.name}" and "${arg}"`);
  }
  return options;
}

export function runStackOutputCli(
  argv: string[],
  out: (line: string) => void,
  err: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const options = parseStackOutputArgs(argv, env);
  if (options.help) {
    out(STACK_OUTPUT_USAGE);
    return;
  }
  const dataDir = path.resolve(options.dataDir);
  const stored = readStackOutputs(dataDir);
  if (!stored)
    throw new StackOutputsError(
      `No local cloud has run on ${options.dataDir} yet: start one with npm start${options.dataDir === '.local' ? '' : ` -- --data-dir ${options.dataDir}`}.`,
    );
  if (!readDataDirLock(dataDir))
    err(
      `(no local cloud is running on ${options.dataDir}: these are the outputs of its last run, stack ${stored.stack})`,
    );
  for (const line of showStackOutputs(stored, options)) out(line);
}

if (require.main === module) {
  try {
    runStackOutputCli(
      process.argv.slice(2),
      (l) => console.log(l),
      (l) => console.error(l),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof StackOutputsError ? 2 : 1);
  }
}
