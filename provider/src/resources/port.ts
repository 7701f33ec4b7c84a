// ironplan_port: one port managed on its own (for nodes whose ports are not listed in ironplan_node).
import { IronicError, type IronicPort } from '../client.js';
import { stringMap, typedMap } from '../convert.js';
import { DiagError, type Diagnostic, type PathStep } from '../diag.js';
import { plannedState, settle } from '../planning.js';
import type { Resource } from '../resource.js';
import { portBlock } from '../schemas.js';
import { PORT_SPEC } from '../spec-schemas.js';
import { validateValue } from '../validate.js';
import { deepEqual, type Obj } from '../values.js';

const block = portBlock();
const free = () => undefined;

function portState(p: IronicPort, prior: Obj | null): Obj {
  return {
    id: p.uuid,
    node_uuid: p.node_uuid,
    address: typeof prior?.address === 'string' && prior.address.toLowerCase() === p.address.toLowerCase() ? prior.address : p.address,
    pxe_enabled: p.pxe_enabled,
    extra: stringMap(p.extra, prior?.extra ?? null, free),
  };
}

async function getPort(c: ReturnType<Parameters<Resource['read']>[0]['client']>, id: string): Promise<IronicPort | null> {
  try {
    return await c.request<IronicPort>('GET', `/v1/ports/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e instanceof IronicError && e.status === 404) return null;
    throw e;
  }
}

export const portResource: Resource = {
  block,
  validate(config) {
    const out: Diagnostic[] = [];
    for (const [name, s] of Object.entries(PORT_SPEC.properties!)) validateValue(config[name] ?? null, s, [name], out);
    return out;
  },
  plan(_ctx, prior, config) {
    const planned = plannedState(block, config, prior);
    const requiresReplace: PathStep[][] = prior && !deepEqual(prior.node_uuid ?? null, planned.node_uuid ?? null) ? [['node_uuid']] : [];
    return { planned, requiresReplace };
  },
  async create(ctx, planned) {
    const p = await ctx.client().request<IronicPort>('POST', '/v1/ports', {
      node_uuid: planned.node_uuid,
      address: planned.address,
      pxe_enabled: planned.pxe_enabled !== false,
      extra: typedMap(planned.extra ?? null, free, ['extra']),
    });
    return settle(planned, portState(p, planned)) as Obj;
  },
  async update(ctx, prior, planned) {
    const p = await ctx.client().request<IronicPort>('PATCH', `/v1/ports/${String(prior.id)}`, [
      { op: 'replace', path: '/address', value: planned.address },
      { op: 'replace', path: '/pxe_enabled', value: planned.pxe_enabled !== false },
      { op: 'replace', path: '/extra', value: typedMap(planned.extra ?? null, free, ['extra']) },
    ]);
    return settle(planned, portState(p, planned)) as Obj;
  },
  async delete(ctx, prior) {
    try {
      await ctx.client().request('DELETE', `/v1/ports/${String(prior.id)}`);
    } catch (e) {
      if (!(e instanceof IronicError && e.status === 404)) throw e;
    }
  },
  async read(ctx, state) {
    const p = await getPort(ctx.client(), String(state.id));
    return p ? portState(p, state) : null;
  },
  async import(ctx, id) {
    const p = await getPort(ctx.client(), id);
    if (!p) throw new DiagError('Cannot import ironplan_port', `no port has the uuid "${id}"`);
    return portState(p, null);
  },
};
