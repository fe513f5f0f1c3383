/**
 * The console's page: static HTML, CSS and a small script, served from the local cloud itself (nothing from the
 * internet). The script builds every piece of data into the DOM with `textContent` and attributes, never as HTML,
 * so an event payload or an item that contains markup shows as text; the Content-Security-Policy (index.ts) also
 * refuses inline scripts. Live updates by polling the JSON endpoints every two seconds.
 */
export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Local cloud console</title>
<link rel="stylesheet" href="/console.css">
<script src="/console.js" defer></script>
</head>
<body>
<header><h1>Local cloud console</h1><span id="status" data-testid="status"></span></header>
<nav>
  <a href="#diagram">Diagram</a> <a href="#events">Events</a> <a href="#items">Tables</a> <a href="#trace">Trace</a>
  <a href="#queues">Queues</a> <a href="#archives">Archives</a> <a href="#metrics">Metrics</a> <a href="#alarms">Alarms</a>
</nav>
<main>
<section id="items"><h2>Table items</h2><div data-testid="items"></div></section>
<section id="trace"><h2>Trace</h2>
  <form id="trace-form"><input id="trace-id" name="id" placeholder="an id the logs carry" size="40"> <button>Trace</button></form>
  <div data-testid="trace"></div></section>
<section id="events"><h2>Events on each bus</h2><div data-testid="events"></div></section>
<section id="queues"><h2>Queues</h2><div data-testid="queues"></div></section>
<section id="archives"><h2>Archives</h2><div data-testid="archives"></div></section>
<section id="metrics"><h2>Metrics (from embedded metric format log lines, per minute)</h2><div data-testid="metrics"></div></section>
<section id="alarms"><h2>Alarms, evaluated locally</h2><div data-testid="alarms"></div></section>
<section id="diagram"><h2>Diagram</h2><div data-testid="diagram"><img src="/diagram.svg" alt="stack diagram"></div></section>
</main>
</body>
</html>
`;

export const CONSOLE_CSS = `
body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #1d2430; background: #f6f7f9; }
header { background: #232f3e; color: #fff; padding: 8px 16px; display: flex; gap: 16px; align-items: baseline; }
header h1 { font-size: 17px; margin: 0; }
#status { color: #c9d1d9; }
nav { padding: 6px 16px; background: #e9edf2; }
nav a { margin-right: 10px; color: #0b5cad; }
main { padding: 0 16px 24px; }
section { background: #fff; border: 1px solid #d8dee4; border-radius: 6px; margin-top: 12px; padding: 8px 12px; overflow-x: auto; }
h2 { font-size: 14px; margin: 4px 0 8px; }
h3 { font-size: 13px; margin: 8px 0 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; border-bottom: 1px solid #eef1f4; padding: 3px 6px; vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.payload { font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; max-width: 900px; }
pre { background: #f3f5f7; padding: 6px; white-space: pre-wrap; margin: 4px 0; }
button { cursor: pointer; }
.ALARM { color: #b42318; font-weight: 600; } .OK { color: #067647; } .NOT_EVALUATED { color: #667085; }
.failed { color: #b42318; }
.node rect { fill: #eef4fb; stroke: #6b8bb3; } .node text { font-size: 11px; fill: #1d2430; }
.edge { fill: none; stroke: #8a96a3; }
svg.chart { background: #fbfcfd; border: 1px solid #eef1f4; margin: 2px 8px 8px 0; }
svg.chart rect { fill: #4a7ebb; } svg.chart text { font-size: 10px; fill: #475467; }
.metric { display: inline-block; vertical-align: top; width: 320px; margin-right: 16px; }
.metric h3 { font-weight: 600; overflow-wrap: anywhere; }
`;

export const CONSOLE_JS = `'use strict';
const POLL_MS = 2000;
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'onclick') node.addEventListener('click', v);
    else node.setAttribute(k, String(v));
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child === undefined || child === null ? '' : String(child)));
  return node;
}
function show(value) { return typeof value === 'string' ? value : JSON.stringify(value); }
function time(ms) { return new Date(ms).toISOString().replace('T', ' ').replace('Z', ''); }
function replace(testid, ...nodes) { const box = document.querySelector('[data-testid="' + testid + '"]'); box.replaceChildren(...nodes); }
async function getJson(url) { const r = await fetch(url); if (!r.ok) throw new Error(url + ': ' + r.status); return r.json(); }
async function post(url, body) {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-local-console': '1' }, body: JSON.stringify(body) });
  const answer = await r.json().catch(() => ({ message: r.statusText }));
  return (r.ok ? '' : r.status + ': ') + (answer.message || '');
}
function table(headers, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))), el('tbody', {}, ...rows));
}

function renderEvents(data) {
  replace('events', ...data.buses.map((bus) => el('div', { 'data-bus': bus.logGroupName },
    el('h3', {}, bus.label + ' (' + bus.logGroupName + '): ' + bus.events.length + ' event(s), newest first'),
    table(['time', 'detail-type', 'source', 'payload'], bus.events.map((e) =>
      el('tr', { 'data-testid': 'event' }, el('td', {}, time(e.timestamp)), el('td', {}, e.detailType || ''), el('td', {}, e.source || ''), el('td', { class: 'payload' }, e.message)))))));
}

function renderItems(data) {
  replace('items', ...data.tables.map((t) => {
    const columns = t.columns;
    return el('div', {}, el('h3', {}, t.name + ': ' + t.items.length + ' item(s)' + (t.truncated ? ' (first ' + t.items.length + ')' : '')),
      table([...columns, ''], t.items.map((item) => el('tr', { 'data-testid': 'item' },
        ...columns.map((c) => el('td', { 'data-column': c }, item[c] === undefined ? '' : show(item[c]))),
        el('td', {}, ...(t.traceKey && item[t.traceKey] !== undefined ? [el('button', { 'data-testid': 'trace-button', onclick: () => trace(String(item[t.traceKey])) }, 'trace')] : []))))));
  }));
}

async function trace(id) {
  document.getElementById('trace-id').value = id;
  replace('trace', el('p', {}, 'tracing ' + id + '…'));
  try {
    const data = await getJson('/api/trace?id=' + encodeURIComponent(id));
    replace('trace', el('p', {}, 'npm run trace -- ' + id), table(['time', 'where', 'what'], data.trace.hops.map((h) =>
      el('tr', { 'data-testid': 'hop', class: h.failed ? 'failed' : '' }, el('td', {}, time(h.time)), el('td', {}, h.where), el('td', { class: 'payload' }, h.what)))),
      el('p', { 'data-testid': 'final-state' }, data.trace.finalState ? 'final state: ' + data.trace.finalState : (data.trace.hops.length ? '' : 'No log event mentions ' + id + '.')));
    location.hash = 'trace';
  } catch (error) { replace('trace', el('p', { class: 'failed' }, String(error))); }
}

const openQueues = new Set();
const actionStatus = new Map(); // survives the re-renders of the polling
function renderQueues(data) {
  replace('queues', ...data.queues.map((q) => {
    const details = el('details', { 'data-queue': q.name }, el('summary', {}, q.name + (q.deadLetter ? ' (dead-letter queue)' : '') + ': ' + (q.attributes.ApproximateNumberOfMessages || '0') + ' visible'));
    if (openQueues.has(q.name)) details.open = true;
    details.addEventListener('toggle', () => (details.open ? openQueues.add(q.name) : openQueues.delete(q.name)));
    const status = el('span', { 'data-testid': 'redrive-status' }, actionStatus.get(q.url) || '');
    details.append(
      table(['attribute', 'value'], Object.entries(q.attributes).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v)))),
      el('h3', {}, 'Messages (peeked: visibility timeout 0)'),
      table(['id', 'sent', 'receive count', 'attributes', 'body'], q.messages.map((m) => el('tr', { 'data-testid': 'message' },
        el('td', {}, m.messageId), el('td', {}, m.sent ? time(m.sent) : ''), el('td', {}, m.receiveCount || ''), el('td', { class: 'payload' }, JSON.stringify(m.messageAttributes)), el('td', { class: 'payload' }, m.body)))),
      el('p', {}, el('button', { 'data-testid': 'redrive', onclick: async () => { status.textContent = 'redriving…'; actionStatus.set(q.url, await post('/api/redrive', { queueUrl: q.url })); status.textContent = actionStatus.get(q.url); refresh(); } }, 'Redrive'), ' ', status));
    return details;
  }));
}

function renderArchives(data) {
  replace('archives', table(['archive', 'bus', 'events', ''], data.archives.map((a) => {
    const status = el('span', { 'data-testid': 'replay-status' }, actionStatus.get(a.name) || '');
    return el('tr', {}, el('td', {}, a.name), el('td', {}, a.bus), el('td', {}, a.events),
      el('td', {}, el('button', { 'data-testid': 'replay', onclick: async () => { status.textContent = 'replaying…'; actionStatus.set(a.name, await post('/api/replay', { archive: a.name, minutes: 60 })); status.textContent = actionStatus.get(a.name); } }, 'Replay last hour'), ' ', status));
  })));
}

function chart(series, from, to) {
  const NS = 'http://www.w3.org/2000/svg';
  const w = 300, h = 80, minutes = Math.round((to - from) / 60000);
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'chart'); svg.setAttribute('width', w); svg.setAttribute('height', h + 14);
  // Counts chart their sum per minute; other units (times) their average.
  const value = (p) => (series.unit && series.unit !== 'Count' ? p.sum / p.count : p.sum);
  const max = Math.max(1, ...series.periods.map(value));
  for (const p of series.periods) {
    const i = Math.round((p.start - from) / 60000);
    if (i < 0 || i >= minutes) continue;
    const bar = document.createElementNS(NS, 'rect');
    const bh = Math.max(2, (value(p) / max) * h);
    bar.setAttribute('x', String((i * w) / minutes)); bar.setAttribute('y', String(h - bh));
    bar.setAttribute('width', String(Math.max(2, w / minutes - 1))); bar.setAttribute('height', String(bh));
    const title = document.createElementNS(NS, 'title'); title.textContent = time(p.start) + ': ' + value(p); bar.append(title);
    svg.append(bar);
  }
  const label = document.createElementNS(NS, 'text'); label.setAttribute('x', '2'); label.setAttribute('y', String(h + 12));
  label.textContent = 'last ' + minutes + ' min, max ' + max; svg.append(label);
  return svg;
}

