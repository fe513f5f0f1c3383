/**
 * `npm run capacity -- --rate <orders/s> --duration <s> [--burst <orders/s>:<s>] [--region <r>] [--json]`
 *
 * Runs the Pulumi program under the local cloud's mocks to get its resource graph (nothing is deployed, no AWS
 * call is made), reads the order's path from it, and models it with AWS's quotas for the region. Nonsense
 * arguments get one line on stderr and exit code 2.
 */
import * as path from 'node:path';
import { loadStackGraph } from '../local/model/load';
import { parseArgs, UsageError } from './args';
import { AWS_PROFILE, LOCAL_PROFILE } from './profiles';
import { isKnownRegion } from './quotas';
import { analyse, renderText } from './report';
import { readStackPipeline } from './stack-reader';

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`capacity: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const projectDir = path.resolve(__dirname, '..');
  const overrides = { ...args.config, ...(args.region ? { 'aws:region': args.region } : {}) };
  const graph = await loadStackGraph({ projectDir, stack: args.stack, configOverrides: overrides });
  if (!isKnownRegion(graph.region)) {
    process.stderr.write(`capacity: unknown region "${graph.region}"\n`);
    return 2;
  }
  const stack = readStackPipeline(graph, graph.region);
  const local = args.profile === 'local';
  const report = analyse(stack, local ? LOCAL_PROFILE : AWS_PROFILE, args.scenario, {
    carrierErrorRate: args.carrierErrorRate,
    streamShards: local ? 1 : undefined,
  });
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderText(report)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`capacity: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
