import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TRUST_CONTEXT_KEYS } from '../../infra/policies';
import { isBroadManagedPolicy, permissionProblems, trustContextFromDocs, trustProblems } from './helpers/iam-lint';
import { loadStack, T, type LoadedStack } from './helpers/stack';

const trustTable = trustContextFromDocs(
  readFileSync(path.join(__dirname, '..', '..', 'docs', 'trust-policies.md'), 'utf8'),
);

describe('least privilege across the whole stack', () => {
  let stack: LoadedStack;
  beforeAll(async () => {
    // The largest stack: chat notifier included.
    stack = await loadStack({
      config: { chatWebhookUrl: 'https://hooks.slack.com/services/T0/B0/x' },
      secretKeys: ['chatWebhookUrl'],
    });
  });

  it('finds every policy document the stack declares', () => {
    // Prepare / Act
    const documents = stack.resources.flatMap((r) =>
      Object.keys(r.inputs)
        .filter((k) => /^policy$|policyDocument$|Policy$/.test(k))
        .map((k) => `${r.type}.${k}`),
    );

    // Assess: every policy-carrying input is one this test inspects below
    expect(new Set(documents)).toEqual(
      new Set([
        `${T.role}.assumeRolePolicy`,
        `${T.rolePolicy}.policy`,
        `${T.queuePolicy}.policy`,
        `${T.logResourcePolicy}.policyDocument`,
        `${T.target}.retryPolicy`,
        `${T.topicPolicy}.policy`,
        // Not an IAM document: the user pool's password rules.
        'aws:cognito/userPool:UserPool.passwordPolicy',
      ]),
    );
  });

  it('has no wildcard action and no "*" resource in any role policy, queue policy, log resource policy or topic policy', () => {
    // Prepare
    const documents = [
      ...stack.ofType(T.rolePolicy).map((r) => [r.name, r.inputs.policy] as const),
      ...stack.ofType(T.queuePolicy).map((r) => [r.name, r.inputs.policy] as const),
      ...stack.ofType(T.logResourcePolicy).map((r) => [r.name, r.inputs.policyDocument] as const),
      ...stack.ofType(T.topicPolicy).map((r) => [r.name, r.inputs.policy] as const),
    ];

    // Act
    const problems = documents.flatMap(([name, json]) => permissionProblems(JSON.parse(json), name));

    // Assess
    // 11 role policies (6 functions, API, pipe, 3 API-destination invokers), 7 DLQ queue policies, 1 log policy,
    // 1 alert topic policy
    expect(documents).toHaveLength(20);
    expect(problems).toEqual([]);
  });

  it('pins every trust policy to one AWS service with exactly the condition keys that service provides', () => {
    // Prepare
    const roles = stack.ofType(T.role);

    // Act
    const problems = roles.flatMap((r) => trustProblems(JSON.parse(r.inputs.assumeRolePolicy), r.name, trustTable));

    // Assess
    expect(roles.length).toBe(11);
    expect(problems).toEqual([]);
  });

  it('attaches no managed policy, let alone a broad one', () => {
    // Prepare / Act
    const attached = [
      ...stack.ofType(T.rolePolicyAttachment).map((a) => a.inputs.policyArn),
      ...stack.ofType(T.role).flatMap((r) => r.inputs.managedPolicyArns ?? []),
    ];

    // Assess
    expect(attached.filter(isBroadManagedPolicy)).toEqual([]);
    expect(attached).toEqual([]);
  });

  it('grants Lambda invoke permissions for one action each, scoped to a source except the public carrier-mock URL', () => {
    // Prepare
    const permissions = stack.ofType(T.permission);

    // Act
    const unscoped = permissions
      .filter((p) => p.inputs.sourceArn === undefined)
      .map((p) => p.name)
      .sort();

    // Assess
    for (const p of permissions) expect(p.inputs.action).toMatch(/^lambda:InvokeFunction(Url)?$/);
    expect(unscoped).toEqual(['carrier-mock-url-invoke', 'carrier-mock-url-public']);
  });
});

describe('the IAM linter itself', () => {
  it('catches each kind of over-broad statement', () => {
    // Prepare
    const doc = {
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: 'arn:aws:sqs:us-east-1:123456789012:q' },
        { Effect: 'Allow', Action: ['sqs:*'], Resource: ['arn:aws:sqs:us-east-1:123456789012:q'] },
        { Effect: 'Allow', Action: ['dynamodb:Get*'], Resource: ['arn:aws:dynamodb:us-east-1:123456789012:table/t'] },
        { Effect: 'Allow', Action: ['events:PutEvents'], Resource: '*' },
        { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: 'arn:aws:sqs:us-east-1:123456789012:*' },
        { Effect: 'Allow', NotAction: ['iam:*'], Resource: 'arn:aws:sqs:us-east-1:123456789012:q' },
      ],
    };

    // Act
    const problems = permissionProblems(doc, 'bad');

    // Assess
    expect(problems).toEqual([
      'bad: action "*"',
      'bad: service-wide action "sqs:*"',
      'bad: wildcard action "dynamodb:Get*"',
      'bad: resource "*" for events:PutEvents, which AWS lets you scope',
      'bad: wildcard resource "arn:aws:sqs:us-east-1:123456789012:*"',
      'bad: NotAction grants everything else',
      'bad: statement without actions',
    ]);
    expect(
      permissionProblems(
        {
          Statement: [{ Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:/g:*' }],
        },
        'ok',
      ),
    ).toEqual([]);
  });

  it('catches trust policies with a broad principal, a missing pin, or a condition on a key the service does not provide', () => {
    // Prepare / Act
    const broad = trustProblems(
      { Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { AWS: '*' } }] },
      'trust',
      trustTable,
    );
    const apiGateway = trustProblems(
      {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { Service: 'apigateway.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '1' } },
          },
        ],
      },
      'api',
      trustTable,
    );
    const lambda = trustProblems(
      { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] },
      'fn',
      trustTable,
    );

    // Assess
    expect(broad).toEqual([
      'trust: trust statement allows ["sts:AssumeRole","sts:TagSession"]',
      'trust: trust principal is not one AWS service',
    ]);
    expect(apiGateway).toEqual([
      'api: trust conditions on aws:SourceAccount, which apigateway.amazonaws.com does not provide',
    ]);
    expect(lambda).toEqual(['fn: trust without a aws:SourceAccount condition']);
    expect(isBroadManagedPolicy('arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess')).toBe(true);
    expect(isBroadManagedPolicy('arn:aws:iam::aws:policy/AdministratorAccess')).toBe(true);
  });
});

describe('docs/trust-policies.md', () => {
  it('states the same condition keys per service as the code that builds the trust policies', () => {
    // Prepare / Act / Assess
    expect(trustTable).toEqual(
      Object.fromEntries(Object.entries(TRUST_CONTEXT_KEYS).map(([service, keys]) => [service, [...keys]])),
    );
  });
});
