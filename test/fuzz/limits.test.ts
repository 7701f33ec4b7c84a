// Request limits, each tried: body size, JSON depth, header size, and slow clients (slowloris) that must
// not keep a normal client from being answered, nor hold their connections for ever.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, type Harness } from '../http/helpers.js';
import { deepJson } from './arbitraries.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('body and depth limits', () => {
  let h: Harness;
  beforeAll(async () => (h = await startHarness()));
  afterAll(async () => h.close());

  it('refuses a body over 1 MiB with 413, and takes a bigger fleet where fleets go', async () => {
    const big = JSON.stringify({ driver: 'fake-hardware', name: 'big', extra: { pad: 'a'.repeat(1100 * 1024) } });
    const r = await h.call({ method: 'POST', url: '/v1/nodes', payload: big, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(fault(r.body)).toMatch(/too large/i);
    const nodes = Array.from({ length: 12_000 }, (_, i) => ({ name: `fleet-node-${i}`, driver: 'fake-hardware', driver_info: {}, properties: { cpus: 2, memory_mb: 1024 } }));
    const fleet = JSON.stringify({ nodes, deployments: [] });
    expect(fleet.length).toBeGreaterThan(1024 * 1024);
    const dry = await h.call({ method: 'POST', url: '/v1/plans/dry-run', payload: fleet, headers: { 'content-type': 'application/json' } });
    expect(dry.status, dry.text.slice(0, 300)).toBe(200);
  });

  it('refuses JSON nested deeper than 64 levels with 400 naming the limit', async () => {
    for (const kind of ['array', 'object'] as const) {
      const r = await h.call({ method: 'POST', url: '/v1/nodes', payload: deepJson(65, kind), headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(400);
      expect(fault(r.body)).toContain('limit of 64 levels');
    }
    // 64 levels is allowed through to the handler (which refuses it for what it is, not for its depth).
    const ok = await h.call({ method: 'POST', url: '/v1/nodes', payload: `{"driver":"fake-hardware","extra":${deepJson(63, 'object')}}`, headers: { 'content-type': 'application/json' } });
    expect(ok.text).not.toContain('levels');
    // Brackets inside strings are not nesting.
    const quoted = await h.call({ method: 'POST', url: '/v1/nodes', payload: JSON.stringify({ driver: 'fake-hardware', name: 'quoted', extra: { s: '['.repeat(500) } }), headers: { 'content-type': 'application/json' } });
    expect(quoted.status).toBe(201);
  });

  it('takes its limits from the options', async () => {
    const small = await startHarness({ limits: { bodyLimit: 1000, maxJsonDepth: 3 } });
    try {
      expect((await small.call({ method: 'POST', url: '/v1/chassis', payload: { description: 'x'.repeat(2000) } })).status).toBe(413);
      const deep = await small.call({ method: 'POST', url: '/v1/chassis', payload: { extra: { a: { b: {} } } } });
      expect(deep.status).toBe(400);
      expect(fault(deep.body)).toContain('limit of 3 levels');
    } finally {
      await small.close();
    }
  });
});

/** Raw HTTP over a socket: what was answered, once the server closes the connection or after `ms`. */
function rawRequest(port: number, text: string, ms = 3000): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      clearTimeout(t);
      s.destroy();
      resolve(got);
    };
    const t = setTimeout(done, ms);
    s.on('data', (d) => (got += d));
    s.on('close', done);
    s.on('error', done);
    s.write(text);
  });
}

describe('header size and slow clients, on a listening server', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({ limits: { headersTimeoutMs: 2000, requestTimeoutMs: 3000, keepAliveTimeoutMs: 500 } });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    port = (h.app.server.address() as { port: number }).port;
  });
  afterAll(async () => h.close());

  it('refuses a request head over 16 KiB with 431', async () => {
    const res = await rawRequest(port, `GET /v1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1\.1 431/);
  });

  it('answers a normal client within 1 s while 200 sockets send their headers a byte a second, and drops them', async () => {
    const slow: Socket[] = [];
    let closed = 0;
    for (let i = 0; i < 200; i++) {
      const s = connect(port, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => closed++);
      slow.push(s);
    }
    const head = 'GET /v1/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ';
    let i = 0;
    const drip = setInterval(() => {
      for (const s of slow) if (!s.destroyed) s.write(head[i % head.length] ?? 'a');
      i++;
    }, 1000);
    try {
      for (let round = 0; round < 4; round++) {
        const t0 = Date.now();
        const r = await fetch(`http://127.0.0.1:${port}/v1/nodes`, { headers: { 'x-openstack-ironic-api-version': 'latest' }, signal: AbortSignal.timeout(1000) });
        expect(r.status).toBe(200);
        expect(Date.now() - t0).toBeLessThan(1000);
        await sleep(500);
      }
      // headersTimeout (2 s here) has passed for all of them: the server has hung up on every slow socket.
      for (let k = 0; k < 30 && closed < 200; k++) await sleep(100);
      expect(closed).toBe(200);
    } finally {
      clearInterval(drip);
      for (const s of slow) s.destroy();
    }
  }, 20_000);

  it('cuts a client that sends its body too slowly, and closes idle keep-alive connections', async () => {
    const t0 = Date.now();
    const s = connect(port, '127.0.0.1');
    s.on('error', () => {});
    s.write('POST /v1/chassis HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    const drip = setInterval(() => !s.destroyed && s.write(' '), 500);
    const answer = await new Promise<string>((resolve) => {
      let got = '';
      s.on('data', (d) => (got += d));
      s.on('close', () => resolve(got));
    });
    clearInterval(drip);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - t0).toBeLessThan(6000);

    const idle = connect(port, '127.0.0.1');
    const idleClosed = new Promise<number>((resolve) => idle.on('close', () => resolve(Date.now())));
    idle.on('data', () => {});
    const asked = Date.now();
    idle.write('GET /v1 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await idleClosed) - asked).toBeLessThan(3000);
  }, 20_000);
});
