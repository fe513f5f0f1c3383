/**
 * Which condition keys each AWS service puts in the request context when it assumes a role or calls through a
 * resource policy on this kind of stack's paths: the ONE table of these facts. The hops (hops.ts) build their
 * requests from it and docs/iam.md shows it (generated from this table; a test keeps the two equal).
 *
 * AWS publishes no complete list. Where AWS documents a key, the row says so; where a key is only observed on
 * live deployments, it says that; where nothing is documented, the key is treated as ABSENT (the conservative
 * reading: a policy that requires it is reported as denied, because on AWS a condition on an absent key fails).
 */
import type { ContextValue } from './patterns';

export type Evidence = 'documented' | 'observed' | 'undocumented';

/** The values a hop knows and a fact may pass on. */
export interface HopValues {
  account: string;
  /** The calling resource: a rule, a pipe, an API route or authorizer. */
  sourceArn?: string;
}

export interface KeyFact {
  key: string;
  /** What the value is, in words. */
  value: string;
  present: boolean;
  evidence: Evidence;
  /** Computes the value from what the hop knows (only for present keys). */
  from?: (hop: HopValues) => string | undefined;
}

export interface ServiceContextFact {
  id: string;
  /** The service principal, or `*` (anonymous) for a Function URL with auth type NONE. */
  principal: string;
  /** What the service does: the action and what authorises it. */
  hop: string;
  keys: KeyFact[];
  /** Fixed keys the service sets for this hop (service-specific keys). */
  fixed?: Record<string, string>;
  sources: string[];
  note?: string;
}

const sourceArn = (hop: HopValues) => hop.sourceArn;
const sourceAccount = (hop: HopValues) => hop.account;

const ACCOUNT_ABSENT_UNDOCUMENTED: KeyFact = {
  key: 'aws:SourceAccount',
  value: 'not documented',
  present: false,
  evidence: 'undocumented',
};
const ARN_ABSENT_UNDOCUMENTED: KeyFact = {
  key: 'aws:SourceArn',
  value: 'not documented',
  present: false,
  evidence: 'undocumented',
};

