import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseStackOutputArgs, runStackOutputCli } from '../../local/stack-output-cli';
import { StackOutputsError, writeStackOutputs } from '../../local/stack-outputs';

describe('npm run stack-output (as pulumi stack output)', () => {
  let dir: string;
  const run = (argv: string[]): { out: string[]; err: string[] } => {
    const out: string[] = [];
    const err: string[] = [];
    runStackOutputCli(
      argv,
      (l) => out.push(l),
      (l) => err.push(l),
      { LOCAL_DATA_DIR: dir },
    );
    return { out, err };
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'outputs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one value bare, masks secrets unless --show-secrets, and lists all in a table', () => {
    // Prepare
    const file = writeStackOutputs(dir, {
      stack: 'dev',
      outputs: { apiUrl: 'http://127.0.0.1:3000/', token: 's3cret', header: { name: 'x-api-key', value: 'k' } },
      secretOutputs: ['token', 'header'],
    });
    // Act
    const apiUrl = run(['apiUrl']);
    const masked = run(['token']);
    const shown = run(['token', '--show-secrets']);
    const header = run(['header', '--show-secrets', '--json']);
    const all = run([]);
    // Assess
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(apiUrl.out).toEqual(['http://127.0.0.1:3000/']);
    expect(apiUrl.err[0]).toMatch(/no local cloud is running on .*: these are the outputs of its last run, stack dev/);
    expect(masked.out).toEqual(['[secret]']);
    expect(shown.out).toEqual(['s3cret']);
    expect(JSON.parse(header.out[0])).toEqual({ name: 'x-api-key', value: 'k' });
    expect(all.out[0]).toBe('Current stack outputs (3):');
    expect(all.out.join('\n')).toMatch(/token\s+\[secret\]/);
    expect(all.out.join('\n')).not.toContain('s3cret');
  });

  it('answers an unknown output, an unknown option and a data directory nothing ran on with plain errors', () => {
    // Act / Assess
    expect(() => run(['apiUrl'])).toThrow(/No local cloud has run on .* yet/);
    writeStackOutputs(dir, { stack: 'dev', outputs: { apiUrl: 'x' }, secretOutputs: [] });
    expect(() => run(['nope'])).toThrow(
      new StackOutputsError("current stack does not have output property 'nope' (it has: apiUrl)"),
    );
    expect(() => parseStackOutputArgs(['--bogus'], {})).toThrow(/Unknown option --bogus/);
    expect(run(['--help']).out[0]).toContain('--show-secrets');
  });
});
