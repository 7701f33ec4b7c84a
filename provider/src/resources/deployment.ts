// ironplan_deployment: claims a node (named, or any available one matching node_selector) by setting its
// instance_uuid, writes the image through Ironic's provision states, and rebuilds in place when the
// image or user data changes. Destroy undeploys, which also releases the node.
import { randomUUID } from 'node:crypto';
import { IronicError, type IronicClient, type IronicNode } from '../client.js';
import { freeForm, typedMap } from '../convert.js';
import { DiagError, err, type Diagnostic, type PathStep } from '../diag.js';
import { findNode, listNodes, provision, waitNode } from '../nodeops.js';
import { plannedState, settle } from '../planning.js';
import { deadlineFor, PartialApply, validateTimeouts, type Resource } from '../resource.js';
import { deploymentBlock } from '../schemas.js';
import { DEPLOYMENT_SPEC } from '../spec-schemas.js';
import { validateValue } from '../validate.js';
import { deepEqual, isObj, isUnknown, UNKNOWN, type Obj, type Value } from '../values.js';

const block = deploymentBlock();
const IMAGE_FIELDS = ['image_source', 'image_checksum', 'root_device', 'user_data', 'meta_data'];
/** What the deployment reports of its node, all set alike when planning. */
const observed = (v: Value): Obj => ({ node_uuid: v, provision_state: v, deployed_at: v, last_error: v });

export function validateDeployment(config: Obj): Diagnostic[] {
  const out: Diagnostic[] = [];
  validateValue(config, DEPLOYMENT_SPEC, [], out);
  const node = config.node ?? null;
  const sel = config.node_selector ?? null;
  if (!isUnknown(node) && !isUnknown(sel) && (node === null) === (sel === null)) {
    out.push(err('Give exactly one of node and node_selector', 'A deployment goes to one named node (node = name or uuid) or to any available node matching node_selector.', [node === null ? 'node' : 'node_selector']));
  }
  validateTimeouts(config, out);
  return out;
}

function instanceInfo(p: Obj): Record<string, unknown> {
  const checksum = String(p.image_checksum);
  const [algo, hash] = checksum.split(':');
  const info: Record<string, unknown> = {
    image_source: p.image_source,
    image_checksum: checksum,
    image_os_hash_algo: algo,
    image_os_hash_value: hash,
    display_name: p.name,
  };
  if (isObj(p.root_device)) info.root_device = Object.fromEntries(Object.entries(p.root_device).filter(([, v]) => v !== null));
  return info;
}

function configdrive(p: Obj): Record<string, unknown> {
  if (p.user_data == null && p.meta_data == null) return {};
  return { configdrive: { user_data: p.user_data ?? null, meta_data: typedMap(p.meta_data ?? null, freeForm, ['meta_data']) } };
}

/** Candidates in the order to try them: the named node, or every free available node of the class. */
async function candidates(c: IronicClient, p: Obj, deadline: number): Promise<IronicNode[]> {
  if (typeof p.node === 'string') {
    const n = await findNode(c, p.node, deadline);
    if (!n) throw new DiagError('No such node', `no node has the uuid or name "${p.node}"`, ['node']);
    return [n];
  }
  const sel = p.node_selector as Obj;
  const q = new URLSearchParams({ resource_class: String(sel.resource_class), provision_state: 'available', associated: 'false', maintenance: 'false', detail: 'true' });
  const found = await listNodes(c, q, Array.isArray(sel.traits) ? (sel.traits as string[]) : [], deadline);
  // Concurrent deployments pick from the same list: starting at a random place keeps them from all
  // racing for the first node.
  const start = found.length ? Math.floor(Math.random() * found.length) : 0;
  return [...found.slice(start), ...found.slice(0, start)];
}

/**
 * Claims a node for instance `id` with one JSON Patch whose `test` op makes it conditional: the service
 * refuses it if another deployment got there first, and the next candidate is tried.
 */
