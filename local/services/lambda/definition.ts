/**
 * The functions of the resource graph as the Lambda service runs them: every aws:lambda/function:Function with
 * its settings (AWS defaults where the graph leaves them unset) and its asynchronous invocation config
 * (aws:lambda/functionEventInvokeConfig). Pure: writing the code to disk is bundles.ts's job.
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html ;
 * https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html
 */
import { GraphResource, physicalName, ResourceGraph } from '../../model/graph';
import { optionalNumber, optionalString } from '../kernel/values';
import type { LocalFunction } from '.';

export const FUNCTION_TYPE = 'aws:lambda/function:Function';
const INVOKE_CONFIG_TYPE = 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig';

export interface FunctionDefinition extends Omit<LocalFunction, 'bundlePath'> {
  /** The code as the program declared it (an archive of assets); bundles.ts writes it out. */
  code: unknown;
}

/** A function given by name or ARN (as other resources reference it) → its graph resource. */
export function functionByRef(graph: ResourceGraph, ref: string): GraphResource | undefined {
  // `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`
  const bare = ref.startsWith('arn:') ? ref.split(':').slice(0, 7).join(':') : ref;
  return graph
    .ofType(FUNCTION_TYPE)
    .find((f) => f.state.arn === ref || f.state.arn === bare || physicalName(f) === ref || f.name === ref);
}

export function readFunctions(graph: ResourceGraph): FunctionDefinition[] {
  const invokeConfigs = graph.ofType(INVOKE_CONFIG_TYPE);
  return graph.ofType(FUNCTION_TYPE).map((fn) => {
    const s = fn.state;
    const environment: Record<string, string> = {};
    for (const [k, v] of Object.entries((s.environment?.variables ?? {}) as Record<string, unknown>))
      environment[k] = String(v);
    const config = invokeConfigs.find((c) => functionByRef(graph, String(c.state.functionName ?? '')) === fn)?.state;
    return {
      name: physicalName(fn),
      arn: String(s.arn),
      code: s.code,
      // `<module>.<export>`; bundles.ts points the module part at the written file.
      handler: String(s.handler ?? 'index.handler'),
      environment,
      timeoutSeconds: optionalNumber(s.timeout) ?? 3,
      memoryMb: optionalNumber(s.memorySize) ?? 128,
      runtime: String(s.runtime ?? 'nodejs20.x'),
      asyncConfig: config
        ? {
            maximumRetryAttempts: optionalNumber(config.maximumRetryAttempts) ?? 2,
            maximumEventAgeInSeconds: optionalNumber(config.maximumEventAgeInSeconds) ?? 21600,
            onFailureArn: optionalString(config.destinationConfig?.onFailure?.destination),
            onSuccessArn: optionalString(config.destinationConfig?.onSuccess?.destination),
          }
        : undefined,
      deadLetterTargetArn: optionalString(s.deadLetterConfig?.targetArn),
    };
  });
}