export const SERVICE_CONTEXT_FACTS: readonly ServiceContextFact[] = [
  {
    id: 'apigateway-assume-integration-role',
    principal: 'apigateway.amazonaws.com',
    hop: "sts:AssumeRole on an HTTP API integration's credentials role (trust policy)",
    keys: [
      {
        key: 'aws:SourceAccount',
        value: 'observed absent on REST API integration roles, HTTP API presumed the same',
        present: false,
        evidence: 'observed',
      },
      ARN_ABSENT_UNDOCUMENTED,
    ],
    sources: [
      'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services.html',
      'https://github.com/prowler-cloud/prowler/issues/2810',
    ],
    note: "AWS's examples for this role use no conditions.",
  },
  {
    id: 'apigateway-invoke-lambda-route',
    principal: 'apigateway.amazonaws.com',
    hop: 'lambda:InvokeFunction for a Lambda proxy route (function resource policy)',
    keys: [
      {
        key: 'aws:SourceArn',
        value: "`arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH` (the request's actual path)",
        present: true,
        evidence: 'documented',
        from: sourceArn,
      },
      ACCOUNT_ABSENT_UNDOCUMENTED,
    ],
    sources: [
      'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html',
      'https://repost.aws/knowledge-center/api-gateway-http-lambda-integrations',
    ],
  },
  {
    id: 'apigateway-invoke-lambda-authorizer',
    principal: 'apigateway.amazonaws.com',
    hop: 'lambda:InvokeFunction for a Lambda authorizer (function resource policy)',
    keys: [
      {
        key: 'aws:SourceArn',
        value: '`arn:aws:execute-api:REGION:ACCOUNT:API_ID/authorizers/AUTHORIZER_ID`',
        present: true,
        evidence: 'documented',
        from: sourceArn,
      },
      ACCOUNT_ABSENT_UNDOCUMENTED,
    ],
    sources: ['https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html'],
  },
  {
    id: 'events-invoke-lambda',
    principal: 'events.amazonaws.com',
    hop: 'lambda:InvokeFunction for a rule target (function resource policy)',
    keys: [
      { key: 'aws:SourceArn', value: 'the rule ARN', present: true, evidence: 'documented', from: sourceArn },
      {
        key: 'aws:SourceAccount',
        value: 'the account of the rule',
        present: true,
        evidence: 'documented',
        from: sourceAccount,
      },
    ],
    sources: [
      'https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html',
      'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions',
    ],
  },
  {
    id: 'events-send-sqs',
    principal: 'events.amazonaws.com',
    hop: "sqs:SendMessage to a rule's dead-letter queue or an SQS target (queue policy)",
    keys: [
      { key: 'aws:SourceArn', value: 'the rule ARN', present: true, evidence: 'documented', from: sourceArn },
      ACCOUNT_ABSENT_UNDOCUMENTED,
    ],
    sources: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html'],
    note: "The target's role is not used for the dead-letter queue; only the queue policy is.",
  },
  {
    id: 'events-logs-create-stream',
    principal: 'events.amazonaws.com',
    hop: 'logs:CreateLogStream for a log group target (CloudWatch Logs resource policy)',
    keys: [
      {
        key: 'aws:SourceArn',
        value: 'observed absent: a rule-ARN condition on this action fails',
        present: false,
        evidence: 'observed',
      },
      ACCOUNT_ABSENT_UNDOCUMENTED,
    ],
    sources: [
      'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions',
      'https://github.com/aws-samples/serverless-patterns/pull/618',
    ],
    note: 'The rule context that the confused-deputy page documents for rule targets is observed on PutLogEvents only.',
  },
  {
    id: 'events-logs-put-events',
    principal: 'events.amazonaws.com',
    hop: 'logs:PutLogEvents for a log group target (CloudWatch Logs resource policy)',
    keys: [
      {
        key: 'aws:SourceArn',
        value: 'the rule ARN, also observed',
        present: true,
        evidence: 'documented',
        from: sourceArn,
      },
      {
        key: 'aws:SourceAccount',
        value: 'the account of the rule',
        present: true,
        evidence: 'documented',
        from: sourceAccount,
      },
    ],
    sources: [
      'https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html',
      'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions',
      'https://github.com/aws-samples/serverless-patterns/pull/618',
    ],
  },
  {
    id: 'events-assume-target-role',
    principal: 'events.amazonaws.com',
    hop: "sts:AssumeRole on a target's RoleArn (API destination, bus, or any role-based target) (trust policy)",
    keys: [
      { key: 'aws:SourceArn', value: 'the rule ARN', present: true, evidence: 'documented', from: sourceArn },
      {
        key: 'aws:SourceAccount',
        value: 'the account of the rule',
        present: true,
        evidence: 'documented',
        from: sourceAccount,
      },
    ],
    sources: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html'],
  },
  {
    id: 'pipes-assume-role',
    principal: 'pipes.amazonaws.com',
    hop: "sts:AssumeRole on a pipe's execution role (trust policy)",
    keys: [
      {
        key: 'aws:SourceAccount',
        value: 'the account of the pipe',
        present: true,
        evidence: 'observed',
        from: sourceAccount,
      },
      {
        key: 'aws:SourceArn',
        value: 'no AWS page names the ARN Pipes presents',
        present: false,
        evidence: 'undocumented',
      },
    ],
    sources: ['https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html'],
    note: "The Pulumi AWS provider's own aws.pipes.Pipe example pins aws:SourceAccount (observed in use); no AWS page names the ARN Pipes would present as aws:SourceArn. The role covers the source, the target and the pipe DLQ; Pipes uses no resource policy on that path.",
  },
  {
    id: 'lambda-assume-execution-role',
    principal: 'lambda.amazonaws.com',
    hop: "sts:AssumeRole on a function's execution role (trust policy)",
    keys: [
      {
        key: 'aws:SourceAccount',
        value: "the function's account; AWS's own samples condition on it",
        present: true,
        evidence: 'observed',
        from: sourceAccount,
      },
      ARN_ABSENT_UNDOCUMENTED,
    ],
    sources: [
      'https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html',
      'https://github.com/aws/agent-toolkit-for-aws/blob/main/skills/specialized-skills/serverless-skills/deploying-custom-domain-rest-api/scripts/lambda-trust-policy.json',
    ],
    note: "Lambda's own documentation shows the trust policy without conditions.",
  },
  {
    id: 'lambda-url-invoke',
    principal: '*',
    hop: 'lambda:InvokeFunctionUrl and, since October 2025, lambda:InvokeFunction for a Function URL with auth type NONE (function resource policy)',
    keys: [],
    fixed: { 'lambda:FunctionUrlAuthType': 'NONE', 'lambda:InvokedViaFunctionUrl': 'true' },
    sources: ['https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html'],
    note: 'Unauthenticated: only the resource policy can allow it.',
  },
];

