// The event log: as a plain list, or as Server-Sent Events that replay from a point (Last-Event-ID or
// ?after=) and then follow the conductor live. Live events arriving during the replay are buffered and
// sent after it, skipping any the replay already covered, so a reconnecting client misses nothing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Event } from '../generated/event.js';
import { EngineError } from '../errors.js';
import { isUuid } from '../ids.js';
import { param, type HttpContext } from './context.js';

const PAGE = 1000;
const KEEPALIVE_MS = 15_000;

function afterParam(req: FastifyRequest): number {
  const raw = (req.headers['last-event-id'] as string | undefined) ?? param(req, 'after');
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new EngineError('InvalidParameter', `after: "${raw}" is not an event id`, 'after');
  return n;
}

function frame(e: Event): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

export function registerEventRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const conductor = ctx.engine.conductor;

  /** A node filter by name or uuid; a deleted node's events are still found by its uuid. */
  const nodeFilter = async (req: FastifyRequest): Promise<string | undefined> => {
    const node = param(req, 'node');
    if (!node) return undefined;
    if (isUuid(node)) return node.toLowerCase();
    return (await conductor.getNode(node)).uuid;
  };

  app.get('/v1/events', { schema: { summary: 'Recorded events: Server-Sent Events (replay, then live) or ?format=json', tags: ['events'], responses: { 200: { type: 'object', description: 'With ?format=json; otherwise text/event-stream frames of the same events.', properties: { events: { type: 'array', items: { $ref: 'event.schema.json' } } } } } } }, async (req, reply) => {
    const after = afterParam(req);
    const nodeUuid = await nodeFilter(req);
    if (param(req, 'format') === 'json') {
      const rawLimit = Number(param(req, 'limit') ?? PAGE);
      const limit = Number.isInteger(rawLimit) && rawLimit > 0 ? Math.min(rawLimit, 10 * PAGE) : PAGE;
      return { events: await conductor.listEvents({ after, node_uuid: nodeUuid, limit }) };
    }
    return stream(req, reply, after, nodeUuid);
  });

  async function stream(req: FastifyRequest, reply: FastifyReply, after: number, nodeUuid: string | undefined): Promise<void> {
    const pending: Event[] = [];
    let replaying = true;
    let last = after;
    const raw = reply.raw;
    const send = (e: Event) => {
      if (e.id <= last || (nodeUuid && e.node_uuid !== nodeUuid)) return;
      last = e.id;
      raw.write(frame(e));
    };
    const onEvent = (e: Event) => (replaying ? pending.push(e) : send(e));
    conductor.events.on('event', onEvent);
    const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    const stop = () => {
      clearInterval(keepalive);
      conductor.events.off('event', onEvent);
    };
    req.raw.on('close', stop);
    // Headers set by hooks (version, request id) are kept; the body is ours from here on.
    reply.hijack();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
    raw.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': ironplan events\n\n');
    try {
      for (;;) {
        const page = await conductor.listEvents({ after: last, node_uuid: nodeUuid, limit: PAGE });
        for (const e of page) send(e);
        if (page.length < PAGE) break;
      }
    } catch (err) {
      req.log.error({ err }, 'event replay failed');
      stop();
      raw.end();
      return;
    }
    replaying = false;
    for (const e of pending.splice(0)) send(e);
  }
}
