import * as net from 'node:net';
import { findFreePort, findFreePorts } from '../../../../local/services/kernel/free-port';

describe('findFreePort', () => {
  it('returns a port that can be bound on loopback', async () => {
    // Act
    const port = await findFreePort();

    // Assess
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('asks again when the OS offers a port the caller is about to bind', async () => {
    // Prepare: the OS offers the reserved port twice before another
    const offers = [3000, 3000, 41234];
    const ask = jest.fn(async () => offers.shift() as number);

    // Act
    const port = await findFreePort([3000, 4566], ask);

    // Assess
    expect(port).toBe(41234);
    expect(ask).toHaveBeenCalledTimes(3);
  });

  it('gives up with a clear error when every offer is reserved', async () => {
    // Act
    const run = findFreePort([3000], async () => 3000);

    // Assess
    await expect(run).rejects.toThrow('no free port outside 3000 after 20 attempts');
  });
});

describe('findFreePorts', () => {
  it('gives distinct ports, none of those to avoid, though the OS offers one again', async () => {
    // Prepare
    const offers = [5000, 5000, 3000, 5001];

    // Act
    const ports = await findFreePorts(2, [3000], async () => offers.shift() as number);

    // Assess
    expect(ports).toEqual([5000, 5001]);
  });
});
