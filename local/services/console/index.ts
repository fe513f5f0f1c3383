/**
 * The local console: one page on 127.0.0.1 that shows the running stack, read through the same AWS APIs a user
 * would call (the edge: DynamoDB Scan, SQS, CloudWatch Logs via the trace tool) and the log store.
 *
 * - diagram: the Mermaid text tools/diagram derives from the graph, drawn as SVG here (diagram.ts);
 * - events on each bus: the log groups that rules write events into (the catch-all target), newest first;
 * - table items: a Scan of every table of the graph (read-only), scalar attributes only, with a trace button on the
 *   partition key's value;
 * - trace: tools/trace's collectTrace + assembleTrace, the very code of `npm run trace`, against the edge;
 * - queues: attributes and a peek at the messages (ReceiveMessage with VisibilityTimeout 0: they stay visible, but
 *   each peek counts in ApproximateReceiveCount, as on AWS);
 * - redrive and archive replay: tools/redrive, the very code of `npm run redrive`, against the edge;
 * - metrics: the embedded-metric-format lines of every log group, per minute (emf.ts); alarms: the graph's metric
 *   alarms evaluated over them and the queues' depth (alarms.ts).
 *
 * Safety: it listens on 127.0.0.1 only; a request whose Host is not 127.0.0.1/localhost is refused (DNS
 * rebinding), a POST needs a JSON body and the `x-local-console` header (a page elsewhere cannot send it without a
 * CORS preflight, which is never answered), and the page's CSP allows only its own script.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mermaidFromGraph } from '../../../tools/diagram/mermaid';
import { redriveClients, redriveQueue, replayArchive } from '../../../tools/redrive/redrive';
import { collectTrace } from '../../../tools/trace/collect';
import { traceSourcesFromGraph } from '../../../tools/trace/sources';
import { assembleTrace } from '../../../tools/trace/timeline';
import type { StackGraph } from '../../model/load';
import { physicalName } from '../../model/graph';
import { readTables } from '../dynamodb-local/definition';
import type { LogStore } from '../logs/store';
import { errorMessage } from '../kernel/errors';
import { isRecord } from '../kernel/values';
import { evaluateAlarm, readAlarms } from './alarms';
import { diagramSvg } from './diagram';
import { aggregate, parseEmf } from './emf';
import { CONSOLE_CSS, CONSOLE_HTML, CONSOLE_JS } from './page';

export interface ConsoleOptions {
  graph: StackGraph;
  edgeUrl: string;
  logs: LogStore;
  readArchive: (name: string) => unknown[];
  /** How far back the console looks (default one hour for events and metrics). */
  windowMs?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_EVENTS = 200;
const MAX_ITEMS = 200;
const MAX_COLUMNS = 16;
const MAX_TEXT = 60;

export class ConsoleService {
  private server?: http.Server;
  private readonly dynamo: DynamoDBClient;
  private readonly sqs: SQSClient;
  private readonly cloudWatchLogs: CloudWatchLogsClient;
  private readonly redrive: ReturnType<typeof redriveClients>;
  private readonly svg: string;

