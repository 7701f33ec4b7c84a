// GET /v1/events/stream (and GET /v1/events, kept for older clients): the replay parameters (after, Last-Event-ID; anything else is refused, not ignored, so
// a mistyped parameter cannot silently replay from the start) and open streams ending when the server closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { fault, startHarness, type Harness } from './helpers.js';

let h: Harness;
let port: number;
let ids: number[];
beforeAll(async () => {
  h = await startHarness();
  for (const name of ['e1', 'e2', 'e3']) await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name } });
  ids = (await h.call({ method: 'GET', url: '/v1/events?format=json' })).body.events.map((e: { id: number }) => e.id);
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  port = (h.app.server.address() as { port: number }).port;
});
const open: Array<{ destroy(): void }> = [];
afterAll(async () => {
  for (const r of open) r.destroy();
  await h.close();
});

/** Opens the SSE stream and collects event ids until `count` arrived (or 3 s passed); then closes it. */
function streamIds(query: string, headers: Record<string, string>, count: number, path = '/v1/events/stream'): Promise<{ status: number; ids: number[]; body: string }> {
  return new Promise((resolve, reject) => {
    const got: number[] = [];
    let body = '';
    const req = request({ host: '127.0.0.1', port, path: `${path}${query}`, headers }, (res) => {
      const done = () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode!, ids: got, body });
      };
      const timer = setTimeout(done, 3000);
      res.on('data', (c) => {
        body += c;
        for (const m of String(c).matchAll(/^id: (\d+)$/gm)) got.push(Number(m[1]));
        if (got.length >= count) done();
      });
      res.on('end', done);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('event replay parameters', () => {
  it('has events to replay', () => expect(ids.length).toBeGreaterThanOrEqual(3));

  it('refuses ?since= (and any unknown parameter) with 400 naming it, in both formats', async () => {
    const json = await h.call({ method: 'GET', url: `/v1/events?format=json&since=${ids[1]}` });
    expect(json.status).toBe(400);
    expect(fault(json.body)).toContain('since');
    expect(fault(json.body)).toContain('after');
    const sse = await streamIds(`?since=${ids[1]}`, {}, 1);
    expect(sse.status).toBe(400);
    expect(sse.ids).toEqual([]);
    expect(fault(JSON.parse(sse.body))).toContain('since');
    expect((await h.call({ method: 'GET', url: '/v1/events?nodes=e1&format=json' })).status).toBe(400);
    expect((await h.call({ method: 'GET', url: '/v1/events?format=xml' })).status).toBe(400);
  });

  it('replays after ?after=N, as JSON and as a stream', async () => {
    const json = await h.call({ method: 'GET', url: `/v1/events?format=json&after=${ids[1]}` });
    expect(json.body.events.map((e: { id: number }) => e.id)).toEqual(ids.slice(2));
    const sse = await streamIds(`?after=${ids[1]}`, {}, ids.length - 2);
    // The path older clients know streams the same.
    expect((await streamIds(`?after=${ids[1]}`, {}, ids.length - 2, '/v1/events')).ids).toEqual(sse.ids);
    expect(sse.ids).toEqual(ids.slice(2));
  });

  it('replays after Last-Event-ID, which wins over ?after= (a reconnecting EventSource keeps its URL)', async () => {
    const sse = await streamIds(`?after=${ids[0]}`, { 'last-event-id': String(ids[1]) }, ids.length - 2);
    expect(sse.ids).toEqual(ids.slice(2));
    const json = await h.call({ method: 'GET', url: `/v1/events?format=json&after=${ids[0]}`, headers: { 'last-event-id': String(ids[1]) } });
    expect(json.body.events.map((e: { id: number }) => e.id)).toEqual(ids.slice(2));
  });

  it('refuses a Last-Event-ID that is not an event id, naming the header', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/events?format=json', headers: { 'last-event-id': 'abc' } });
    expect(r.status).toBe(400);
    expect(fault(r.body)).toContain('Last-Event-ID');
    const bad = await h.call({ method: 'GET', url: '/v1/events?format=json&after=-1' });
    expect(bad.status).toBe(400);
    expect(fault(bad.body)).toContain('after');
  });

  it('lists the replay parameters in the OpenAPI document', async () => {
    const doc = (await h.call({ method: 'GET', url: '/openapi.json' })).body;
    const names = doc.paths['/v1/events'].get.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['after', 'node', 'format', 'limit']));
  });
});

describe('closing the server', () => {
  it('ends open event streams, so close() does not wait for the clients', async () => {
    const ended = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/v1/events' }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      });
      open.push(req);
      req.on('error', reject);
      req.end();
    });
    // Wait until the stream is open (the handler has hijacked the reply and written its comment).
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const closed = await Promise.race([h.app.close().then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 3000))]);
    expect(closed).toBe('closed');
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(ended).resolves.toContain(': ironplan events');
  });
});
