/** IAM as AWS enforces it: the evaluator, the request-context facts, the hops of a graph and the report. */
export { authorize, type Authorization, type Fix } from './authorize';
export { evaluate, sessionArn, type Caller, type Decision, type Evaluation, type Request } from './evaluate';
export { collectChecks, functionCaller, type Check } from './hops';
export { HttpApiErrors, accessDeniedMessage, callerArn, eventBridgeErrorCode } from './messages';
export { buildIamModel, type IamModel } from './model';
export { PolicyError, parsePolicy, type Policy, type PolicyDocument } from './policy';
export { SERVICE_CONTEXT_FACTS, contextFactsMarkdown, contextFromFact, factById } from './request-context';
export {
  evaluateGraph,
  formatDenial,
  formatIamReport,
  iamReport,
  type CheckResult,
  type IamGraph,
  type IamReport,
} from './report';
