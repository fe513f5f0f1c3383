/**
 * A stand-in carrier for trying the contract by hand (docs/carrier-api.md): prints every request it receives
 * (method, path, headers, body) and answers 202, and confirms nothing: post the confirmation yourself.
 *   npx tsx examples/carrier-server.ts 9000
 *   npm start -- --config carrierEndpoint=http://127.0.0.1:9000/orders
 * Credentials are shown by length only: this prints to a terminal.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? 9000);
const credentialHeader = (name: string): boolean =>
  name === 'authorization' || (name.includes('key') && name !== 'idempotency-key');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const headers = Object.entries(req.headers).map(
      ([name, value]) =>
        `  ${name}: ${credentialHeader(name) ? `(${String(value).length} characters)` : String(value)}`,
    );
    console.log(
      [`${req.method} ${req.url}`, ...headers, `  body: ${Buffer.concat(chunks).toString('utf8')}`].join('\n'),
    );
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end('{"message":"Accepted"}');
  });
});
server.listen(port, '127.0.0.1', () => console.log(`Listening on http://127.0.0.1:${port}/ (Ctrl-C stops)`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => process.exit(0)));
