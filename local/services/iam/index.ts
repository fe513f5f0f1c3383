/**
 * IAM enforcement in the running local cloud (docs/iam.md#enforcement): who is calling, and whether AWS would let
 * them. The pure half (local/iam) evaluates; this holds the stack's model, hands each function its own
 * credentials, maps an access key id back to the function's role session, answers each hop with the checks
 * `collectChecks` derived from the graph, caches decisions per principal/action/resource (a bounded number), and logs
 * a denial once, with the statement that would fix it.
 *
 * With enforcement off (`--iam off`) every check allows and nothing is logged.
 */
import {
  Authorization,
  authorize,
  Caller,
  Check,
  collectChecks,
  functionCaller,
  IamModel,
  Request,
  buildIamModel,
  callerArn,
} from '../../iam';
import type { ResourceGraph } from '../../model/graph';
import { physicalName } from '../../model/graph';
import { LocalCloudError } from '../kernel/errors';
import { functionCredentials } from './credentials';

export { accessKeyOf, functionCredentials } from './credentials';

/** A hop AWS would refuse: AWS's message, why, and how the service fails (its own words). */
export interface HopDenial {
  message: string;
  /** the refused step: assuming a role, or the call itself (EventBridge's FAILED_TO_ASSUME_ROLE vs NO_PERMISSIONS) */
  step: 'assumeRole' | 'invoke';
  check: Check;
}

/** What the services ask; `IamEnforcer` implements it (and `allowAll` when enforcement is off). */
export interface IamGate {
  readonly enabled: boolean;
  /** Whether an access key id is a function's (its calls are authorized); a user's own key is not. */
  knowsKey(accessKeyId: string | undefined): boolean;
  /** A handler's SDK call, by the access key id its request was signed with; undefined = allowed. */
  sdkCall(accessKeyId: string | undefined, action: string, resource: string): Authorization | undefined;
  /** EventBridge calling a rule's target (the resource policy, or the target role: assume, then call). */
  eventBridgeTarget(ruleArn: string, targetArn: string): HopDenial | undefined;
  /** EventBridge sending a dead letter to a rule target's DLQ (the queue policy). */
  eventBridgeDeadLetter(ruleArn: string, queueArn: string): HopDenial | undefined;
  /** An HTTP API integration: assuming its credentials role and calling through it, or invoking its function. */
  httpIntegration(apiId: string, integrationId: string, sourceArn?: string): HopDenial | undefined;
  /** An HTTP API Lambda authorizer's invocation. */
  httpAuthorizer(apiId: string, authorizerId: string): HopDenial | undefined;
  /** A pipe: `source` = assume its role, then read its stream; `deliver` = call its target; `deadLetter` = its DLQ. */
  pipe(pipeName: string, step: 'source' | 'deliver' | 'deadLetter'): HopDenial | undefined;
  /** Lambda sending an async record or dead letter with the function's execution role. */
  functionDestination(functionName: string, destinationArn: string): HopDenial | undefined;
  /** An unauthenticated call of a Function URL with auth type NONE (the function's resource policy). */
  functionUrl(functionArn: string): HopDenial | undefined;
}

const TYPES = {
  integration: 'aws:apigatewayv2/integration:Integration',
  authorizer: 'aws:apigatewayv2/authorizer:Authorizer',
  pipe: 'aws:pipes/pipe:Pipe',
  function: 'aws:lambda/function:Function',
} as const;

const allow = (): undefined => undefined;

/**
 * Answers kept per cache. A Lambda proxy's source ARN carries the request's own path (an order id, say), so the keys
 * are as many as the requests; past this many, the oldest answer is forgotten and worked out again when asked (a
 * denial is then logged again).
 */
export const IAM_CACHE_LIMIT = 10_000;

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= IAM_CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}

/** Enforcement off: the old behaviour, every call allowed. */
export const allowAll: IamGate = {
  enabled: false,
  knowsKey: () => false,
  sdkCall: allow,
  eventBridgeTarget: allow,
  eventBridgeDeadLetter: allow,
  httpIntegration: allow,
  httpAuthorizer: allow,
  pipe: allow,
  functionDestination: allow,
  functionUrl: allow,
};

/** AWS's access denied error for an SDK call; the edge answers it in the caller's protocol. */
export class AccessDeniedError extends LocalCloudError {
  constructor(message: string, statusCode = 400) {
    super(message, { code: 'AccessDeniedException', statusCode });
  }
}

export class IamEnforcer implements IamGate {
  readonly enabled = true;
  readonly model: IamModel;
  private readonly checks: Check[];
  private readonly callers = new Map<string, Caller>();
  private readonly decisions = new Map<string, Authorization>();
  /** Each hop's answer: the model and the checks never change while the cloud runs, so neither does the answer. */
  private readonly hops = new Map<string, HopDenial | undefined>();

  constructor(
    private readonly graph: ResourceGraph,
    account: string,
    region: string,
    private readonly log: (message: string) => void,
  ) {
    this.model = buildIamModel(graph, account, region);
    this.checks = collectChecks(graph, this.model).checks;
    for (const fn of graph.ofType(TYPES.function)) {
      const name = physicalName(fn);
      const caller = functionCaller(graph, name);
      if (caller) this.callers.set(functionCredentials(name).accessKeyId, caller);
    }
  }

  /** The role session a key belongs to; undefined for a key no function holds (a user's own CLI credentials). */
  callerForKey(accessKeyId: string | undefined): Caller | undefined {
    return accessKeyId === undefined ? undefined : this.callers.get(accessKeyId);
  }

  knowsKey(accessKeyId: string | undefined): boolean {
    return this.callerForKey(accessKeyId) !== undefined;
  }

