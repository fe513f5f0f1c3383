/**
 * The Function URLs of the resource graph (aws:lambda/functionUrl:FunctionUrl): the function each one invokes,
 * the URL AWS gave it, and its auth type. Pure.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunctionUrlConfig.html
 */
import { ResourceGraph } from '../../model/graph';

export const FUNCTION_URL_TYPE = 'aws:lambda/functionUrl:FunctionUrl';

export interface FunctionUrlDefinition {
  /** The logical name in the graph. */
  name: string;
  urlId: string;
  functionArn: string;
  /** The URL AWS would give it (from the graph). */
  functionUrl: string;
  authorizationType: string;
}

export function readFunctionUrls(graph: ResourceGraph, accountId: string, region: string): FunctionUrlDefinition[] {
  return graph.ofType(FUNCTION_URL_TYPE).map((r) => {
    const s = r.state;
    const fn = String(s.functionArn ?? s.functionName ?? '');
    const functionArn = fn.startsWith('arn:') ? fn : `arn:aws:lambda:${region}:${accountId}:function:${fn}`;
    const functionUrl = String(s.functionUrl ?? '');
    const urlId = typeof s.urlId === 'string' ? s.urlId : (/^https:\/\/([^.]+)\./.exec(functionUrl)?.[1] ?? r.name);
    return { name: r.name, urlId, functionArn, functionUrl, authorizationType: String(s.authorizationType ?? 'NONE') };
  });
}
