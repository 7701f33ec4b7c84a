// Data sources: one node by id or name, and nodes by filters.
// Results carry more than the blocks declare; provider.ts conforms them, which keeps only the block's attributes.
import { DiagError, err } from './diag.js';
import { findNode, listNodes, nodePorts } from './nodeops.js';
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
    return nodeState(n, await nodePorts(c, n.uuid), null, true);
  },
};

export const nodesData: DataSource = {
  block: nodesDataBlock(),
  validate: () => [],
  async read(ctx, config) {
    const q = new URLSearchParams({ detail: 'true' });
    for (const k of ['resource_class', 'provision_state', 'driver']) if (typeof config[k] === 'string') q.set(k, config[k] as string);
    for (const k of ['maintenance', 'associated']) if (typeof config[k] === 'boolean') q.set(k, String(config[k]));
    const picked = await listNodes(ctx.client(), q, Array.isArray(config.traits) ? (config.traits as string[]) : []);
    return {
      ...config,
      ids: picked.map((n) => n.uuid),
      // Each entry is the API's node under the names nodesDataBlock gives its fields.
      nodes: picked.map((n) => ({ ...n, id: n.uuid, traits: n.traits ?? [] }) as unknown as Obj),
    };
  },
};

