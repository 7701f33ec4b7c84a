// The deploy agent's way in (no API authentication: the agent proves itself with the per-deploy token it
// received once on lookup). Replies are single-line JSON because the ramdisk's shell agent reads them
// with sed, and they are versionless because that agent does not negotiate microversions.
import type { FastifyInstance } from 'fastify';
import type { AgentHeartbeat } from '../../contract/types.js';
import { EngineError } from '../errors.js';
import { SECRET_NAME } from '../drivers/registry.js';
import { identParam, objectBody, param, type HttpContext } from './context.js';
import { agentSchemas } from './openapi-shapes.js';

/** instance_info without anything secret-looking: the ramdisk runs on an untrusted network. */
function publicInstanceInfo(info: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) if (!SECRET_NAME.test(k) && k !== 'configdrive') out[k] = v;
  return out;
}

export function registerAgentRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const manager = ctx.engine.manager;
  const nodes = ctx.engine.nodes;
  const tags = ['agent'];

  app.get('/v1/lookup', { schema: { summary: "The agent finds its node by MAC addresses or uuid (no authentication)", tags } }, async (req) => {
    const addresses = (param(req, 'addresses') ?? '').split(',').map((a) => a.trim()).filter(Boolean);
    const nodeUuid = param(req, 'node_uuid') || undefined;
    if (!addresses.length && !nodeUuid) throw new EngineError('InvalidParameter', 'addresses: give MAC addresses (comma separated) or node_uuid', 'addresses');
    const found = await manager.lookup({ addresses, node_uuid: nodeUuid, boot_id: param(req, 'boot_id') || undefined });
    const node = await nodes.getNode(found.node_uuid);
    return {
      node: { uuid: node.uuid, properties: node.properties, instance_info: publicInstanceInfo(node.instance_info) },
      config: {
        agent_token: found.agent_token,
        agent_token_required: true,
        heartbeat_timeout: ctx.engine.settings.deployCallbackTimeoutSec,
      },
    };
  });

  app.post('/v1/heartbeat/:ident', { schema: { summary: 'The agent reports; the reply is its next command on one line (no authentication; agent token)', tags, body: agentSchemas.heartbeat } }, async (req, reply) => {
    // The route schema (agent-heartbeat.schema.json) checked the body; the conductor checks the token.
    const command = await manager.heartbeat(identParam(req), objectBody(req) as unknown as AgentHeartbeat);
    return reply.code(200).type('application/json').send(`${JSON.stringify(command)}\n`);
  });
}
