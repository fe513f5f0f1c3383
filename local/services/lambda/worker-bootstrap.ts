/**
 * The code each function worker runs: our stand-in for the Lambda Node.js runtime interface client.
 *
 * It is plain CommonJS kept in a string and started with `new Worker(source, { eval: true })`, so that it runs the
 * same under tsx, ts-jest and compiled JavaScript (a `.ts` worker file would need a loader in every thread).
 *
 * What it copies from the Node.js runtime (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html, https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html):
 * - init once per environment (module scope survives between invocations of a warm worker);
 * - `handler` = `<file>.<export>`; async handlers and callback handlers (3 parameters);
 * - the context object (awsRequestId, functionName, getRemainingTimeInMillis(), ...);
 * - console output as `<ISO time>\t<request id>\t<LEVEL>\t<message>` lines, all on stdout;
 * - errors reported as `{ errorType, errorMessage, trace }`; a thrown non-Error value reports its type name;
 * - init failures as `Runtime.ImportModuleError` / `Runtime.HandlerNotFound`; an uncaught error or rejection while
 *   an invocation runs fails it and the environment is discarded.
 *
 * Protocol with the parent (postMessage):
 *   parent → worker: { type: 'invoke', requestId, event (JSON text), deadline (epoch ms) } (the context fields that
 *                    never change, function name, ARN, memory, log group and stream, come once in workerData)
 *   worker → parent: { type: 'result', requestId, ok: true, payload (JSON text) }
 *                  | { type: 'result', requestId, ok: false, error: { errorType, errorMessage, trace }, fatal }
 * Before each result the worker writes the marker line `LOG_FLUSH_MARKER + requestId` to stdout, so the parent knows
 * every log line of the invocation has arrived.
 *
 * A worker's stdout reaches the parent as one message per write, so writes are gathered and sent once per turn of
 * the worker's event loop, and the last ones together with the marker: a few messages per invocation instead of
 * one per log line. Order is kept; only the moment a line arrives moves, never its text or its time stamp.
 */

export const LOG_FLUSH_MARKER = '\u0000lambda-local-flush ';

export const WORKER_BOOTSTRAP_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const util = require('node:util');
const MARKER = ${JSON.stringify(LOG_FLUSH_MARKER)};

let currentRequestId = undefined;

const realWrite = process.stdout.write.bind(process.stdout);
let pendingOut = '';
let pendingCallbacks = [];
let flushScheduled = false;
function flushOut(suffix, callback) {
  const text = pendingOut + (suffix || '');
  const callbacks = pendingCallbacks;
  pendingOut = '';
  pendingCallbacks = [];
  flushScheduled = false;
  if (callback) callbacks.push(callback);
  if (text === '') {
    for (const cb of callbacks) cb();
    return;
  }
  realWrite(text, () => {
    for (const cb of callbacks) cb();
  });
}
process.stdout.write = function (chunk, encoding, callback) {
  if (typeof encoding === 'function') callback = encoding;
  pendingOut += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  if (typeof callback === 'function') pendingCallbacks.push(callback);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(() => flushOut());
  }
  return true;
};

function emit(level, args) {
  const text = util.format.apply(util, args);
  process.stdout.write(new Date().toISOString() + '\t' + (currentRequestId || 'undefined') + '\t' + level + '\t' + text + '\n');
}
console.log = (...a) => emit('INFO', a);
console.info = (...a) => emit('INFO', a);
console.warn = (...a) => emit('WARN', a);
console.error = (...a) => emit('ERROR', a);
console.debug = (...a) => emit('DEBUG', a);
console.trace = (...a) => emit('TRACE', a);

function describeError(error) {
  if (error instanceof Error) {
    return {
      errorType: error.name || (error.constructor && error.constructor.name) || 'Error',
      errorMessage: error.message,
      trace: typeof error.stack === 'string' ? error.stack.split('\n') : [],
    };
  }
  // The Node runtime reports thrown non-Error values by their type.
  return { errorType: typeof error, errorMessage: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error), trace: [] };
}

let handler;
let initError;
try {
  const moduleExports = require(workerData.bundlePath);
  const exportName = workerData.handler.slice(workerData.handler.lastIndexOf('.') + 1);
  handler = moduleExports ? moduleExports[exportName] : undefined;
  if (typeof handler !== 'function') {
    initError = { errorType: 'Runtime.HandlerNotFound', errorMessage: workerData.handler + ' is undefined or not exported', trace: [] };
  }
} catch (error) {
  const described = describeError(error);
  initError = error && error.code === 'MODULE_NOT_FOUND'
    ? { errorType: 'Runtime.ImportModuleError', errorMessage: 'Error: ' + described.errorMessage, trace: described.trace }
    : described;
  emit('ERROR', ['Init failed:', error]);
}

let active = undefined;

function finish(message) {
  if (!active || active.requestId !== message.requestId) return;
  active = undefined;
  flushOut(MARKER + message.requestId + '\n', () => {
    parentPort.postMessage(message);
    currentRequestId = undefined;
  });
}

function failActive(errorType, error, fatal) {
  if (!active) return;
  const described = describeError(error);
  if (errorType) described.errorType = errorType;
  emit('ERROR', ['Invoke Error', JSON.stringify(described)]);
  finish({ type: 'result', requestId: active.requestId, ok: false, error: described, fatal });
}

process.on('uncaughtException', (error) => failActive(undefined, error, true));
process.on('unhandledRejection', (reason) => failActive('Runtime.UnhandledPromiseRejection', reason, true));

parentPort.on('message', (message) => {
  if (message.type !== 'invoke') return;
  const requestId = message.requestId;
  currentRequestId = requestId;
  active = { requestId };
  if (initError) {
    emit('ERROR', ['Invoke Error', JSON.stringify(initError)]);
    finish({ type: 'result', requestId, ok: false, error: initError, fatal: true });
    return;
  }
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: workerData.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: workerData.invokedFunctionArn,
    memoryLimitInMB: String(workerData.memoryLimitInMB),
    awsRequestId: requestId,
    logGroupName: workerData.logGroupName,
    logStreamName: workerData.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  const succeed = (value) => {
    let payload;
    try {
      payload = JSON.stringify(value === undefined ? null : value);
    } catch (error) {
      failActive('Runtime.MarshalError', error, false);
      return;
    }
    finish({ type: 'result', requestId, ok: true, payload: payload === undefined ? 'null' : payload });
  };
  const fail = (error) => failActive(undefined, error, false);
  context.succeed = succeed;
  context.fail = fail;
  context.done = (error, value) => (error ? fail(error) : succeed(value));
  let event;
  try {
    event = JSON.parse(message.event);
  } catch (error) {
    fail(error);
    return;
  }
  try {
    if (handler.length >= 3) {
      const returned = handler(event, context, (error, value) => (error ? fail(error) : succeed(value)));
      if (returned && typeof returned.then === 'function') returned.then(succeed, fail);
    } else {
      Promise.resolve(handler(event, context)).then(succeed, fail);
    }
  } catch (error) {
    fail(error);
  }
});
`;
