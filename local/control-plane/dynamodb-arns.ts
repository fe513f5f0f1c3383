/**
 * DynamoDB Local names every table `arn:aws:dynamodb:ddblocal:000000000000:table/<name>` and every stream
 * `…/stream/<label>`; the stack declares `arn:aws:dynamodb:<region>:<account>:table/<name>` and a stream ARN of its
 * own. The edge forwards DynamoDB and DynamoDB Streams calls to DynamoDB Local; this translator rewrites the ARNs
 * in the answers to the stack's and those in the requests back, so that a client sees one set of ARNs, the ones
 * `pulumi up` would have produced. The stream a table currently has (DescribeTable's LatestStreamArn, or the first
 * one seen) is shown as the stream ARN the stack declares; older streams keep their label. Shard iterators carry
 * the stream ARN inside them, so they are translated like any other text (GetShardIterator → GetRecords). Pure.
 */

export interface TableArns {
  name: string;
  /** The stack's stream ARN for the table, when it declares a stream. */
  streamArn?: string;
}

/** Item operations carry customer data and no ARNs: they pass byte for byte, untouched. */
const ITEM_OPERATIONS = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

const LOCAL_ARN = /arn:aws:dynamodb:ddblocal:\d{12}:table\/([A-Za-z0-9_.-]+)(?:\/stream\/([0-9A-Za-z:._-]+))?/g;
const LATEST =
  /"LatestStreamArn"\s*:\s*"arn:aws:dynamodb:ddblocal:\d{12}:table\/([A-Za-z0-9_.-]+)\/stream\/([0-9A-Za-z:._-]+)"/g;
const LOCAL_PREFIX = 'arn:aws:dynamodb:ddblocal:000000000000:table/';

export class DynamoDbArnTranslator {
  private readonly declaredStreams = new Map<string, string>();
  /** Table → the label of its current stream in DynamoDB Local. */
  private readonly localLabels = new Map<string, string>();
  private readonly stackPrefix: string;

  constructor(region: string, accountId: string, tables: readonly TableArns[]) {
    this.stackPrefix = `arn:aws:dynamodb:${region}:${accountId}:table/`;
    for (const table of tables) if (table.streamArn) this.declaredStreams.set(table.name, table.streamArn);
  }

  static forGraph(graph: {
    region: string;
    accountId: string;
    ofType(type: string): { state: Record<string, unknown>; name: string }[];
  }): DynamoDbArnTranslator {
    const tables = graph.ofType('aws:dynamodb/table:Table').map((t) => ({
      name: typeof t.state.name === 'string' ? t.state.name : t.name,
      streamArn: typeof t.state.streamArn === 'string' && t.state.streamArn !== '' ? t.state.streamArn : undefined,
    }));
    return new DynamoDbArnTranslator(graph.region, graph.accountId, tables);
  }

  /** Does this call's traffic get translated (`DynamoDB_20120810.DescribeTable`…)? Item operations do not. */
  translates(target: string): boolean {
    const operation = target.slice(target.indexOf('.') + 1);
    return !ITEM_OPERATIONS.has(operation);
  }

  /** An answer of DynamoDB Local, with the stack's ARNs. */
  toStack(text: string): string {
    if (!text.includes('arn:aws:dynamodb:ddblocal:')) return text;
    for (const [, table, label] of text.matchAll(LATEST)) this.localLabels.set(table, label);
    return text.replace(LOCAL_ARN, (_match, table: string, label: string | undefined) => {
      if (label === undefined) return `${this.stackPrefix}${table}`;
      const declared = this.declaredStreams.get(table);
      if (declared && !this.localLabels.has(table)) this.localLabels.set(table, label);
      if (declared && this.localLabels.get(table) === label) return declared;
      return `${this.stackPrefix}${table}/stream/${label}`;
    });
  }

  /** Tables whose declared stream ARN this request names while their stream in DynamoDB Local is not known yet. */
  unresolvedTables(text: string): string[] {
    return [...this.declaredStreams]
      .filter(([table, declared]) => !this.localLabels.has(table) && text.includes(declared))
      .map(([table]) => table);
  }

  /** A request with the stack's ARNs, with DynamoDB Local's. */
  toLocal(text: string): string {
    let out = text;
    for (const [table, declared] of this.declaredStreams) {
      const label = this.localLabels.get(table);
      if (label && out.includes(declared)) out = out.split(declared).join(`${LOCAL_PREFIX}${table}/stream/${label}`);
    }
    return out.split(this.stackPrefix).join(LOCAL_PREFIX);
  }
}
