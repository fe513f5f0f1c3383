/**
 * AWS's documented policy-evaluation examples as a case table. Each case names the page its policies and verdict
 * come from; where the page's principal is an IAM user, the case uses a role session of the same name (the local
 * cloud's callers are roles and services), which AWS evaluates the same way within one account.
 */
import type { Caller, Decision } from '../../../local/iam/evaluate';
import type { PolicyDocument } from '../../../local/iam/policy';

export interface EvaluatorCase {
  name: string;
  source: string;
  identity?: PolicyDocument[];
  resource?: PolicyDocument[];
  caller: Caller;
  action: string;
  resourceArn: string;
  context?: Record<string, string | string[]>;
  expected: Decision;
}

const ACCOUNT = '123456789012';
const carlos: Caller = {
  type: 'role',
  roleArn: `arn:aws:iam::${ACCOUNT}:role/carlossalazar`,
  sessionName: 'carlossalazar',
};
const someone: Caller = { type: 'role', roleArn: `arn:aws:iam::${ACCOUNT}:role/someone`, sessionName: 's' };

const EVAL_BASICS =
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-basics.html';
const DENY_ALLOW =
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html';
const OPERATORS =
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html';
const MULTI =
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html';
const NOT_ACTION = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html';
const NOT_RESOURCE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html';
const RESOURCE = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html';
const ACTION = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html';
const VARIABLES = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html';
const LAMBDA_RESOURCE = 'https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html';
const LAMBDA_URLS = 'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html';

/** The identity policy of the single-account example (Carlos). */
const carlosPolicy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowS3ListRead',
      Effect: 'Allow',
      Action: ['s3:GetBucketLocation', 's3:GetAccountPublicAccessBlock', 's3:ListAccessPoints', 's3:ListAllMyBuckets'],
      Resource: 'arn:aws:s3:::*',
    },
    {
      Sid: 'AllowS3Self',
      Effect: 'Allow',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*', 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar'],
    },
    { Sid: 'DenyS3Logs', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*log*' },
  ],
};
/** The bucket policy of the same example, granting Carlos everything on the logs bucket. */
const logsBucketPolicy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowS3ForCarlos',
      Effect: 'Allow',
      Principal: { AWS: carlos.type === 'role' ? carlos.roleArn : '' },
      Action: 's3:*',
      Resource: [
        'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs',
        'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/*',
      ],
    },
  ],
};

const snsToSqs: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:QUEUE-ID`,
      Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:TOPIC-ID` } },
    },
  ],
};

const lambdaS3Permission: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 's3-account',
      Effect: 'Allow',
      Principal: { Service: 's3.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: `arn:aws:lambda:us-east-2:${ACCOUNT}:function:my-function`,
      Condition: {
        StringEquals: { 'AWS:SourceAccount': ACCOUNT },
        ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket' },
      },
    },
  ],
};

const functionUrlNone: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'FunctionURLAllowPublicAccess',
      Effect: 'Allow',
      Principal: '*',
      Action: 'lambda:InvokeFunctionUrl',
      Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:my-function`,
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
    },
    {
      Sid: 'FunctionURLInvokeAllowPublicAccess',
      Effect: 'Allow',
      Principal: '*',
      Action: 'lambda:InvokeFunction',
      Resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:my-function`,
      Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } },
    },
  ],
};

const allowStatement = (statement: PolicyDocument['Statement']): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statement,
});