export function factById(id: string): ServiceContextFact {
  const fact = SERVICE_CONTEXT_FACTS.find((f) => f.id === id);
  if (!fact) throw new Error(`no request-context fact ${id}`);
  return fact;
}

/** The request context a service sends on this hop: only the keys the table says it provides. */
export function contextFromFact(fact: ServiceContextFact, hop: HopValues): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = { ...(fact.fixed ?? {}) };
  for (const key of fact.keys) {
    const value = key.present ? key.from?.(hop) : undefined;
    if (value !== undefined) context[key.key] = value;
  }
  return context;
}

const EVIDENCE_NOTE: Record<Evidence, string> = {
  documented: 'documented',
  observed: 'observed',
  undocumented: 'undocumented: treated as absent',
};

/** The table as docs/iam.md shows it (Markdown). */
export function contextFactsMarkdown(): string {
  const rows = SERVICE_CONTEXT_FACTS.map((fact) => {
    const provided = [
      ...fact.keys.filter((k) => k.present).map((k) => `\`${k.key}\` = ${k.value} (${EVIDENCE_NOTE[k.evidence]})`),
      ...Object.entries(fact.fixed ?? {}).map(([k, v]) => `\`${k}\` = \`${v}\` (documented)`),
    ];
    const absent = fact.keys
      .filter((k) => !k.present)
      .map((k) => `\`${k.key}\` (${k.evidence === 'observed' ? k.value : EVIDENCE_NOTE[k.evidence]})`);
    const cells = [
      `\`${fact.principal}\``,
      fact.hop + (fact.note ? ` ${fact.note}` : ''),
      provided.length > 0 ? provided.join('; ') : 'none',
      absent.length > 0 ? absent.join('; ') : '—',
      fact.sources.map((s) => `<${s}>`).join(' '),
    ];
    return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  });
  return [
    '| service principal | hop (action, and what authorises it) | condition keys it provides | keys it does not provide | source |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The rows that describe a service assuming a role (the trust-policy facts). */
export const ASSUME_ROLE_FACTS: readonly ServiceContextFact[] = SERVICE_CONTEXT_FACTS.filter((fact) =>
  fact.hop.startsWith('sts:AssumeRole'),
);

/**
 * The condition keys `principal` puts in the request context when it assumes a role, from this table: what a trust
 * policy may condition on (infra/policies.ts builds every trust policy from it). Throws for a service the table
 * does not know, so a new trusted service needs its row first.
 */
export function assumeRoleContextKeys(principal: string): string[] {
  const rows = ASSUME_ROLE_FACTS.filter((fact) => fact.principal === principal);
  if (rows.length === 0) throw new Error(`no request-context facts for ${principal} assuming a role`);
  const present = rows.map((row) => row.keys.filter((k) => k.present).map((k) => k.key));
  // Several rows for one service (e.g. different roles) must agree, or a single trust builder cannot serve them.
  const [first, ...rest] = present;
  for (const keys of rest)
    if (keys.join() !== first.join()) throw new Error(`request-context facts for ${principal} disagree between rows`);
  return first;
}
