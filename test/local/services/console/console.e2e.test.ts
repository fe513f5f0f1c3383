/**
 * The console in a real browser: Debian's chromium driven by playwright-core, against the local cloud started as
 * `npm start` starts it. An order goes in through the API (with a customer token), reaches `shipped` in the table
 * items, its trace opens, a dead-letter queue opens and its redrive button turns what it holds into an order, the
 * archive's replay button replays the last hour; an upload carrying a
 * `<script>` shows as text; the metrics show one order captured and one shipped (issue 15.4). Screenshots go to
 * .local/artifacts/ (and to CONSOLE_SCREENSHOT, e.g. docs/console.png, when set).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { findStackQueues } from '../../../../tools/aws-clients';
import { customerToken, freePort, PROJECT_DIR, RunningCloud, startCli, tempDataDir } from '../../e2e/harness';

jest.setTimeout(300_000);

const CHROMIUM = '/usr/bin/chromium';
const data = tempDataDir();
const profile = mkdtempSync(path.join(tmpdir(), 'console-chromium-'));
const artifacts = path.join(PROJECT_DIR, '.local', 'artifacts');
let cloud: RunningCloud;
let consoleUrl: string;
let browser: BrowserContext;
let page: Page;

/** An upload event as the bus delivers it (the fixture), to play a dead-lettered one. */
const uploadEvent = JSON.parse(
  readFileSync(path.join(PROJECT_DIR, 'test', 'fixtures', 'events', 'order-uploaded.json'), 'utf8'),
) as { id: string; detail: Record<string, unknown> };

/** Puts a Lambda on-failure record for the function `functionPrefix-*` into its `-failures` queue. */
async function deadLetter(functionPrefix: string, payload: unknown): Promise<void> {
  const config = { endpoint: cloud.edge, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } };
  const sqs = new SQSClient(config);
  const lambda = new LambdaClient(config);
  try {
    const functions = await lambda.send(new ListFunctionsCommand({}));
    const fn = functions.Functions?.find((f) => f.FunctionName?.startsWith(`${functionPrefix}-`));
    const [queue] = await findStackQueues(sqs, [`${functionPrefix}-failures`]);
    const record = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: randomUUID(),
        functionArn: `${fn?.FunctionArn}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: payload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'played by the test' },
    };
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: JSON.stringify(record) }));
  } finally {
    sqs.destroy();
    lambda.destroy();
  }
}

async function upload(body: unknown, token: string): Promise<string> {
  const response = await fetch(`${cloud.api}/uploads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const accepted = (await response.json()) as { Entries: { EventId: string }[] };
  return accepted.Entries[0].EventId;
}

beforeAll(async () => {
  const port = await freePort();
  cloud = await startCli(['--in-memory', '--data-dir', data.dir], { CONSOLE_PORT: String(port) });
  consoleUrl = `http://127.0.0.1:${port}`;
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
});

afterAll(async () => {
  await browser?.close();
  await cloud?.stop();
  data.remove();
  rmSync(profile, { recursive: true, force: true });
});