async function claim(c: IronicClient, p: Obj, id: string, deadline: number): Promise<IronicNode> {
  for (let round = 0; ; round++) {
    const list = await candidates(c, p, deadline);
    for (const n of list) {
      if (n.instance_uuid === id) return n;
      if (n.instance_uuid) continue;
      try {
        return await c.request<IronicNode>('PATCH', `/v1/nodes/${n.uuid}`, [
          { op: 'test', path: '/instance_uuid', value: null },
          { op: 'replace', path: '/instance_uuid', value: id },
          { op: 'replace', path: '/instance_info', value: instanceInfo(p) },
        ], { deadline });
      } catch (e) {
        if (e instanceof IronicError && e.status === 400 && /test failed/i.test(e.message)) continue;
        throw e;
      }
    }
    if (typeof p.node === 'string') {
      const n = list[0]!;
      throw new DiagError('Node is taken', `node ${p.node} is already deployed (instance ${n.instance_uuid}).`, ['node']);
    }
    if (round >= 2 || Date.now() > deadline) {
      const sel = p.node_selector as Obj;
      throw new DiagError('No available node', `no available, unclaimed node matches resource_class "${String(sel.resource_class)}"${Array.isArray(sel.traits) && sel.traits.length ? ` with traits ${sel.traits.join(', ')}` : ''}.`, ['node_selector']);
    }
    await c.sleep(200);
  }
}

function stateOf(planned: Obj, id: string, n: IronicNode | null): Obj {
  return settle(planned, {
    id,
    node_uuid: n?.uuid ?? null,
    provision_state: n?.provision_state ?? null,
    deployed_at: n?.provision_updated_at ?? null,
    last_error: n?.last_error ?? null,
  }) as Obj;
}

/** Runs one provision action to `active`; a failure keeps the claim so destroy (or a retry) can clean up. */
async function toActive(c: IronicClient, planned: Obj, id: string, uuid: string, target: 'active' | 'rebuild', deadline: number, what: string): Promise<Obj> {
  try {
    // No `known` node: deployed_at comes from the node's provision_updated_at, which only a read has.
    const n = await provision(c, uuid, target, 'active', deadline, { extra: configdrive(planned), what });
    return stateOf(planned, id, n);
  } catch (e) {
    const n = await findNode(c, uuid).catch(() => null);
    const diagnostics = e instanceof DiagError ? e.diagnostics : [err(`${what} failed`, (e as Error).message)];
    throw new PartialApply({ ...stateOf(planned, id, n), provision_state: n?.provision_state ?? null, deployed_at: null, last_error: n?.last_error ?? null }, diagnostics);
  }
}

async function deploy(c: IronicClient, planned: Obj, id: string, deadline: number): Promise<Obj> {
  const n = await claim(c, planned, id, deadline);
  if (n.provision_state !== 'available') {
    await release(c, n.uuid, id);
    throw new DiagError('Node not available', `node ${n.name ?? n.uuid} is in provision state "${n.provision_state}"; only available nodes can be deployed.`, [typeof planned.node === 'string' ? 'node' : 'node_selector']);
  }
  return toActive(c, planned, id, n.uuid, 'active', deadline, 'deploy');
}

async function release(c: IronicClient, uuid: string, id: string): Promise<void> {
  await c.request('PATCH', `/v1/nodes/${uuid}`, [
    { op: 'test', path: '/instance_uuid', value: id },
    { op: 'replace', path: '/instance_uuid', value: null },
    { op: 'replace', path: '/instance_info', value: {} },
  ]).catch(() => {});
}

async function undeploy(c: IronicClient, prior: Obj, deadline: number): Promise<void> {
  const id = String(prior.id);
  if (typeof prior.node_uuid !== 'string') return;
  let n = await findNode(c, prior.node_uuid, deadline);
  if (!n || n.instance_uuid !== id) return;
  if (n.target_provision_state) n = await waitNode(c, n.uuid, 'the running provision action', deadline, (x) => !x.target_provision_state);
  if (['active', 'deploy failed', 'wait call-back', 'error'].includes(n.provision_state)) {
    n = await provision(c, n.uuid, 'deleted', 'available', deadline, { what: 'undeploy' });
  }
  if (n.instance_uuid === id) await release(c, n.uuid, id);
}

