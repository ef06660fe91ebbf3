import { connect, type Socket } from 'node:net';

/**
 * A load generator's HTTP/1.1 client, as wrk or autocannon would be: keep-alive connections, one request at a time on
 * each, the request written as one string and the answer read as far as its status line and Content-Length. A
 * general client (undici) spends more of this shared core per request than the server under test, and the figure is
 * meant to be the server's. Answers without Content-Length are refused rather than guessed at.
 */
export function loadClient(base: string, connections: number) {
  const url = new URL(base);
  const port = Number(url.port);
  const idle = Array.from({ length: connections }, () => new Connection(url.hostname, port));
  const all = [...idle];
  const waiting: Array<(connection: Connection) => void> = [];

  function release(connection: Connection) {
    const next = waiting.shift();
    if (next) next(connection);
    else idle.push(connection);
  }

  return {
    /** Sends one POST with a JSON body; answers the status code. */
    async post(path: string, headers: Record<string, string>, body: string): Promise<number> {
      const connection = idle.pop() ?? (await new Promise<Connection>((resolve) => waiting.push(resolve)));
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      const head = `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\n${lines.join('')}`;
      try {
        return await connection.send(`${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      } finally {
        release(connection);
      }
    },
    close() {
      for (const connection of all) connection.socket.destroy();
    },
  };
}

class Connection {
  readonly socket: Socket;
  private buffered = '';
  private waiting: { resolve(status: number): void; reject(error: Error): void } | undefined;

  constructor(host: string, port: number) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      this.answer();
    });
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the server closed the connection')));
  }

  send(request: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  private answer() {
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0 || !this.waiting) return;
    const head = this.buffered.slice(0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
    if (length === undefined) return this.fail(new Error(`an answer without Content-Length: ${head.split('\r\n')[0]}`));
    if (this.buffered.length < end + 4 + Number(length)) return;
    this.buffered = this.buffered.slice(end + 4 + Number(length));
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting.resolve(Number(head.slice(9, 12)));
  }

  private fail(error: Error) {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }
}
