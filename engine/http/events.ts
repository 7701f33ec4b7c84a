// The event log: as a plain list, or as Server-Sent Events that replay from a point (Last-Event-ID or
// ?after=) and then follow the conductor live. Live events arriving during the replay are buffered and
// sent after it, skipping any the replay already covered, so a reconnecting client misses nothing.
// It is served at /v1/events/stream; GET /v1/events stays for clients written before Ironic's API 1.54
// gave POST /v1/events (network events from the network service) to that path.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Event } from '../generated/event.js';
import { EngineError } from '../errors.js';
import { isUuid } from '../ids.js';
import { param, type HttpContext, type Query } from './context.js';
import { assertValid } from '../validation.js';
import type { NetworkEvents } from '../generated/network-events.js';
import { requireVersion } from './version.js';

const PAGE = 1000;
const KEEPALIVE_MS = 15_000;

const QUERY = {
  after: { type: 'string', description: 'Replay the events after this id (0: from the start). The Last-Event-ID header, which an EventSource sends when it reconnects, wins over it.' },
  node: { type: 'string', description: "Only this node's events (name or UUID; a deleted node's by UUID)." },
  // Checked by the route schema: anything but json would otherwise fall through to an endless stream.
  format: { type: 'string', enum: ['json'], description: 'json: one page of recorded events as {"events": [...]} instead of the stream.' },
  limit: { type: 'string', description: 'With format=json: at most this many events (default 1000, at most 10000).' },
  order: { type: 'string', enum: ['asc', 'desc'], description: 'With format=json: asc (default) oldest first; desc newest first, so limit=1&order=desc answers the newest event (its id is where to follow the stream from).' },
};

/**
 * Unknown query parameters are refused, not ignored: ignoring ?since=N (or any misspelling of after)
 * would silently replay everything from the start.
 */
function checkQuery(req: FastifyRequest): void {
  for (const name of Object.keys((req.query as Query | undefined) ?? {})) {
    if (!(name in QUERY)) {
      throw new EngineError('InvalidParameter', `${name}: unknown query parameter of GET /v1/events/stream (known: ${Object.keys(QUERY).join(', ')}; to replay from an event id use after=N or the Last-Event-ID header)`, name);
    }
  }
}

/** Where the replay starts: Last-Event-ID (a reconnecting EventSource keeps its URL, so the header is newer), else ?after=. */
function replayFrom(req: FastifyRequest): number {
  const header = req.headers['last-event-id'];
  const [name, raw] = header !== undefined ? ['Last-Event-ID', Array.isArray(header) ? header[0] : header] : ['after', param(req, 'after')];
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new EngineError('InvalidParameter', `${name}: "${raw}" is not an event id`, name);
  return n;
}

function frame(e: Event): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

export function registerEventRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const manager = ctx.engine.manager;
  const nodes = ctx.engine.nodes;
  // Open streams never end by themselves, and closing the HTTP server waits for every open response:
  // each stream registers how to end it, and closing the server ends them all first.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  /** A node filter by name or uuid; a deleted node's events are still found by its uuid. */
  const nodeFilter = async (req: FastifyRequest): Promise<string | undefined> => {
    const node = param(req, 'node');
    if (!node) return undefined;
    if (isUuid(node)) return node.toLowerCase();
    return (await nodes.getNode(node)).uuid;
  };

  const schema = { summary: 'Recorded events: Server-Sent Events (replay, then live) or ?format=json', tags: ['events'], querystring: { type: 'object', properties: QUERY }, responses: { 200: { type: 'object', description: 'With ?format=json; otherwise text/event-stream frames of the same events.', properties: { events: { type: 'array', items: { $ref: 'event.schema.json' } } } } } };
  const log = async (req: FastifyRequest, reply: FastifyReply) => {
    checkQuery(req);
    const after = replayFrom(req);
    const nodeUuid = await nodeFilter(req);
    if (param(req, 'order') === 'desc' && param(req, 'format') !== 'json') {
      throw new EngineError('InvalidParameter', 'order: a stream is sent oldest first; order=desc is for format=json', 'order');
    }
    if (param(req, 'format') === 'json') {
      const rawLimit = Number(param(req, 'limit') ?? PAGE);
      const limit = Number.isInteger(rawLimit) && rawLimit > 0 ? Math.min(rawLimit, 10 * PAGE) : PAGE;
      const order = param(req, 'order') === 'desc' ? 'desc' : 'asc';
      return { events: await nodes.listEvents({ after, node_uuid: nodeUuid, limit, order }) };
    }
    return stream(req, reply, after, nodeUuid);
  };
  app.get('/v1/events/stream', { schema }, log);
  app.get('/v1/events', { schema: { ...schema, summary: 'The event log, as /v1/events/stream (kept for older ironplan clients)', deprecated: true } }, log);

  // Ironic's network events (API 1.54): validated, then only logged, as Ironic's API does with them.
  app.post('/v1/events', { schema: { summary: 'Network events from the network service (204)', tags: ['events'] } }, async (req, reply) => {
    requireVersion(req, 'endpoint', 'v1', '/v1/events', 'Events');
    const body = assertValid<NetworkEvents>('network-events.schema.json', req.body ?? {});
    for (const e of body.events) req.log.debug({ event: e }, 'received external event');
    return reply.code(204).send();
  });

  async function stream(req: FastifyRequest, reply: FastifyReply, after: number, nodeUuid: string | undefined): Promise<void> {
    const pending: Event[] = [];
    let replaying = true;
    let last = after;
    let ended = false;
    const raw = reply.raw;
    const send = (e: Event) => {
      if (ended || e.id <= last || (nodeUuid && e.node_uuid !== nodeUuid)) return;
      last = e.id;
      raw.write(frame(e));
    };
    const onEvent = (e: Event) => (replaying ? pending.push(e) : send(e));
    nodes.events.on('event', onEvent);
    const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    const stop = () => {
      ended = true;
      clearInterval(keepalive);
      nodes.events.off('event', onEvent);
      streams.delete(end);
    };
    /** Ends the stream from our side (server closing, replay failed); the client may reconnect with Last-Event-ID. */
    function end(): void {
      if (ended) return;
      stop();
      // The connection was kept alive for the stream; close it too, so that the server's close need not wait.
      raw.end(() => raw.socket?.end());
    }
    streams.add(end);
    req.raw.on('close', stop);
    // Headers set by hooks (version, request id) are kept; the body is ours from here on.
    reply.hijack();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
    raw.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': ironplan events\n\n');
    try {
      for (;;) {
        const page = await nodes.listEvents({ after: last, node_uuid: nodeUuid, limit: PAGE });
        if (ended) return;
        for (const e of page) send(e);
        if (page.length < PAGE) break;
      }
    } catch (err) {
      if (ended) return;
      req.log.error({ err }, 'event replay failed');
      end();
      return;
    }
    replaying = false;
    for (const e of pending.splice(0)) send(e);
  }
}
