// Starts an http server for an app; used by main.ts and by the tests (port 0 = ephemeral).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from './app';

export interface RunningServer {
  server: Server;
  port: number;
  /** Base URL to reach it, e.g. http://127.0.0.1:4173 (no trailing slash). */
  url: string;
  close(): Promise<void>;
}

/** `host` undefined listens on all interfaces, so both localhost and 127.0.0.1 reach it. */
export function listen(app: Pick<App, 'handler'>, port: number, host?: string): Promise<RunningServer> {
  const server = createServer((req, res) => void app.handler(req, res));
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = (server.address() as AddressInfo).port;
      const shown = !host || host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
      resolve({ server, port: actual, url: `http://${shown}:${actual}`, close: () => closeServer(server) });
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    // Keep-alive or slow clients must not hold shutdown hostage.
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}