  constructor(private readonly options: ConsoleOptions) {
    const config = {
      endpoint: options.edgeUrl,
      region: options.graph.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    this.dynamo = new DynamoDBClient(config);
    this.sqs = new SQSClient(config);
    this.cloudWatchLogs = new CloudWatchLogsClient(config);
    this.redrive = redriveClients(config);
    this.svg = diagramSvg(mermaidFromGraph(options.graph.resources));
  }

  async start(port = 0): Promise<string> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.dynamo.destroy();
    this.sqs.destroy();
    this.cloudWatchLogs.destroy();
    this.redrive.destroy();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const send = (status: number, type: string, body: string): void => {
      res.writeHead(status, {
        'content-type': type,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'content-security-policy':
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'",
      });
      res.end(body);
    };
    const json = (status: number, value: unknown): void =>
      send(status, 'application/json; charset=utf-8', JSON.stringify(value));
    try {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (host !== '127.0.0.1' && host !== 'localhost')
        throw new HttpError(403, 'The console answers requests for 127.0.0.1 or localhost only.');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'POST') return json(200, await this.post(url.pathname, req));
      if (req.method !== 'GET') throw new HttpError(405, 'Method not allowed.');
      switch (url.pathname) {
        case '/':
          return send(200, 'text/html; charset=utf-8', CONSOLE_HTML);
        case '/console.js':
          return send(200, 'text/javascript; charset=utf-8', CONSOLE_JS);
        case '/console.css':
          return send(200, 'text/css; charset=utf-8', CONSOLE_CSS);
        case '/diagram.svg':
          return send(200, 'image/svg+xml', this.svg);
        case '/api/events':
          return json(200, this.busEvents());
        case '/api/items':
          return json(200, await this.items());
        case '/api/trace':
          return json(200, await this.trace(url.searchParams.get('id') ?? ''));
        case '/api/queues':
          return json(200, await this.queues());
        case '/api/archives':
          return json(200, this.archives());
        case '/api/metrics':
          return json(200, await this.metrics(Date.now()));
        default:
          throw new HttpError(404, `Nothing at ${url.pathname}.`);
      }
    } catch (error) {
      json(error instanceof HttpError ? error.status : 500, { message: errorMessage(error) });
    }
  }

  private async post(pathname: string, req: http.IncomingMessage): Promise<{ message: string }> {
    if (req.headers['x-local-console'] !== '1' || !(req.headers['content-type'] ?? '').startsWith('application/json'))
      throw new HttpError(403, 'A console action needs a JSON body and the x-local-console header.');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpError(400, 'The body is not JSON.');
    }
    if (!isRecord(body)) throw new HttpError(400, 'The body must be a JSON object.');
    if (pathname === '/api/redrive') {
      if (typeof body.queueUrl !== 'string') throw new HttpError(400, 'queueUrl is required.');
      const report = await redriveQueue(this.redrive, body.queueUrl);
      const refusals = report.refused.map((r) => `; ${r.messageId} refused: ${r.reason}`).join('');
      return { message: `placed ${report.placed}, refused ${report.refused.length}${refusals}` };
    }
    if (pathname === '/api/replay') {
      const minutes = Number(body.minutes ?? 60);
      if (typeof body.archive !== 'string' || !Number.isFinite(minutes) || minutes <= 0)
        throw new HttpError(400, 'archive and a positive number of minutes are required.');
      const to = new Date();
      const from = new Date(to.getTime() - minutes * 60_000);
      const replay = await replayArchive(this.redrive.events, { archiveName: body.archive, from, to });
      return { message: `replay ${replay.replayName}: ${replay.state}${replay.reason ? ` (${replay.reason})` : ''}` };
    }
    throw new HttpError(404, `Nothing at ${pathname}.`);
  }

  /** The log groups rules deliver events into: what went over each bus. */
  busEvents(): {
    buses: {
      logGroupName: string;
      label: string;
      events: { timestamp: number; detailType?: string; source?: string; message: string }[];
    }[];
  } {
    const since = Date.now() - (this.options.windowMs ?? 3_600_000);
    const groups = traceSourcesFromGraph(this.options.graph.resources).groups.filter((g) => g.kind === 'bus-log');
    return {
      buses: groups.map((group) => {
        let stored: { timestamp: number; message: string }[] = [];
        try {
          stored = this.options.logs.events(group.logGroupName).filter((e) => e.timestamp >= since);
        } catch {
          stored = []; // not written yet
        }
        const events = stored
          .slice(-MAX_EVENTS)
          .reverse()
          .map((e) => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(e.message);
            } catch {
              parsed = undefined;
            }
            const record = isRecord(parsed) ? parsed : {};
            const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
            return {
              timestamp: e.timestamp,
              detailType: text(record['detail-type']),
              source: text(record.source),
              message: e.message,
            };
          });
        return { logGroupName: group.logGroupName, label: group.label, events };
      }),
    };
  }

  /** Every table's items (read-only Scan through the edge), scalar attributes as columns. */
  async items(): Promise<{
    tables: {
      name: string;
      traceKey?: string;
      columns: string[];
      items: Record<string, unknown>[];
      truncated: boolean;
    }[];
  }> {
    const tables = readTables(this.options.graph);
    return {
      tables: await Promise.all(
        tables.map(async (table) => {
          const keys = (table.create.KeySchema ?? []).map((k) => String(k.AttributeName));
          const page = await this.dynamo.send(new ScanCommand({ TableName: table.name, Limit: MAX_ITEMS }));
          const items = (page.Items ?? []).map((item) => {
            const plain = unmarshall(item);
            // Nested values (addresses, lists) stay in the table: the console shows the item's scalar facts.
            const shown = (v: unknown): unknown =>
              v !== null && typeof v === 'object'
                ? '{…}'
                : typeof v === 'string' && v.length > MAX_TEXT
                  ? `${v.slice(0, MAX_TEXT - 1)}…`
                  : v;
            return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, shown(v)]));
          });
          const counts = new Map<string, number>();
          for (const item of items)
            for (const [key, value] of Object.entries(item))
              if (!keys.includes(key) && value !== '{…}') counts.set(key, (counts.get(key) ?? 0) + 1);
          const others = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
          const columns = [...keys, ...others].slice(0, MAX_COLUMNS);
          const byTime = (item: Record<string, unknown>): string => String(item.updatedAt ?? item.createdAt ?? '');
          items.sort((a, b) => byTime(b).localeCompare(byTime(a)));
          return {
            name: table.name,
            traceKey: keys[0],
            columns,
            items,
            truncated: page.LastEvaluatedKey !== undefined,
          };
        }),
      ),
    };
  }

  /** `npm run trace -- <id>`'s data, through the same functions against the edge. */
  async trace(id: string): Promise<{ trace: ReturnType<typeof assembleTrace> }> {
    if (id.trim() === '') throw new HttpError(400, 'id is required.');
    const sources = traceSourcesFromGraph(this.options.graph.resources);
    const collected = await collectTrace({
      logs: this.cloudWatchLogs,
      sqs: this.sqs,
      id,
      groups: sources.groups,
      queueLogicalNames: sources.queueLogicalNames,
      startTime: Date.now() - 14 * 86_400_000,
    });
    return {
      trace: assembleTrace({
        id,
        groups: sources.groups,
        events: collected.events,
        rules: sources.rules,
        deadLetters: collected.deadLetters,
      }),
    };
  }

  /** Every queue on the edge, its attributes and a peek at up to 10 messages. */
  async queues(): Promise<{
    queues: {
      name: string;
      url: string;
      deadLetter: boolean;
      attributes: Record<string, string>;
      messages: unknown[];
    }[];
  }> {
    const urls = (await this.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    const deadLetterArns = this.deadLetterArns();
    const queues = await Promise.all(
      urls.map(async (url) => {
        const attributes =
          (await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ??
          {};
        const received = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 0,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        const messages = (received.Messages ?? []).map((m) => ({
          messageId: m.MessageId,
          body: m.Body,
          sent: Number(m.Attributes?.SentTimestamp) || undefined,
          receiveCount: m.Attributes?.ApproximateReceiveCount,
          messageAttributes: Object.fromEntries(
            Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? v.BinaryValue ?? '']),
          ),
        }));
        const name = url.replace(/^.*\//, '');
        return { name, url, deadLetter: deadLetterArns.has(String(attributes.QueueArn)), attributes, messages };
      }),
    );
    return { queues: queues.sort((a, b) => a.name.localeCompare(b.name)) };
  }

  /** Queues named as a dead-letter target anywhere in the graph (rule targets, SQS redrive, Lambda, pipes). */
  private deadLetterArns(): Set<string> {
    const text = JSON.stringify(
      this.options.graph.resources.map((r) => [
        r.state.deadLetterConfig,
        r.state.redrivePolicy,
        r.state.sourceParameters,
        r.state.destinationConfig,
      ]),
    );
    return new Set(text.match(/arn:aws:sqs:[^"\\]+/g) ?? []);
  }

  archives(): { archives: { name: string; bus: string; events: number | string }[] } {
    return {
      archives: this.options.graph.ofType('aws:cloudwatch/eventArchive:EventArchive').map((r) => {
        const name = physicalName(r);
        let events: number | string;
        try {
          events = this.options.readArchive(name).length;
        } catch (error) {
          events = errorMessage(error);
        }
        return { name, bus: String(r.state.eventSourceArn ?? '').replace(/^.*:event-bus\//, ''), events };
      }),
    };
  }

  /** Per-minute series of every EMF metric in the window, and the alarms' local state. */
  async metrics(now: number): Promise<unknown> {
    const windowMs = this.options.windowMs ?? 3_600_000;
    const from = Math.floor((now - windowMs) / 60_000) * 60_000 + 60_000;
    const to = Math.floor(now / 60_000) * 60_000 + 60_000;
    const points = this.options.logs
      .groups()
      .flatMap((g) => this.options.logs.events(g.logGroupName))
      .flatMap((e) => parseEmf(e.message));
    const series = aggregate(points);
    // Depth from the attributes only: a peek would count in the messages' receive count.
    const depths: Record<string, number> = {};
    for (const url of (await this.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? []) {
      const attributes =
        (
          await this.sqs.send(
            new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
          )
        ).Attributes ?? {};
      depths[url.replace(/^.*\//, '')] = Number(attributes.ApproximateNumberOfMessages ?? 0);
    }
    const alarms = readAlarms(this.options.graph.resources).map((alarm) =>
      evaluateAlarm(alarm, { series, queueDepth: depths }, now),
    );
    return {
      from,
      to,
      series: series.map((s) => ({
        ...s,
        periods: s.periods.filter((p) => p.start >= from),
        total: s.periods.filter((p) => p.start >= from).reduce((n, p) => n + p.sum, 0),
      })),
      alarms,
    };
  }
}
