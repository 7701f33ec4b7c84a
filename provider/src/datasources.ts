// Data sources: one node by id or name, and nodes by filters.
import type { IronicNode } from './client.js';
import { DiagError, err } from './diag.js';
import { findNode, nodePorts } from './nodeops.js';
import type { DataSource } from './resource.js';
import { nodeState } from './resources/node.js';
import { nodeDataBlock, nodesDataBlock } from './schemas.js';
import { isUnknown, type Obj } from './values.js';

export const nodeData: DataSource = {
  block: nodeDataBlock(),
  validate(config) {
    const id = config.id ?? null;
    const name = config.name ?? null;
    if (isUnknown(id) || isUnknown(name)) return [];
    return (id === null) === (name === null) ? [err('Give exactly one of id and name', 'The node is looked up by its uuid (id) or its name.', ['id'])] : [];
  },
  async read(ctx, config) {
    const ident = String(config.id ?? config.name);
    const c = ctx.client();
    const n = await findNode(c, ident);
    if (!n) throw new DiagError('Node not found', `no node has the uuid or name "${ident}"`, [config.id != null ? 'id' : 'name']);
    const s = nodeState(n, await nodePorts(c, n.uuid), null, true);
    const out: Obj = {};
    for (const a of nodeDataBlock().attributes) out[a.name] = s[a.name] ?? null;
    return out;
  },
};

export const nodesData: DataSource = {
  block: nodesDataBlock(),
  validate: () => [],
  async read(ctx, config) {
    const q = new URLSearchParams({ detail: 'true' });
    for (const k of ['resource_class', 'provision_state', 'driver']) if (typeof config[k] === 'string') q.set(k, config[k] as string);
    for (const k of ['maintenance', 'associated']) if (typeof config[k] === 'boolean') q.set(k, String(config[k]));
    const c = ctx.client();
    const nodes: IronicNode[] = [];
    let path: string | null = `/v1/nodes?${q}`;
    while (path) {
      const r: { nodes: IronicNode[]; next?: string } = await c.request('GET', path);
      nodes.push(...r.nodes);
      path = r.next && r.nodes.length ? new URL(r.next).pathname + new URL(r.next).search : null;
    }
    const traits = Array.isArray(config.traits) ? (config.traits as string[]) : [];
    const picked = nodes.filter((n) => traits.every((t) => (n.traits ?? []).includes(t)));
    return {
      ...config,
      ids: picked.map((n) => n.uuid),
      nodes: picked.map((n) => ({
        id: n.uuid,
        name: n.name,
        provision_state: n.provision_state,
        power_state: n.power_state,
        resource_class: n.resource_class,
        maintenance: n.maintenance,
        instance_uuid: n.instance_uuid,
        traits: n.traits ?? [],
      })),
    };
  },
};

