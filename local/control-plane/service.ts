/** The shape every service module of the control plane exports. */
import type { ControlPlaneStack } from './stack';

export type Input = Record<string, unknown>;
export type Output = Record<string, unknown>;
export type Operation = (stack: ControlPlaneStack, input: Input) => Output;

export interface ServiceDefinition {
  /** The service prefix of IAM actions and of the refusal message (`events`, `lambda`, `iam`…). */
  name: string;
  /** Read-only operations answered from the graph, by AWS operation name. */
  operations: Readonly<Record<string, Operation>>;
  /** Is this (unserved) operation one that would change the stack, and is therefore refused? */
  refuses(operation: string): boolean;
  /** The error code the service's refusal carries (default AccessDeniedException). */
  refusalCode?: string;
}
