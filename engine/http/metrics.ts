// Prometheus text exposition (format 0.0.4), kept small enough not to need a client library: request
// durations by route, nodes by provision state (read at scrape time) and apply actions by result
// (counted from the conductor's events since this server started), and the agent endpoints' refusals
// (heartbeats with a wrong token, rate-limited lookups): a spike there is someone probing.
import type { FastifyInstance } from 'fastify';
import type { Event } from '../generated/event.js';
import type { HttpContext } from './context.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;

class Histogram {
  private readonly series = new Map<string, { labels: Record<string, string>; counts: number[]; sum: number; count: number }>();
  observe(l: Record<string, string>, seconds: number): void {
    const key = JSON.stringify(l);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels: l, counts: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) s.counts[i]!++;
    s.sum += seconds;
    s.count++;
  }
  render(name: string, help: string): string[] {
    const out = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
    for (const s of this.series.values()) {
      BUCKETS.forEach((b, i) => out.push(`${name}_bucket${labels({ ...s.labels, le: String(b) })} ${s.counts[i]}`));
      out.push(`${name}_bucket${labels({ ...s.labels, le: '+Inf' })} ${s.count}`);
      out.push(`${name}_sum${labels(s.labels)} ${s.sum}`);
      out.push(`${name}_count${labels(s.labels)} ${s.count}`);
    }
    return out;
  }
}

class Counter {
  private readonly series = new Map<string, { labels: Record<string, string>; value: number }>();
  inc(l: Record<string, string>): void {
    const key = JSON.stringify(l);
    const s = this.series.get(key);
    if (s) s.value++;
    else this.series.set(key, { labels: l, value: 1 });
  }
  render(name: string, help: string): string[] {
    return [`# HELP ${name} ${help}`, `# TYPE ${name} counter`, ...[...this.series.values()].map((s) => `${name}${labels(s.labels)} ${s.value}`)];
  }
}

/**
 * What the agent routes count, kept per engine (engine/http/agent.ts increments, /metrics renders): the
 * agent's routes may answer on a listener of their own (buildAgentServer) and still show in /metrics.
 */
export interface AgentCounters {
  heartbeatsRefused: Counter;
  lookupsLimited: Counter;
}
const agentCountersOf = new WeakMap<object, AgentCounters>();

export function agentCounters(engine: object): AgentCounters {
  let c = agentCountersOf.get(engine);
  if (!c) agentCountersOf.set(engine, (c = { heartbeatsRefused: new Counter(), lookupsLimited: new Counter() }));
  return c;
}

export function registerMetrics(app: FastifyInstance, ctx: HttpContext): void {
  const agent = agentCounters(ctx.engine);
  const durations = new Histogram();
  const actions = new Counter();
  const manager = ctx.engine.manager;
  const nodes = ctx.engine.nodes;

  app.addHook('onResponse', async (req, reply) => {
    durations.observe(
      { route: req.routeOptions.url ?? '(unmatched)', method: req.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const onEvent = (e: Event) => {
    if (e.type === 'action' && e.to) actions.inc({ op: e.verb ?? 'unknown', result: e.to });
  };
  nodes.events.on('event', onEvent);
  app.addHook('onClose', async () => void nodes.events.off('event', onEvent));

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', tags: ['operations'] } }, async (_req, reply) => {
    const byState = await nodes.countNodesByState();
    const lines = [
      ...durations.render('ironplan_http_request_duration_seconds', 'HTTP request duration by route, method and status.'),
      '# HELP ironplan_nodes Nodes by provision state.',
      '# TYPE ironplan_nodes gauge',
      ...[...byState.entries()].sort().map(([state, n]) => `ironplan_nodes${labels({ provision_state: state })} ${n}`),
      ...actions.render('ironplan_apply_actions_total', 'Apply actions finished since start, by operation and result.'),
      ...agent.heartbeatsRefused.render('ironplan_agent_heartbeats_refused_total', 'Agent heartbeats refused since start (wrong or missing agent token).'),
      ...agent.lookupsLimited.render('ironplan_agent_lookups_rate_limited_total', 'Agent lookups answered 429 since start (per-address rate limit).'),
    ];
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${lines.join('\n')}\n`);
  });
}