  /** One decision, cached per principal/action/resource/context; a denial is logged when it is worked out. */
  authorize(request: Request): Authorization {
    const key = JSON.stringify([callerArn(request.caller), request.action, request.resource, request.context ?? {}]);
    const cached = this.decisions.get(key);
    if (cached) return cached;
    const decision = authorize(this.model, request);
    remember(this.decisions, key, decision);
    if (!decision.allowed) {
      const fix = decision.fix ? ` Fix: add to ${decision.fix.where}: ${JSON.stringify(decision.fix.statement)}` : '';
      this.log(`[iam] DENIED ${decision.message ?? ''} (${decision.reasons.join('; ')}).${fix}`);
    }
    return decision;
  }

  sdkCall(accessKeyId: string | undefined, action: string, resource: string): Authorization | undefined {
    // Unknown keys are the account's own users (the AWS CLI): treated as the account's administrator.
    const caller = this.callerForKey(accessKeyId);
    if (!caller) return undefined;
    const decision = this.authorize({ caller, action, resource });
    return decision.allowed ? undefined : decision;
  }

  /** The hop's answer, worked out on its first call (a hop is asked on every event, request or batch). */
  private hop(key: string, answer: () => HopDenial | undefined): HopDenial | undefined {
    if (this.hops.has(key)) return this.hops.get(key);
    const denial = answer();
    remember(this.hops, key, denial);
    return denial;
  }

  /** The first check of `checks` AWS would deny, in the order AWS makes them (assume the role first). */
  private firstDenied(checks: Check[], override?: (request: Request) => Request): HopDenial | undefined {
    for (const check of checks) {
      const request = override ? override(check.request) : check.request;
      const decision = this.authorize(request);
      if (!decision.allowed) {
        const step = request.action.toLowerCase() === 'sts:assumerole' ? 'assumeRole' : 'invoke';
        return { message: decision.message ?? 'access denied', step, check };
      }
    }
    return undefined;
  }

  eventBridgeTarget(ruleArn: string, targetArn: string): HopDenial | undefined {
    const prefix = `rule ${ruleArn} → target ${targetArn}`;
    return this.hop(prefix, () =>
      this.firstDenied(this.checks.filter((c) => c.hop === prefix || c.hop.startsWith(`${prefix}:`))),
    );
  }

  eventBridgeDeadLetter(ruleArn: string, queueArn: string): HopDenial | undefined {
    const hop = `rule ${ruleArn} → dead-letter queue ${queueArn}`;
    return this.hop(hop, () => this.firstDenied(this.checks.filter((c) => c.hop === hop)));
  }

  private urnOf(type: string, apiId: string, id: string): string | undefined {
    return this.graph.ofType(type).find((r) => r.id === id && r.state.apiId === apiId)?.urn;
  }

  httpIntegration(apiId: string, integrationId: string, sourceArn?: string): HopDenial | undefined {
    return this.hop(`integration ${apiId} ${integrationId} ${sourceArn ?? ''}`, () =>
      this.integrationDenial(apiId, integrationId, sourceArn),
    );
  }

  private integrationDenial(apiId: string, integrationId: string, sourceArn?: string): HopDenial | undefined {
    const urn = this.urnOf(TYPES.integration, apiId, integrationId);
    // A Lambda proxy's source ARN is the request's own path; the check was built for a representative one.
    const withSource = (request: Request): Request =>
      sourceArn && request.context?.['aws:SourceArn'] !== undefined
        ? { ...request, context: { ...request.context, 'aws:SourceArn': sourceArn } }
        : request;
    return urn
      ? this.firstDenied(
          this.checks.filter((c) => c.urn === urn),
          withSource,
        )
      : undefined;
  }

  httpAuthorizer(apiId: string, authorizerId: string): HopDenial | undefined {
    return this.hop(`authorizer ${apiId} ${authorizerId}`, () => {
      const urn = this.urnOf(TYPES.authorizer, apiId, authorizerId);
      return urn ? this.firstDenied(this.checks.filter((c) => c.urn === urn)) : undefined;
    });
  }

  pipe(pipeName: string, step: 'source' | 'deliver' | 'deadLetter'): HopDenial | undefined {
    return this.hop(`pipe ${pipeName} ${step}`, () => this.pipeDenial(pipeName, step));
  }

  private pipeDenial(pipeName: string, step: 'source' | 'deliver' | 'deadLetter'): HopDenial | undefined {
    const pipe = this.graph.ofType(TYPES.pipe).find((p) => physicalName(p) === pipeName);
    if (!pipe) return undefined;
    const mine = this.checks.filter((c) => c.urn === pipe.urn);
    const assume = mine.filter((c) => c.request.action === 'sts:AssumeRole');
    const words = { source: ' reads its source', deliver: ' delivers to ', deadLetter: ' dead-letters to ' }[step];
    const chosen = mine.filter((c) => c.hop.includes(words));
    return this.firstDenied([...assume, ...chosen]);
  }

  functionUrl(functionArn: string): HopDenial | undefined {
    return this.hop(`function URL ${functionArn}`, () =>
      this.firstDenied(
        this.checks.filter((c) => c.request.caller.type === 'anonymous' && c.request.resource === functionArn),
      ),
    );
  }

  functionDestination(functionName: string, destinationArn: string): HopDenial | undefined {
    return this.hop(`destination ${functionName} ${destinationArn}`, () =>
      this.destinationDenial(functionName, destinationArn),
    );
  }

  private destinationDenial(functionName: string, destinationArn: string): HopDenial | undefined {
    const caller = functionCaller(this.graph, functionName);
    const check = this.checks.find(
      (c) =>
        c.request.resource === destinationArn &&
        c.request.caller.type === 'role' &&
        caller?.type === 'role' &&
        c.request.caller.roleArn === caller.roleArn,
    );
    return check ? this.firstDenied([check]) : undefined;
  }
}