describe('the local console in chromium', () => {
  it('prints its URL at start-up', () => {
    expect(cloud.output()).toMatch(new RegExp(`Console +${consoleUrl.replace(/[.:/]/g, '\\$&')} `));
  });

  it('follows an order to shipped, traces it, opens a dead-letter queue and presses redrive', async () => {
    // Prepare: the page, then an order and an upload whose payload carries markup.
    await page.goto(consoleUrl);
    const token = await customerToken(data.dir, 'console-customer');
    const order = JSON.parse(readFileSync(path.join(PROJECT_DIR, 'examples', 'upload.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const id = await upload(order, token);
    const hostile = '<script>window.__injected = true</script><img src=x onerror="window.__injected = true">';
    // The catch-all log keeps no upload bodies, but a rejection's reason names the unknown key: user input.
    await upload({ ...order, idempotencyKey: 'console-hostile-1', [hostile]: 1 }, token);

    // Act + assess: the order reaches shipped in the table items.
    const row = page
      .locator('[data-testid="item"]', { hasText: id })
      .filter({ has: page.locator('td[data-column="state"]', { hasText: 'shipped' }) });
    await row.first().waitFor({ timeout: 90_000 });

    // Its trace opens, with the journey to shipped.
    await row.first().locator('[data-testid="trace-button"]').click();
    await page.locator('[data-testid="final-state"]', { hasText: 'final state: shipped' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="hop"]').count()).toBeGreaterThan(4);
    await page.screenshot({ path: path.join(artifacts, 'console-trace.png') });

    // The hostile payload shows as text on the bus, and nothing of it ran.
    const hostileEvent = page.locator('[data-testid="event"]', { hasText: '__injected' }).first();
    await hostileEvent.waitFor({ timeout: 30_000 });
    expect(await hostileEvent.textContent()).toContain('<script>window.__injected = true</script>');
    expect(await page.locator('main script, main [data-testid="events"] img, [data-testid="items"] img').count()).toBe(
      0,
    );
    expect(await page.evaluate(() => (globalThis as { __injected?: boolean }).__injected)).toBeUndefined();

    // A dead-letter queue opens with AWS's attributes; its redrive button sends what it holds back: here an upload
    // capture-order failed on (a Lambda on-failure record), which becomes an order.
    const lost = {
      ...uploadEvent,
      id: randomUUID(),
      detail: { ...uploadEvent.detail, customerId: 'console-customer' },
    };
    await deadLetter('capture-order', lost);
    const queue = page.locator('details[data-queue^="capture-order-failures-"]');
    await queue.locator('summary', { hasText: '1 visible' }).waitFor({ timeout: 30_000 });
    await queue.locator('summary').click();
    await queue.locator('td', { hasText: 'QueueArn' }).waitFor();
    await queue.locator('[data-testid="redrive"]').click();
    await queue
      .locator('[data-testid="redrive-status"]', { hasText: 'placed 1, refused 0' })
      .waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="item"]', { hasText: lost.id }).first().waitFor({ timeout: 60_000 });

    // The archive's replay button replays the last hour onto the bus (StartReplay on the edge) to the end.
    await page.locator('[data-testid="replay"]').first().click();
    await page
      .locator('[data-testid="replay-status"]', { hasText: /^replay [\w.-]+: COMPLETED/ })
      .first()
      .waitFor({ timeout: 60_000 });

    // The metrics show the order captured and shipped (issue 15: the same EMF lines CloudWatch would read).
    const captured = page.locator('[data-metric="OrdersCaptured"] h3');
    await captured.waitFor({ timeout: 30_000 });
    await page.locator('[data-metric="OrdersShipped"] h3', { hasText: /: 1$/ }).waitFor({ timeout: 30_000 });
    expect(await captured.textContent()).toMatch(/: 1$/);
    expect(await page.locator('[data-testid="alarm"]').count()).toBeGreaterThan(0);

    mkdirSync(artifacts, { recursive: true });
    // The top of the page: the clicks above moved the focus and the scroll.
    await page.evaluate(
      "document.activeElement?.blur(); document.querySelectorAll('section').forEach((s) => (s.scrollLeft = 0)); window.scrollTo(0, 0)",
    );
    await page.waitForTimeout(300);
    const top = { fullPage: false };
    const readmeCopy = process.env.CONSOLE_SCREENSHOT; // e.g. docs/console.png; docs/console-metrics.png beside it
    await page.screenshot({ path: path.join(artifacts, 'console.png'), ...top });
    if (readmeCopy) await page.screenshot({ path: path.resolve(PROJECT_DIR, readmeCopy), ...top });
    const metrics = page.locator('#metrics'); // an element's screenshot scrolls to it: taken last
    await metrics.screenshot({ path: path.join(artifacts, 'console-metrics.png') });
    if (readmeCopy)
      await metrics.screenshot({ path: path.resolve(PROJECT_DIR, readmeCopy.replace(/\.png$/, '-metrics.png')) });
  });
});
