/**
 * How queue URLs look on the edge. Pure (no I/O).
 *
 * The graph gives each queue a real-looking URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). A client
 * pointed at the edge must never be handed such a URL: the AWS SDK (v3, `useQueueUrlAsEndpoint`) and the CLI may
 * send a request to the host of the QueueUrl instead of the configured endpoint, which would leave the machine.
 * So GetQueueUrl and ListQueues answer with edge-local URLs `http://<edge host>/<account>/<name>`, built from the
 * Host header the client used (so `localhost:4566` and `127.0.0.1:4566` both round-trip). Requests may name a queue
 * by either URL form (or by ARN): SqsService matches any URL by its `/<account>/<name>` path.
 */

/** `http://<host>/<account>/<name>` */
export function edgeQueueUrl(edgeBaseUrl: string, account: string, name: string): string {
  return `${edgeBaseUrl.replace(/\/+$/, '')}/${account}/${name}`;
}

/** The edge-local form of any queue URL (`https://sqs.us-east-1.amazonaws.com/1/q` → `http://127.0.0.1:4566/1/q`). */
export function toEdgeQueueUrl(queueUrl: string, edgeBaseUrl: string): string {
  const match = /^[a-z]+:\/\/[^/]+\/([^/]+)\/([^/?#]+)/i.exec(queueUrl);
  if (!match) return queueUrl;
  return edgeQueueUrl(edgeBaseUrl, match[1], match[2]);
}
