import { evaluate } from '../../../local/iam/evaluate';
import { PolicyError, parsePolicy } from '../../../local/iam/policy';
import { EVALUATOR_CASES } from './evaluator-cases';

describe('the IAM evaluator on AWS’s documented examples', () => {
  test.each(EVALUATOR_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // Prepare
    const identity = (c.identity ?? []).map((doc, i) => parsePolicy(doc, 'identity', `identity-${i}`));
    const resource = (c.resource ?? []).map((doc, i) => parsePolicy(doc, 'resource', `resource-${i}`));

    // Act
    const result = evaluate(
      { caller: c.caller, action: c.action, resource: c.resourceArn, context: c.context },
      identity,
      resource,
    );

    // Assess
    expect({ decision: result.decision, source: c.source }).toEqual({ decision: c.expected, source: c.source });
  });

  it('every case cites an AWS documentation page', () => {
    for (const c of EVALUATOR_CASES) expect(c.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });

  it('names the statements that decided', () => {
    const [allow, deny] = [
      parsePolicy(
        { Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] },
        'identity',
        'p1',
      ),
      parsePolicy(
        { Version: '2012-10-17', Statement: [{ Sid: 'D', Effect: 'Deny', Action: 'sqs:DeleteQueue', Resource: '*' }] },
        'identity',
        'p2',
      ),
    ];
    const caller = { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/r', sessionName: 's' } as const;
    expect(
      evaluate(
        { caller, action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:123456789012:q' },
        [allow, deny],
        [],
      ).statements,
    ).toEqual([{ policy: 'p1', kind: 'identity', sid: 'A' }]);
    expect(
      evaluate(
        { caller, action: 'sqs:DeleteQueue', resource: 'arn:aws:sqs:us-east-1:123456789012:q' },
        [allow, deny],
        [],
      ).statements,
    ).toEqual([{ policy: 'p2', kind: 'identity', sid: 'D' }]);
  });

  it('a role named in a resource policy by account only gets nothing from it (the identity policy must allow)', () => {
    const bucket = parsePolicy(
      {
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:root' },
          Action: 's3:GetObject',
          Resource: '*',
        },
      },
      'resource',
      'bucket',
    );
    const caller = { type: 'role', roleArn: 'arn:aws:iam::123456789012:role/r', sessionName: 's' } as const;
    expect(evaluate({ caller, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }, [], [bucket]).decision).toBe(
      'ImplicitDeny',
    );
  });
});

describe('policy documents are validated as IAM validates them', () => {
  const bad: [string, unknown, 'identity' | 'resource'][] = [
    ['not JSON', '{', 'identity'],
    [
      'an unknown Effect',
      { Version: '2012-10-17', Statement: { Effect: 'Maybe', Action: 's3:*', Resource: '*' } },
      'identity',
    ],
    [
      'both Action and NotAction',
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', NotAction: 'iam:*', Resource: '*' } },
      'identity',
    ],
    ['no Action', { Version: '2012-10-17', Statement: { Effect: 'Allow', Resource: '*' } }, 'identity'],
    [
      'a Principal in an identity policy',
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' } },
      'identity',
    ],
    [
      'no Principal in a resource policy',
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } },
      'resource',
    ],
    [
      'an unknown operator',
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringSortOf: { k: 'v' } } },
      },
      'identity',
    ],
    [
      'Null with IfExists',
      {
        Version: '2012-10-17',
        Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { NullIfExists: { k: 'true' } } },
      },
      'identity',
    ],
    [
      'an unknown element',
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*', Resources: '*' } },
      'identity',
    ],
    ['a bad Version', { Version: '2020-01-01', Statement: [] }, 'identity'],
  ];
  test.each(bad)('refuses %s', (_what, doc, kind) => {
    expect(() => parsePolicy(doc as string, kind, 'doc')).toThrow(PolicyError);
  });
});
