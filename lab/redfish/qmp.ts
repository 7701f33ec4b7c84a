// A QEMU Machine Protocol client on a unix socket: line-delimited JSON, one command at a time, the
// asynchronous events QEMU interleaves skipped.
import { connect, type Socket } from 'node:net';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class QmpClient {
  private buffer = '';
  private readonly queue: Pending[] = [];
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => {
      for (const p of this.queue.splice(0)) p.reject(new Error('QMP connection closed'));
    });
    socket.on('error', () => {});
  }

  /** Connects (retrying while QEMU creates the socket) and negotiates capabilities. */
  static async open(path: string, timeoutMs = 10_000): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path, () => resolve(s));
          s.once('error', reject);
        });
        const client = new QmpClient(socket);
        // The greeting arrives first, as an answer nobody asked for.
        await new Promise<unknown>((resolve, reject) => client.queue.push({ resolve, reject }));
        await client.execute('qmp_capabilities');
        return client;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`QMP socket ${path}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Runs one command; rejects with QEMU's error description. */
  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    const run = () =>
      new Promise<T>((resolve, reject) => {
        this.queue.push({ resolve: resolve as (v: unknown) => void, reject });
        this.socket.write(`${JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}) })}\n`);
      });
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => {});
    return next;
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      const msg = JSON.parse(line) as { QMP?: unknown; return?: unknown; error?: { class: string; desc: string }; event?: string };
      if (msg.event) continue;
      const pending = this.queue.shift();
      if (!pending) continue;
      if (msg.error) pending.reject(new Error(`QMP ${msg.error.class}: ${msg.error.desc}`));
      else pending.resolve(msg.return ?? msg.QMP);
    }
  }
}
