// ironplan_port: one port managed on its own (for nodes whose ports are not listed in ironplan_node).
import { unlessGone, type IronicClient, type IronicPort } from '../client.js';
import { freeForm, stringMap } from '../convert.js';
import { DiagError, type Diagnostic, type PathStep } from '../diag.js';
import { portFields } from '../nodeops.js';
import { plannedState, settle } from '../planning.js';
import type { Resource } from '../resource.js';
import { portBlock } from '../schemas.js';
import { PORT_SPEC } from '../spec-schemas.js';
import { validateValue } from '../validate.js';
import { deepEqual, type Obj } from '../values.js';

const block = portBlock();

function portState(p: IronicPort, prior: Obj | null): Obj {
  return {
    id: p.uuid,
    node_uuid: p.node_uuid,
    address: typeof prior?.address === 'string' && prior.address.toLowerCase() === p.address.toLowerCase() ? prior.address : p.address,
    pxe_enabled: p.pxe_enabled,
    extra: stringMap(p.extra, prior?.extra ?? null, freeForm),
  };
}

const getPort = (c: IronicClient, id: string) => unlessGone(c.request<IronicPort>('GET', `/v1/ports/${encodeURIComponent(id)}`));

export const portResource: Resource = {
  block,
  validate(config) {
    const out: Diagnostic[] = [];
    validateValue(config, PORT_SPEC, [], out);
    return out;
  },
  plan(_ctx, prior, config) {
    const planned = plannedState(block, config, prior);
    const requiresReplace: PathStep[][] = prior && !deepEqual(prior.node_uuid ?? null, planned.node_uuid ?? null) ? [['node_uuid']] : [];
    return { planned, requiresReplace };
  },
  async create(ctx, planned) {
    const p = await ctx.client().request<IronicPort>('POST', '/v1/ports', { node_uuid: planned.node_uuid, ...portFields(planned, []) });
    return settle(planned, portState(p, planned)) as Obj;
  },
  async update(ctx, prior, planned) {
    const f = portFields(planned, []);
    const p = await ctx.client().request<IronicPort>('PATCH', `/v1/ports/${String(prior.id)}`, [
      { op: 'replace', path: '/address', value: f.address },
      { op: 'replace', path: '/pxe_enabled', value: f.pxe_enabled },
      { op: 'replace', path: '/extra', value: f.extra },
    ]);
    return settle(planned, portState(p, planned)) as Obj;
  },
  async delete(ctx, prior) {
    await unlessGone(ctx.client().request('DELETE', `/v1/ports/${String(prior.id)}`));
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
