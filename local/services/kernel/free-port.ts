/** A free TCP port on loopback, for a server or child process the local cloud (or a test) is about to start. */
import * as net from 'node:net';

/** Asks the OS for a free port on loopback, then releases it for the child to bind. */
export function findFreePort(): Promise<number> {
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
