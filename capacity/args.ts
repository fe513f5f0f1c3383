/**
 * The capacity command's arguments: parsed and checked here, purely, so that nonsense gets one clear line.
 */
import { Scenario } from './model';
import { isKnownRegion } from './quotas';

export interface CapacityArgs {
  scenario: Scenario;
  region?: string;
  json: boolean;
  profile: 'aws' | 'local';
  carrierErrorRate: number;
  stack?: string;
  config: Record<string, string>;
}

export class UsageError extends Error {}

export const USAGE =
  'usage: npm run capacity -- --rate <orders/s> --duration <s> [--burst <orders/s>:<s>] [--region <r>] [--json] ' +
  '[--carrier-errors <0..1>] [--profile aws|local] [--stack <name>] [--config key=value]';

function positive(name: string, raw: string | undefined, allowZero: boolean): number {
  if (raw === undefined || raw.trim() === '') throw new UsageError(`${name} needs a value`);
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new UsageError(`${name} must be a number, got "${raw}"`);
  if (n < 0) throw new UsageError(`${name} must not be negative, got ${raw}`);
  if (n === 0 && !allowZero) throw new UsageError(`${name} must be greater than zero`);
  return n;
}

export function parseArgs(argv: readonly string[]): CapacityArgs {
  let rate: number | undefined;
  let duration: number | undefined;
  let burst: Scenario['burst'];
  let region: string | undefined;
  let json = false;
  let profile: 'aws' | 'local' = 'aws';
  let carrierErrorRate = 0;
  let stack: string | undefined;
  const config: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && !/^--?\d/.test(next)))
        throw new UsageError(`${flag} needs a value`);
      i++;
      return next;
    };
    switch (flag) {
      case '--rate':
        rate = positive('--rate', value(), true);
        break;
      case '--duration':
        duration = positive('--duration', value(), false);
        break;
      case '--burst': {
        const raw = value();
        const m = /^([^:]+):([^:]+)$/.exec(raw);
        if (!m) throw new UsageError(`--burst must be <orders/s>:<seconds>, got "${raw}"`);
        burst = {
          rate: positive('--burst rate', m[1], false),
          seconds: positive('--burst seconds', m[2], false),
          atSeconds: 0,
        };
        break;
      }
      case '--region': {
        const r = value();
        if (!isKnownRegion(r)) throw new UsageError(`unknown region "${r}"`);
        region = r;
        break;
      }
      case '--json':
        json = true;
        break;
      case '--profile': {
        const p = value();
        if (p !== 'aws' && p !== 'local') throw new UsageError(`--profile must be aws or local, got "${p}"`);
        profile = p;
        break;
      }
      case '--carrier-errors': {
        const e = positive('--carrier-errors', value(), true);
        if (e > 1) throw new UsageError(`--carrier-errors is a share between 0 and 1, got ${e}`);
        carrierErrorRate = e;
        break;
      }
      case '--stack':
        stack = value();
        break;
      case '--config': {
        const kv = value();
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(`--config must be key=value, got "${kv}"`);
        config[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case '--help':
      case '-h':
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  }
  if (rate === undefined) throw new UsageError('--rate is required');
  if (duration === undefined) throw new UsageError('--duration is required');
  if (rate === 0 && burst === undefined) throw new UsageError('--rate must be greater than zero (or give a --burst)');
  return {
    scenario: { rate, durationSeconds: duration, burst },
    region,
    json,
    profile,
    carrierErrorRate,
    stack,
    config,
  };
}
