// A TCP proxy in front of PostgreSQL that a test can take down and bring back: down closes the
// listening socket and cuts every open connection (as a network outage or a dead server would, so
// new connections are refused), up listens again on the same port.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

export interface TcpProxy {
  port: number;
  readonly up: boolean;
  down(): Promise<void>;
  bringUp(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let listeningPort = port;
  const listen = async () => {
    const s = createServer((client) => {
      const upstream = connect(target.port, target.host);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    s.listen(listeningPort, '127.0.0.1');
    await once(s, 'listening');
    listeningPort = (s.address() as { port: number }).port;
    server = s;
  };
  const down = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return {
    get port() {
      return listeningPort;
    },
    get up() {
      return server !== undefined;
    },
    down,
    bringUp: async () => {
      if (!server) await listen();
    },
    close: down,
  };
}
