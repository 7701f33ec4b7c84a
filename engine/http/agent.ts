// The deploy agent's way in (no API authentication: the agent proves itself with the per-deploy token it
// received once on lookup). Replies are single-line JSON because the ramdisk's shell agent reads them
// with sed, and they are versionless because that agent does not negotiate microversions. Lookups are
// rate-limited per source address (429 with Retry-After); refused heartbeats are counted in /metrics.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgentHeartbeat } from '../../contract/types.js';
import { EngineError } from '../errors.js';
import { SECRET_NAME } from '../drivers/registry.js';
import { identParam, objectBody, param, type HttpContext } from './context.js';
import { isMacAddress } from './names.js';
import { agentSchemas } from './openapi-shapes.js';
import { sendError } from './errors.js';
import { agentCounters } from './metrics.js';
import { DEFAULT_LOOKUP_LIMIT, TokenBuckets, type RateLimit } from './rate-limit.js';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { ContinueInspection } from '../generated/continue-inspection.js';
import { assertValid } from '../validation.js';


/** instance_info without anything secret-looking: the ramdisk runs on an untrusted network. */
function publicInstanceInfo(info: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) if (!SECRET_NAME.test(k) && k !== 'configdrive') out[k] = v;
  return out;
}

export function registerAgentRoutes(app: FastifyInstance, ctx: HttpContext, lookupLimit: RateLimit = DEFAULT_LOOKUP_LIMIT): void {
  const manager = ctx.engine.manager;
  const nodes = ctx.engine.nodes;
  const tags = ['agent'];
  const buckets = new TokenBuckets(lookupLimit);
  const counters = agentCounters(ctx.engine);
  /** Lookups (and continue_inspection, a lookup with an inventory) are rate-limited per source address: 429. */
  const limited = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const wait = buckets.take(req.ip);
    if (wait <= 0) return false;
    counters.lookupsLimited.inc({});
    reply.header('Retry-After', String(Math.ceil(wait)));
    sendError(reply, 429, `Too many lookups from ${req.ip}; retry in ${Math.ceil(wait)} s.`);
    return true;
  };
  const lookupAnswer = (node: NodeRecord, agentToken: string | null) => ({
    node: { uuid: node.uuid, properties: node.properties, instance_info: publicInstanceInfo(node.instance_info) },
    config: { agent_token: agentToken, agent_token_required: true, heartbeat_timeout: ctx.engine.settings.deployCallbackTimeoutSec },
  });

  app.get('/v1/lookup', { schema: { summary: 'The agent finds its node by MAC addresses or uuid (no authentication; rate-limited per source address)', tags } }, async (req, reply) => {
    if (limited(req, reply)) return reply;
    const addresses = (param(req, 'addresses') ?? '').split(',').map((a) => a.trim()).filter(Boolean);
    const nodeUuid = param(req, 'node_uuid') || undefined;
    if (!addresses.length && !nodeUuid) throw new EngineError('InvalidParameter', 'addresses: give MAC addresses (comma separated) or node_uuid', 'addresses');
    const found = await manager.lookup({ addresses, node_uuid: nodeUuid, boot_id: param(req, 'boot_id') || undefined });
    return lookupAnswer(await nodes.getNode(found.node_uuid), found.agent_token);
  });

  // Ironic's ramdisk callback for inspection (API 1.84; Ironic also takes it at 1.1, which a ramdisk that
  // sends no version header gets): the inventory finds the node by its MACs (or ?node_uuid) and finishes
  // its in-band inspection; the answer is lookup's (the node, and its token once), with Ironic's 202.
  app.post('/v1/continue_inspection', { schema: { summary: "A ramdisk's inventory for in-band inspection (no authentication; rate-limited as lookup)", tags } }, async (req, reply) => {
    if (limited(req, reply)) return reply;
    const data = assertValid<ContinueInspection>('continue-inspection.schema.json', req.body ?? {});
    const addresses = data.inventory.interfaces.map((i) => i.mac_address).filter((m) => isMacAddress(m));
    const nodeUuid = param(req, 'node_uuid') || undefined;
    if (!addresses.length && !nodeUuid) throw new EngineError('InvalidParameter', 'No lookup information provided', 'inventory');
    const found = await manager.continueInspection({ addresses, node_uuid: nodeUuid }, data);
    reply.code(202);
    return lookupAnswer(await nodes.getNode(found.node_uuid), found.agent_token);
  });

  app.post('/v1/heartbeat/:ident', { schema: { summary: 'The agent reports; the reply is its next command on one line (no authentication; agent token)', tags, body: agentSchemas.heartbeat } }, async (req, reply) => {
    // The route schema (agent-heartbeat.schema.json) checked the body; the conductor checks the token.
    let command;
    try {
      command = await manager.heartbeat(identParam(req), objectBody(req) as unknown as AgentHeartbeat);
    } catch (err) {
      if ((err as EngineError).code === 'Unauthorized') counters.heartbeatsRefused.inc({ reason: 'agent_token' });
      throw err;
    }
    return reply.code(200).type('application/json').send(`${JSON.stringify(command)}\n`);
  });
}
