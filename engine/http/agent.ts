// The deploy agent's way in (no API authentication: the agent proves itself with the per-deploy token it
// received once on lookup). Replies are single-line JSON because the ramdisk's shell agent reads them
// with sed, and they are versionless because that agent does not negotiate microversions.
import type { FastifyInstance } from 'fastify';
import type { AgentHeartbeat } from '../../drivers/types.js';
import { EngineError } from '../errors.js';
import { identParam, objectBody, param, type HttpContext } from './context.js';
import { agentSchemas } from './openapi-shapes.js';

const SECRET_KEY = /password|secret|token/i;

/** instance_info without anything secret-looking: the ramdisk runs on an untrusted network. */
function publicInstanceInfo(info: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) if (!SECRET_KEY.test(k) && k !== 'configdrive') out[k] = v;
  return out;
}

const STATUSES: ReadonlyArray<AgentHeartbeat['agent_status']> = ['ready', 'busy', 'written', 'failed'];

export function registerAgentRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const conductor = ctx.engine.conductor;
  const tags = ['agent'];

  app.get('/v1/lookup', { schema: { summary: "The agent finds its node by MAC addresses or uuid (no authentication)", tags } }, async (req) => {
    const addresses = (param(req, 'addresses') ?? '').split(',').map((a) => a.trim()).filter(Boolean);
    const nodeUuid = param(req, 'node_uuid') || undefined;
    if (!addresses.length && !nodeUuid) throw new EngineError('InvalidParameter', 'addresses: give MAC addresses (comma separated) or node_uuid', 'addresses');
    const found = await conductor.lookup({ addresses, node_uuid: nodeUuid });
    const node = await conductor.getNode(found.node_uuid);
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
    const body = objectBody(req);
    if (typeof body.agent_token !== 'string' || !body.agent_token) throw new EngineError('Unauthorized', 'agent_token: is required');
    if (body.agent_status !== undefined && !STATUSES.includes(body.agent_status as AgentHeartbeat['agent_status'])) {
      throw new EngineError('InvalidParameter', `agent_status: "${String(body.agent_status)}" is not one of ${STATUSES.join(', ')}`, 'agent_status');
    }
    const hb = { ...body, agent_status: (body.agent_status as AgentHeartbeat['agent_status'] | undefined) ?? 'ready' } as AgentHeartbeat;
    const command = await conductor.heartbeat(identParam(req), hb);
    return reply.code(200).type('application/json').send(`${JSON.stringify(command)}\n`);
  });
}
