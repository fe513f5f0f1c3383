import * as path from 'node:path';
import { archiveFiles } from '../../../local/model/assets';
import { classifyResources } from '../../../local/model/emulation';
import { loadStackGraph } from '../../../local/model/load';

const projectDir = path.join(__dirname, 'fixtures', 'project');

describe('loadStackGraph (fixture program under the shared mocks)', () => {
  it('runs the program with the stack config, placeholders and overrides, and returns graph and outputs', async () => {
    // Act
    const graph = await loadStackGraph({ projectDir, stack: 'test', configOverrides: { greeting: 'bonjour' } });
    // Assess
    expect(graph.outputs.greeting).toBe('bonjour');
    expect(graph.region).toBe('eu-west-1');
    const [fn] = graph.ofType('aws:lambda/function:Function');
    expect(fn.state.environment.variables.GREETING).toBe('bonjour');
    expect(fn.state.environment.variables.TOKEN).toMatch(/^local-token-[0-9a-f]{8}$/);
    expect(graph.config.placeholders).toEqual(['fixture-shop:token']);
    const [queue] = graph.ofType('aws:sqs/queue:Queue');
    expect(fn.state.environment.variables.QUEUE_URL).toBe(queue.state.url);
    expect(graph.outputs.queueUrl).toBe(queue.state.url);
    expect(graph.byArn(fn.state.arn)).toBe(fn);
    expect(graph.byName('worker')).toBe(fn);
    expect(graph.byUrn(fn.urn)).toBe(fn);
    // The bundle arrives as an archive of text assets.
    expect(archiveFiles(fn.state.code, projectDir)).toEqual({ 'index.js': 'exports.handler = async () => "hi";' });
    // Every resource is either emulated or listed as not emulated.
    const classes = classifyResources(graph);
    expect([...classes.emulated.keys()].sort()).toEqual(['aws:lambda/function:Function', 'aws:sqs/queue:Queue']);
    expect([...classes.notEmulated.keys()]).toEqual(['aws:iam/role:Role']);
  });

  it('fails clearly for a stack without a config file', async () => {
    await expect(loadStackGraph({ projectDir, stack: 'nope' })).rejects.toThrow(/Stack "nope" has no config file/);
  });
});