export const EVALUATOR_CASES: EvaluatorCase[] = [
  // Allow, explicit deny, union of identity and resource policies.
  {
    name: 'identity policy allows: Carlos lists his own bucket',
    source: EVAL_BASICS,
    identity: [carlosPolicy],
    caller: carlos,
    action: 's3:ListBucket',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar',
    expected: 'Allow',
  },
  {
    name: 'explicit deny beats the bucket policy allow: Carlos saves to the logs bucket',
    source: EVAL_BASICS,
    identity: [carlosPolicy],
    resource: [logsBucketPolicy],
    caller: carlos,
    action: 's3:PutObject',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/file.txt',
    expected: 'ExplicitDeny',
  },
  {
    name: 'resource policy alone allows in the same account (identity policy silent)',
    source: EVAL_BASICS,
    identity: [allowStatement([{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }])],
    resource: [logsBucketPolicy],
    caller: carlos,
    action: 's3:PutObject',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/file.txt',
    expected: 'Allow',
  },
  {
    name: 'nothing allows: implicit deny',
    source: DENY_ALLOW,
    identity: [carlosPolicy],
    caller: carlos,
    action: 's3:PutObject',
    resourceArn: 'arn:aws:s3:::someone-elses-bucket/file.txt',
    expected: 'ImplicitDeny',
  },
  {
    name: 'an explicit deny anywhere wins over an allow in the same policy',
    source: DENY_ALLOW,
    identity: [carlosPolicy],
    caller: carlos,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::catalog-bucket/x',
    expected: 'ExplicitDeny',
  },

  // Resource policy only: a service principal.
  {
    name: 'queue policy lets SNS send, from the named topic (ArnEquals)',
    source: OPERATORS,
    resource: [snsToSqs],
    caller: { type: 'service', service: 'sns.amazonaws.com' },
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:QUEUE-ID`,
    context: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:TOPIC-ID` },
    expected: 'Allow',
  },
  {
    name: 'queue policy: another topic is not allowed',
    source: OPERATORS,
    resource: [snsToSqs],
    caller: { type: 'service', service: 'sns.amazonaws.com' },
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:QUEUE-ID`,
    context: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:OTHER` },
    expected: 'ImplicitDeny',
  },
  {
    name: 'queue policy: a request without aws:SourceArn fails the condition',
    source: OPERATORS,
    resource: [snsToSqs],
    caller: { type: 'service', service: 'sns.amazonaws.com' },
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:QUEUE-ID`,
    expected: 'ImplicitDeny',
  },
  {
    name: 'queue policy: a different service principal is not named',
    source: OPERATORS,
    resource: [snsToSqs],
    caller: { type: 'service', service: 'events.amazonaws.com' },
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:QUEUE-ID`,
    context: { 'aws:SourceArn': `arn:aws:sns:us-east-1:${ACCOUNT}:TOPIC-ID` },
    expected: 'ImplicitDeny',
  },
  {
    name: 'Lambda permission for S3 with source account and source ARN (condition keys are case-insensitive)',
    source: LAMBDA_RESOURCE,
    resource: [lambdaS3Permission],
    caller: { type: 'service', service: 's3.amazonaws.com' },
    action: 'lambda:InvokeFunction',
    resourceArn: `arn:aws:lambda:us-east-2:${ACCOUNT}:function:my-function`,
    context: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket' },
    expected: 'Allow',
  },
  {
    name: 'Lambda permission for S3: the source account is absent',
    source: LAMBDA_RESOURCE,
    resource: [lambdaS3Permission],
    caller: { type: 'service', service: 's3.amazonaws.com' },
    action: 'lambda:InvokeFunction',
    resourceArn: `arn:aws:lambda:us-east-2:${ACCOUNT}:function:my-function`,
    context: { 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket' },
    expected: 'ImplicitDeny',
  },
  {
    name: 'Function URL, auth NONE: anyone may InvokeFunctionUrl',
    source: LAMBDA_URLS,
    resource: [functionUrlNone],
    caller: { type: 'anonymous' },
    action: 'lambda:InvokeFunctionUrl',
    resourceArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:my-function`,
    context: { 'lambda:FunctionUrlAuthType': 'NONE' },
    expected: 'Allow',
  },
  {
    name: 'Function URL, auth NONE: InvokeFunction through the URL',
    source: LAMBDA_URLS,
    resource: [functionUrlNone],
    caller: { type: 'anonymous' },
    action: 'lambda:InvokeFunction',
    resourceArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:my-function`,
    context: { 'lambda:InvokedViaFunctionUrl': 'true' },
    expected: 'Allow',
  },
  {
    name: 'Function URL policy does not allow a direct anonymous Invoke',
    source: LAMBDA_URLS,
    resource: [functionUrlNone],
    caller: { type: 'anonymous' },
    action: 'lambda:InvokeFunction',
    resourceArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:my-function`,
    expected: 'ImplicitDeny',
  },

  // Condition operators.
  {
    name: 'StringEquals on a tag the principal carries',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'iam:*AccessKey*',
        Resource: `arn:aws:iam::${ACCOUNT}:user/*`,
        Condition: { StringEquals: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } },
      }),
    ],
    caller: someone,
    action: 'iam:CreateAccessKey',
    resourceArn: `arn:aws:iam::${ACCOUNT}:user/bob`,
    context: { 'aws:PrincipalTag/job-category': 'iamuser-admin' },
    expected: 'Allow',
  },
  {
    name: 'StringEquals: the key is absent from the request, so the condition is false',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'iam:*AccessKey*',
        Resource: `arn:aws:iam::${ACCOUNT}:user/*`,
        Condition: { StringEquals: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } },
      }),
    ],
    caller: someone,
    action: 'iam:CreateAccessKey',
    resourceArn: `arn:aws:iam::${ACCOUNT}:user/bob`,
    expected: 'ImplicitDeny',
  },
  {
    name: 'StringNotEquals holds when the key is absent',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalTag/department': 'finance' } },
      }),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::b/k',
    expected: 'Allow',
  },
  {
    name: 'StringNotEquals with several values is a NOR',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalTag/department': ['finance', 'hr'] } },
      }),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::b/k',
    context: { 'aws:PrincipalTag/department': 'hr' },
    expected: 'ImplicitDeny',
  },
  {
    name: 'StringEqualsIgnoreCase',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'Orders' } },
      }),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::b/k',
    context: { 'aws:PrincipalTag/team': 'ORDERS' },
    expected: 'Allow',
  },
  {
    name: 'StringLike with * and ? wildcards',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
        Condition: { StringLike: { 's3:prefix': ['home/user?/*'] } },
      }),
    ],
    caller: someone,
    action: 's3:ListBucket',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket',
    context: { 's3:prefix': 'home/user1/docs' },
    expected: 'Allow',
  },
  {
    name: 'StringLike is case-sensitive',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
        Condition: { StringLike: { 's3:prefix': ['home/*'] } },
      }),
    ],
    caller: someone,
    action: 's3:ListBucket',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket',
    context: { 's3:prefix': 'HOME/x' },
    expected: 'ImplicitDeny',
  },
  {
    name: 'NumericLessThanEquals: s3:max-keys 10 or fewer',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
        Condition: { NumericLessThanEquals: { 's3:max-keys': '10' } },
      }),
    ],
    caller: someone,
    action: 's3:ListBucket',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket',
    context: { 's3:max-keys': '10' },
    expected: 'Allow',
  },
  {
    name: 'NumericLessThanEquals: 11 keys is too many',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
        Condition: { NumericLessThanEquals: { 's3:max-keys': '10' } },
      }),
    ],
    caller: someone,
    action: 's3:ListBucket',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket',
    context: { 's3:max-keys': '11' },
    expected: 'ImplicitDeny',
  },
  {
    name: 'Bool: deny requests not sent over TLS',
    source: OPERATORS,
    identity: [
      allowStatement([
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ]),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::b/k',
    context: { 'aws:SecureTransport': 'false' },
    expected: 'ExplicitDeny',
  },
  {
    name: 'Bool: the same policy allows a TLS request',
    source: OPERATORS,
    identity: [
      allowStatement([
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ]),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::b/k',
    context: { 'aws:SecureTransport': 'true' },
    expected: 'Allow',
  },
  {
    name: 'Null true: deny when the key is absent (long-term credentials have no aws:TokenIssueTime)',
    source: OPERATORS,
    identity: [
      allowStatement([
        { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
        { Effect: 'Deny', Action: 'ec2:*', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } },
      ]),
    ],
    caller: someone,
    action: 'ec2:DescribeInstances',
    resourceArn: '*',
    expected: 'ExplicitDeny',
  },
  {
    name: 'Null true: the key is present, so the deny does not apply',
    source: OPERATORS,
    identity: [
      allowStatement([
        { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
        { Effect: 'Deny', Action: 'ec2:*', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } },
      ]),
    ],
    caller: someone,
    action: 'ec2:DescribeInstances',
    resourceArn: '*',
    context: { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' },
    expected: 'Allow',
  },
  {
    name: 'ArnLike matches each ARN part with wildcards',
    source: OPERATORS,
    resource: [
      allowStatement({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: '*',
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:events:*:123456789012:rule/*' } },
      }),
    ],
    caller: { type: 'service', service: 'events.amazonaws.com' },
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`,
    context: { 'aws:SourceArn': `arn:aws:events:eu-west-1:${ACCOUNT}:rule/bus/r` },
    expected: 'Allow',
  },
  {
    name: 'ArnLike: a wildcard in the region part does not absorb the account part',
    source: OPERATORS,
    resource: [
      allowStatement({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: '*',
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:events:*:${ACCOUNT}:rule*` } },
      }),
    ],
    caller: { type: 'service', service: 'events.amazonaws.com' },
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`,
    context: { 'aws:SourceArn': `arn:aws:events:us-east-1:999999999999:${ACCOUNT}:rule/r` },
    expected: 'ImplicitDeny',
  },
  {
    name: 'ArnLike: a pattern that is not a six-part ARN matches nothing',
    source: OPERATORS,
    resource: [
      allowStatement({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: '*',
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:events:us-*' } },
      }),
    ],
    caller: { type: 'service', service: 'events.amazonaws.com' },
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`,
    context: { 'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/r` },
    expected: 'ImplicitDeny',
  },
  {
    name: 'ArnNotEquals holds for another ARN',
    source: OPERATORS,
    resource: [
      allowStatement({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: '*',
        Condition: { ArnNotEquals: { 'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/blocked` } },
      }),
    ],
    caller: { type: 'service', service: 'events.amazonaws.com' },
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`,
    context: { 'aws:SourceArn': `arn:aws:events:us-east-1:${ACCOUNT}:rule/ok` },
    expected: 'Allow',
  },

  // IfExists.
  {
    name: 'StringLikeIfExists: a request without the key passes',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: '*',
        Condition: { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } },
      }),
    ],
    caller: someone,
    action: 'ec2:RunInstances',
    resourceArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/vol-1`,
    expected: 'Allow',
  },
  {
    name: 'StringLikeIfExists: a present key must match',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: '*',
        Condition: { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } },
      }),
    ],
    caller: someone,
    action: 'ec2:RunInstances',
    resourceArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`,
    context: { 'ec2:InstanceType': 'm5.large' },
    expected: 'ImplicitDeny',
  },
  {
    name: 'StringLikeIfExists: a present key that matches',
    source: OPERATORS,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: '*',
        Condition: { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } },
      }),
    ],
    caller: someone,
    action: 'ec2:RunInstances',
    resourceArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`,
    context: { 'ec2:InstanceType': 't2.micro' },
    expected: 'Allow',
  },

  // Multivalued keys.
  {
    name: 'ForAllValues: every requested tag key is allowed',
    source: MULTI,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['environment', 'cost-center'] } },
      }),
    ],
    caller: someone,
    action: 'ec2:CreateTags',
    resourceArn: '*',
    context: { 'aws:TagKeys': ['environment', 'cost-center'] },
    expected: 'Allow',
  },
  {
    name: 'ForAllValues: one tag key outside the list fails',
    source: MULTI,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['environment', 'cost-center'] } },
      }),
    ],
    caller: someone,
    action: 'ec2:CreateTags',
    resourceArn: '*',
    context: { 'aws:TagKeys': ['environment', 'owner'] },
    expected: 'ImplicitDeny',
  },
  {
    name: 'ForAllValues is true when the request has no such key',
    source: MULTI,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['environment'] } },
      }),
    ],
    caller: someone,
    action: 'ec2:CreateTags',
    resourceArn: '*',
    expected: 'Allow',
  },
  {
    name: 'ForAnyValue: one matching tag key suffices',
    source: MULTI,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['environment'] } },
      }),
    ],
    caller: someone,
    action: 'ec2:CreateTags',
    resourceArn: '*',
    context: { 'aws:TagKeys': ['owner', 'environment'] },
    expected: 'Allow',
  },
  {
    name: 'ForAnyValue is false when the request has no such key',
    source: MULTI,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['environment'] } },
      }),
    ],
    caller: someone,
    action: 'ec2:CreateTags',
    resourceArn: '*',
    expected: 'ImplicitDeny',
  },

  // Wildcards in Action and Resource.
  {
    name: 'Action wildcard iam:*AccessKey* (case-insensitive)',
    source: ACTION,
    identity: [allowStatement({ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: '*' })],
    caller: someone,
    action: 'IAM:ListAccessKeys',
    resourceArn: '*',
    expected: 'Allow',
  },
  {
    name: 'Action wildcard s3:Get* does not allow s3:PutObject',
    source: ACTION,
    identity: [allowStatement({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' })],
    caller: someone,
    action: 's3:PutObject',
    resourceArn: 'arn:aws:s3:::b/k',
    expected: 'ImplicitDeny',
  },
  {
    name: 'Resource wildcard ? matches one character',
    source: RESOURCE,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:queue-?`,
      }),
    ],
    caller: someone,
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:queue-1`,
    expected: 'Allow',
  },
  {
    name: 'Resource wildcard ? does not match two characters',
    source: RESOURCE,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:queue-?`,
      }),
    ],
    caller: someone,
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:queue-12`,
    expected: 'ImplicitDeny',
  },
  {
    name: 'Resource is case-sensitive',
    source: RESOURCE,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:Queue`,
      }),
    ],
    caller: someone,
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:queue`,
    expected: 'ImplicitDeny',
  },
  {
    name: "log-group:NAME:* covers the group's log streams",
    source: RESOURCE,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/fn:*`,
      }),
    ],
    caller: someone,
    action: 'logs:PutLogEvents',
    resourceArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/fn:log-stream:2026/01/01/[$LATEST]abc`,
    expected: 'Allow',
  },

  // NotAction / NotResource.
  {
    name: 'NotAction with Allow: everything except IAM',
    source: NOT_ACTION,
    identity: [allowStatement({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })],
    caller: someone,
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`,
    expected: 'Allow',
  },
  {
    name: 'NotAction with Allow: IAM itself is not allowed',
    source: NOT_ACTION,
    identity: [allowStatement({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })],
    caller: someone,
    action: 'iam:CreateUser',
    resourceArn: `arn:aws:iam::${ACCOUNT}:user/x`,
    expected: 'ImplicitDeny',
  },
  {
    name: 'NotAction with Deny and BoolIfExists: without MFA only IAM is left',
    source: NOT_ACTION,
    identity: [
      allowStatement([
        { Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Sid: 'DenyAllUsersNotUsingMFA',
          Effect: 'Deny',
          NotAction: 'iam:*',
          Resource: '*',
          Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
      ]),
    ],
    caller: someone,
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`,
    expected: 'ExplicitDeny',
  },
  {
    name: 'NotAction with Deny: with MFA the deny does not apply',
    source: NOT_ACTION,
    identity: [
      allowStatement([
        { Effect: 'Allow', Action: '*', Resource: '*' },
        {
          Sid: 'DenyAllUsersNotUsingMFA',
          Effect: 'Deny',
          NotAction: 'iam:*',
          Resource: '*',
          Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
      ]),
    ],
    caller: someone,
    action: 'sqs:SendMessage',
    resourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:q`,
    context: { 'aws:MultiFactorAuthPresent': 'true' },
    expected: 'Allow',
  },
  {
    name: 'NotResource with Deny: everything outside the payroll folder is denied',
    source: NOT_RESOURCE,
    identity: [
      allowStatement([
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: 's3:*',
          NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'],
        },
      ]),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::HRBucket/Other/x',
    expected: 'ExplicitDeny',
  },
  {
    name: 'NotResource with Deny: the payroll folder itself stays allowed',
    source: NOT_RESOURCE,
    identity: [
      allowStatement([
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        {
          Effect: 'Deny',
          Action: 's3:*',
          NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'],
        },
      ]),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::HRBucket/Payroll/x',
    expected: 'Allow',
  },

  // Policy variables.
  {
    name: "policy variable in Resource: a user's home folder",
    source: VARIABLES,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*',
      }),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket/home/alice/notes.txt',
    context: { 'aws:username': 'alice' },
    expected: 'Allow',
  },
  {
    name: "policy variable in Resource: another user's folder",
    source: VARIABLES,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*',
      }),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket/home/bob/notes.txt',
    context: { 'aws:username': 'alice' },
    expected: 'ImplicitDeny',
  },
  {
    name: 'policy variable without a value in the request: the statement does not match',
    source: VARIABLES,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*',
      }),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket/home//notes.txt',
    expected: 'ImplicitDeny',
  },
  {
    name: 'policy variable with a default value',
    source: VARIABLES,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: "arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/team, 'company-wide'}/*",
      }),
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket/company-wide/x',
    expected: 'Allow',
  },
  {
    name: 'policy variable in a condition value',
    source: VARIABLES,
    identity: [
      allowStatement({
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
        Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } },
      }),
    ],
    caller: someone,
    action: 's3:ListBucket',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket',
    context: { 'aws:username': 'alice', 's3:prefix': 'home/alice/docs' },
    expected: 'Allow',
  },
  {
    name: 'policy variables are literal text in a 2008-10-17 policy',
    source: VARIABLES,
    identity: [
      {
        Version: '2008-10-17',
        Statement: {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*',
        },
      },
    ],
    caller: someone,
    action: 's3:GetObject',
    resourceArn: 'arn:aws:s3:::amzn-s3-demo-bucket/home/alice/notes.txt',
    context: { 'aws:username': 'alice' },
    expected: 'ImplicitDeny',
  },
];
