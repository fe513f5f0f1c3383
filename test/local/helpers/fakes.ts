import type { Clock } from '../../../local/services/kernel/clock';

export interface SentMessage {
  queue: string;
  body: string;
  attributes?: Record<string, { DataType: string; StringValue: string }>;
}

/** Records messages as SqsService would receive them; optionally fails for some queues. */
export class FakeSqs {
  readonly messages: SentMessage[] = [];
  constructor(private readonly failFor: (queue: string) => Error | undefined = () => undefined) {}

  sendMessage(
    queue: string,
    body: string,
    attributes?: Record<string, { DataType: string; StringValue: string }>,
  ): { MessageId: string } {
    const error = this.failFor(queue);
    if (error) throw error;
    this.messages.push({ queue, body, attributes });
    return { MessageId: String(this.messages.length) };
  }

  to(queue: string): SentMessage[] {
    return this.messages.filter((m) => m.queue === queue);
  }
}

/** Records async invokes; `behaviour` may throw to simulate a failed Invoke call. */
export class FakeLambda {
  readonly invocations: { arn: string; payload: unknown }[] = [];
  constructor(private readonly behaviour: (arn: string, attempt: number) => void = () => undefined) {}

  async invokeAsync(arn: string, payload: unknown): Promise<void> {
    this.behaviour(arn, this.invocations.filter((i) => i.arn === arn).length);
    this.invocations.push({ arn, payload });
  }
}

/** A clock that compresses by `factor` and remembers every AWS delay it was asked to compress. */
export function recordingClock(factor = 1000): Clock & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    compressed: (ms: number) => {
      delays.push(ms);
      return ms / factor;
    },
  };
}

export function attributeValues(attributes: SentMessage['attributes']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) {
    expect(value.DataType).toBe('String');
    out[key] = value.StringValue;
  }
  return out;
}

export async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
