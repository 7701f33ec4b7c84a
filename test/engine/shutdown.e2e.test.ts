// `ironplan serve` stops on SIGTERM even while a client follows GET /v1/events (an SSE stream never ends
// by itself, and the HTTP server's close waits for every open response).
import { afterAll, describe, expect, it } from 'vitest';
import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tempDir } from './helpers.js';
import { startServe, type Served } from './serve-process.js';

const { dir, cleanup } = tempDir();
const started: Served[] = [];
afterAll(() => {
  for (const s of started) s.kill();
  cleanup();
});

/** SIGTERM, then what became of the process within ms: its exit, or 'still running'. */
async function terminate(s: Served, ms: number): Promise<{ code: number | null; signal: string | null } | 'still running'> {
  s.child.kill('SIGTERM');
  return Promise.race([s.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), ms))]);
}

/** Opens a streaming GET /v1/events and resolves once its first bytes (the stream's comment) arrived. */
function follow(endpoint: string): Promise<{ res: IncomingMessage; ended: Promise<'end' | 'cut'> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint}/v1/events`, (res) => {
      // 'end': the server finished the stream; 'cut': the connection was dropped under it.
      const ended = new Promise<'end' | 'cut'>((done) => {
        res.on('end', () => done('end'));
        res.on('close', () => done('cut'));
        res.on('error', () => done('cut'));
      });
      res.once('data', () => resolve({ res, ended }));
      res.resume();
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ironplan serve shutdown (slow: runs the built command)', () => {
  it('exits 0 within a few seconds of SIGTERM while an event stream is open', async () => {
    const served = await startServe(dir);
    started.push(served);
    const { res, ended } = await follow(served.endpoint);
    expect(String(res.headers['content-type'])).toContain('text/event-stream');
    const sent = Date.now();
    expect(await terminate(served, 8000), served.stderr()).toEqual({ code: 0, signal: null });
    expect(Date.now() - sent).toBeLessThan(8000);
    // The server ended the stream (the client may reconnect elsewhere with Last-Event-ID), rather than
    // the connection being cut after the grace period for stuck requests.
    await expect(Promise.race([ended, new Promise((r) => setTimeout(() => r('open'), 1000))])).resolves.toBe('end');
  });

  it('exits 0 within a bounded time while a request in flight never completes', async () => {
    const served = await startServe(dir, ['--db', `${dir}/stuck.db`]);
    started.push(served);
    // A client that announced a body and stopped sending it: the request is in flight for ever.
    const { port } = new URL(served.endpoint);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write('POST /v1/nodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"driver": ');
    socket.on('error', () => {});
    await new Promise((r) => setTimeout(r, 200));
    const sent = Date.now();
    expect(await terminate(served, 9000), served.stderr()).toEqual({ code: 0, signal: null });
    // Cut after the grace period (3 s), not waited for until the client gives up.
    expect(Date.now() - sent).toBeLessThan(9000);
    socket.destroy();
  });
});
