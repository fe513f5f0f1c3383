/**
 * What the tools share about reaching AWS: the client configuration chosen as the AWS CLI chooses it (the
 * `--endpoint-url` flag, else `AWS_ENDPOINT_URL`, else AWS itself with the default credential chain), and the
 * stack's queues found by their logical names.
 */
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';

export interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function awsClientConfig(endpointUrl: string | undefined, region: string, env: NodeJS.ProcessEnv): ClientConfig {
  // The local edge does not check signatures; without credentials in the environment, any will do there.
  const credentials =
    endpointUrl && !env.AWS_ACCESS_KEY_ID && !env.AWS_PROFILE
      ? { accessKeyId: 'local', secretAccessKey: 'local' }
      : undefined;
  return { region, ...(endpointUrl ? { endpoint: endpointUrl } : {}), ...(credentials ? { credentials } : {}) };
}

/**
 * The stack's queues: Pulumi names a queue `<logical name>-<7 hex digits>`, on AWS as under the local cloud, so the
 * graph's logical names find them with ListQueues.
 */
export async function findStackQueues(
  sqs: SQSClient,
  logicalNames: string[],
): Promise<{ queueName: string; url: string }[]> {
  const found: { queueName: string; url: string }[] = [];
  for (const logical of logicalNames) {
    const listed = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${logical}-` }));
    const own = new RegExp(`^${logical.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{7}$`);
    for (const url of listed.QueueUrls ?? []) {
      const queueName = url.split('/').pop() ?? url;
      if (own.test(queueName)) found.push({ queueName, url });
    }
  }
  return found;
}
