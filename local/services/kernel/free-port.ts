/** A free TCP port on loopback, for a server or child process the local cloud (or a test) is about to start. */
import * as net from 'node:net';

/** Asks the OS for a free port on loopback, then releases it for the child to bind. */
function askOsForFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

const ATTEMPTS = 20;

/**
 * A free port that is none of `avoid`. A port picked this way is only free until someone binds it, and a port the
 * caller was told to use (PORT, AWS_EDGE_PORT) is free until the caller's own server binds it a moment later: the OS
 * may hand that one out meanwhile, so it is asked again.
 */
export async function findFreePort(
  avoid: readonly number[] = [],
  ask: () => Promise<number> = askOsForFreePort,
): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const port = await ask();
    if (!avoid.includes(port)) return port;
  }
  throw new Error(`no free port outside ${avoid.join(', ')} after ${ATTEMPTS} attempts`);
}

/** `count` distinct free ports, none of `avoid`: for a cloud or a test that is given several ports at once. */
export async function findFreePorts(
  count: number,
  avoid: readonly number[] = [],
  ask: () => Promise<number> = askOsForFreePort,
): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) ports.push(await findFreePort([...avoid, ...ports], ask));
  return ports;
}