export const deploymentResource: Resource = {
  block,
  validate: validateDeployment,

  plan(_ctx, prior, config) {
    const planned = plannedState(block, config, prior);
    // An absent deployment holds no node: nothing to observe, on create or after undeploying.
    if (planned.state === 'absent') Object.assign(planned, observed(null));
    if (!prior) return { planned };
    const differs = (k: string) => !deepEqual(prior[k] ?? null, planned[k] ?? null);
    const requiresReplace: PathStep[][] = ['node', 'node_selector'].filter(differs).map((k) => [k]);
    if (planned.state !== 'absent') {
      if (differs('state')) Object.assign(planned, observed(UNKNOWN));
      else if (IMAGE_FIELDS.some(differs)) Object.assign(planned, observed(UNKNOWN), { node_uuid: planned.node_uuid });
    }
    return { planned, requiresReplace };
  },

  async create(ctx, planned) {
    const id = randomUUID();
    if (planned.state === 'absent') return stateOf(planned, id, null);
    return deploy(ctx.client(), planned, id, deadlineFor(planned, 'create'));
  },

  async update(ctx, prior, planned) {
    const c = ctx.client();
    const deadline = deadlineFor(planned, 'update');
    const id = String(prior.id);
    const differs = (k: string) => !deepEqual(prior[k] ?? null, planned[k] ?? null);
    if (planned.state === 'absent') {
      if (prior.state !== 'absent') await undeploy(c, prior, deadline);
      return stateOf(planned, id, null);
    }
    if (prior.state === 'absent' || typeof prior.node_uuid !== 'string') return deploy(c, planned, id, deadline);
    const uuid = prior.node_uuid;
    if (IMAGE_FIELDS.some(differs)) {
      await c.request('PATCH', `/v1/nodes/${uuid}`, [{ op: 'replace', path: '/instance_info', value: instanceInfo(planned) }], { deadline });
      return toActive(c, planned, id, uuid, 'rebuild', deadline, 'rebuild');
    }
    if (differs('name')) await c.request('PATCH', `/v1/nodes/${uuid}`, [{ op: 'add', path: '/instance_info/display_name', value: planned.name }], { deadline });
    const n = await findNode(c, uuid);
    return stateOf(planned, id, n);
  },

  async delete(ctx, prior) {
    await undeploy(ctx.client(), prior, deadlineFor(prior, 'delete'));
  },

  async read(ctx, state) {
    if (state.state === 'absent' || typeof state.node_uuid !== 'string') return state;
    const n = await findNode(ctx.client(), state.node_uuid);
    // Undeployed or deleted behind terraform's back: the deployment no longer exists.
    if (!n || n.instance_uuid !== state.id) return null;
    const info = n.instance_info ?? {};
    return {
      ...state,
      image_source: typeof info.image_source === 'string' ? info.image_source : state.image_source,
      image_checksum: typeof info.image_checksum === 'string' ? info.image_checksum : state.image_checksum,
      provision_state: n.provision_state,
      last_error: n.last_error,
    };
  },

  async import(ctx, ident) {
    const n = await findNode(ctx.client(), ident);
    if (!n || !n.instance_uuid) throw new DiagError('Cannot import ironplan_deployment', n ? `node "${ident}" is not deployed` : `no node has the uuid or name "${ident}" (import a deployment by its node's name or uuid)`);
    const info = n.instance_info ?? {};
    const rd = isObj(info.root_device as Value) ? (info.root_device as Obj) : null;
    return {
      id: n.instance_uuid,
      name: typeof info.display_name === 'string' ? info.display_name : (n.name ?? n.uuid),
      node: n.name ?? n.uuid,
      node_selector: null,
      image_source: (info.image_source as string) ?? null,
      image_checksum: (info.image_checksum as string) ?? null,
      root_device: rd,
      user_data: null,
      meta_data: null,
      state: 'deployed',
      node_uuid: n.uuid,
      provision_state: n.provision_state,
      deployed_at: n.provision_updated_at,
      last_error: n.last_error,
      timeouts: null,
    };
  },
};
