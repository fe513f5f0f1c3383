import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { withCurrentFacts } from '../../../local/iam/docs';
import { SERVICE_CONTEXT_FACTS, contextFromFact, factById } from '../../../local/iam/request-context';

describe('the request-context facts table', () => {
  it('is what docs/iam.md shows (regenerate with `npx tsx local/iam/docs.ts`)', () => {
    const doc = readFileSync(path.join(__dirname, '../../../docs/iam.md'), 'utf8');
    expect(doc).toBe(withCurrentFacts(doc));
  });

  it('gives every row a source, and every key a verdict', () => {
    for (const fact of SERVICE_CONTEXT_FACTS) {
      expect(fact.sources.length).toBeGreaterThan(0);
      for (const source of fact.sources)
        expect(source).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|repost\.aws|github\.com)\//);
      // An undocumented key is never treated as present: the conservative reading.
      for (const key of fact.keys) if (key.evidence === 'undocumented') expect(key.present).toBe(false);
    }
    expect(new Set(SERVICE_CONTEXT_FACTS.map((f) => f.id)).size).toBe(SERVICE_CONTEXT_FACTS.length);
  });

  it('puts only the keys a service provides into its request context', () => {
    const hop = { account: '123456789012', sourceArn: 'arn:aws:events:us-east-1:123456789012:rule/bus/r' };
    expect(contextFromFact(factById('events-invoke-lambda'), hop)).toEqual({
      'aws:SourceArn': hop.sourceArn,
      'aws:SourceAccount': '123456789012',
    });
    expect(contextFromFact(factById('events-send-sqs'), hop)).toEqual({ 'aws:SourceArn': hop.sourceArn });
    expect(contextFromFact(factById('events-logs-create-stream'), hop)).toEqual({});
    expect(contextFromFact(factById('apigateway-assume-integration-role'), hop)).toEqual({});
    expect(contextFromFact(factById('lambda-url-invoke'), hop)).toEqual({
      'lambda:FunctionUrlAuthType': 'NONE',
      'lambda:InvokedViaFunctionUrl': 'true',
    });
    expect(() => factById('nope')).toThrow(/no request-context fact nope/);
  });
});