function renderMetrics(data) {
  replace('metrics', ...data.series.map((s) => el('div', { class: 'metric', 'data-metric': s.metricName },
    el('h3', {}, s.metricName + ': ' + (s.unit && s.unit !== 'Count' ? Math.round(s.total / Math.max(1, s.periods.reduce((n, p) => n + p.count, 0))) + ' ' + s.unit + ' (average)' : s.total)),
    el('div', {}, Object.entries(s.dimensions).map(([k, v]) => k + '=' + v).join(' ')),
    chart(s, data.from, data.to))));
  replace('alarms', table(['alarm', 'state', 'why', 'description'], data.alarms.map((a) =>
    el('tr', { 'data-testid': 'alarm' }, el('td', {}, a.name), el('td', { class: a.state }, a.state), el('td', {}, a.reason), el('td', {}, a.description || '')))));
}

async function refresh() {
  const parts = [['/api/events', renderEvents], ['/api/items', renderItems], ['/api/queues', renderQueues], ['/api/archives', renderArchives], ['/api/metrics', renderMetrics]];
  const failed = [];
  await Promise.all(parts.map(async ([url, render]) => { try { render(await getJson(url)); } catch (error) { failed.push(String(error)); } }));
  document.getElementById('status').textContent = failed.length ? 'update failed: ' + failed.join('; ') : 'updated ' + new Date().toLocaleTimeString();
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('trace-form').addEventListener('submit', (e) => { e.preventDefault(); const id = document.getElementById('trace-id').value.trim(); if (id) trace(id); });
  refresh();
  setInterval(refresh, POLL_MS);
});
`;
