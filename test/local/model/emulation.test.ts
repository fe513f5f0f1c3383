import { classifyResources } from '../../../local/model/emulation';
import type { ResourceGraph } from '../../../local/model/graph';

function graphOf(...types: string[]): ResourceGraph {
  return {
    resources: types.map((type, i) => ({ type, name: `r${i}`, urn: `urn:${i}`, custom: true, state: {} })),
  } as unknown as ResourceGraph;
}

describe('classifyResources', () => {
  const graph = graphOf(
    'aws:sqs/queue:Queue',
    'aws:iam/role:Role',
    'aws:sqs/queuePolicy:QueuePolicy',
    'aws:sns/topic:Topic',
  );

  it('counts the policies IAM enforcement reads as emulated while it is on', () => {
    // Act
    const classes = classifyResources(graph, { iamEnforced: true });

    // Assess
    expect([...classes.emulated.keys()].sort()).toEqual([
      'aws:iam/role:Role',
      'aws:sqs/queue:Queue',
      'aws:sqs/queuePolicy:QueuePolicy',
    ]);
    expect([...classes.notEmulated.keys()]).toEqual(['aws:sns/topic:Topic']);
  });

  it('lists them as not emulated with --iam off, when nothing reads them', () => {
    // Act
    const classes = classifyResources(graph, { iamEnforced: false });

    // Assess
    expect([...classes.notEmulated.keys()].sort()).toEqual([
      'aws:iam/role:Role',
      'aws:sns/topic:Topic',
      'aws:sqs/queuePolicy:QueuePolicy',
    ]);
  });
});
