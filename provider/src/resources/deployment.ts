// ironplan_deployment: claims a node (named, by setting its instance_uuid; or any available one matching
// node_selector, through an allocation), writes the image through Ironic's provision states, and rebuilds in place when the
// image or user data changes. Destroy undeploys, which also releases the node.
import { randomUUID } from 'node:crypto';
import { TRANSITIONS } from '../../../engine/states.js';
import { IronicError, type IronicClient, type IronicNode } from '../client.js';
import { allocate, getAllocation, type IronicAllocation } from './allocation.js';
import { DiagError, err, type Diagnostic, type PathStep } from '../diag.js';
import { busy, findNode, provision, waitNode } from '../nodeops.js';
import { clearPending, marked, ownPending } from '../pending.js';
import { plannedState, settle } from '../planning.js';
import { deadlineFor, PartialApply, validateTimeouts, type Resource } from '../resource.js';
import { deploymentBlock } from '../schemas.js';
import { DEPLOYMENT_SPEC } from '../spec-schemas.js';
import { validateValue } from '../validate.js';
import { deepEqual, isObj, isUnknown, UNKNOWN, type Obj, type Value } from '../values.js';
import {
  configdriveToSend,
  digestOf,
  importedRequest,
  keepEquivalentUserData,
  placementReplacements,
  plannedDigest,
  recordedDigest,
  REQUEST_KEY,
  requestRecord,
} from './deployment-request.js';

const block = deploymentBlock();
const IMAGE_FIELDS = ['image_source', 'image_checksum', 'root_device'];
/** What a rebuild writes: the image, and the config drive (its digest differs when the node drifted). */
const REBUILD_FIELDS = [...IMAGE_FIELDS, 'user_data', 'meta_data', 'configdrive_sha256'];
/**
 * Where undeploy (target "deleted") is allowed. A deploy that failed, or that waits for an agent which may
 * never call back, is torn down at once: waiting for it to settle would wait for ever (a failed node keeps
 * its target) or for the whole call-back timeout.
 */
const UNDEPLOYABLE: readonly string[] = TRANSITIONS.filter((t) => t.event === 'undeploy').map((t) => t.from);
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
    [REQUEST_KEY]: requestRecord(p),
  };
  if (isObj(p.root_device)) info.root_device = Object.fromEntries(Object.entries(p.root_device).filter(([, v]) => v !== null));
  return info;
}

/**
 * Claims a node for instance `id`. A named node: one JSON Patch whose `test` op makes it conditional (the
 * service refuses it if another deployment got there first). A node_selector: an allocation with the
 * instance's UUID, so the service's manager picks the node by the same rule as every allocation (and as
 * the applier's deployments by selector); the node's instance_uuid is then the allocation's, `id`.
 */
async function claim(c: IronicClient, p: Obj, id: string, deadline: number): Promise<IronicNode> {
  if (typeof p.node !== 'string') {
    const sel = p.node_selector as Obj;
    // A retried create finds the allocation it made before.
    const held = await getAllocation(c, id, deadline);
    const ours = held ? null : await pendingAllocation(c, p, deadline);
    const adopted = ours && (await findNode(c, ours.node_uuid!, deadline));
    if (adopted) return adopted;
    const a = held?.state === 'active' && held.node_uuid ? held : await allocate(c, { uuid: id, resource_class: sel.resource_class, ...(Array.isArray(sel.traits) && sel.traits.length ? { traits: sel.traits } : {}), extra: marked({ deployment: p.name }) }, deadline, ['node_selector']);
    return c.request<IronicNode>('PATCH', `/v1/nodes/${a.node_uuid}`, [
      { op: 'test', path: '/instance_uuid', value: id },
      { op: 'replace', path: '/instance_info', value: marked(instanceInfo(p)) },
    ], { deadline });
  }
  const n = await findNode(c, p.node, deadline);
  if (!n) throw new DiagError('No such node', `no node has the uuid or name "${p.node}"`, ['node']);
  // Our own claim, from a create that did not live to report it (pending.ts): the caller adopts it.
  if (n.instance_uuid === id || (n.instance_uuid && ownPending(n.instance_info))) return n;
  if (!n.instance_uuid) {
    try {
      return await c.request<IronicNode>('PATCH', `/v1/nodes/${n.uuid}`, [
        { op: 'test', path: '/instance_uuid', value: null },
        { op: 'replace', path: '/instance_uuid', value: id },
        { op: 'replace', path: '/instance_info', value: marked(instanceInfo(p)) },
      ], { deadline });
    } catch (e) {
      if (!(e instanceof IronicError && e.status === 400 && /test failed/i.test(e.message))) throw e;
    }
  }
  throw new DiagError('Node is taken', `node ${p.node} is already deployed (instance ${n.instance_uuid ?? 'claimed meanwhile'}).`, ['node']);
}

/** The allocation an interrupted create of this deployment made, still marked pending (pending.ts), if any. */
async function pendingAllocation(c: IronicClient, p: Obj, deadline: number): Promise<IronicAllocation | null> {
  const sel = p.node_selector as Obj;
  const q = new URLSearchParams({ resource_class: String(sel.resource_class), state: 'active' });
  const r = await c.request<{ allocations: IronicAllocation[] }>('GET', `/v1/allocations?${q}`, undefined, { deadline });
  return r.allocations.find((a) => a.node_uuid && ownPending(a.extra) && a.extra.deployment === p.name) ?? null;
}

function stateOf(planned: Obj, id: string, n: IronicNode | null): Obj {
  return settle(planned, {
    id,
    node_uuid: n?.uuid ?? null,
    provision_state: n?.provision_state ?? null,
    deployed_at: n?.provision_updated_at ?? null,
    last_error: n?.last_error ?? null,
    configdrive_sha256: n ? recordedDigest(n) : null,
  }) as Obj;
}

/**
 * Runs one provision action to `active` with `extra` (the config drive, checked by the caller before it
 * changed anything); a failure keeps the claim so destroy (or a retry) can clean up.
 */
async function toActive(c: IronicClient, planned: Obj, id: string, uuid: string, target: 'active' | 'rebuild', extra: Record<string, unknown>, deadline: number, what: string): Promise<Obj> {
  try {
    // No `known` node: deployed_at comes from the node's provision_updated_at, which only a read has.
    const n = await provision(c, uuid, target, 'active', deadline, { extra, what });
    return stateOf(planned, id, n);
  } catch (e) {
    const n = await findNode(c, uuid).catch(() => null);
    const diagnostics = e instanceof DiagError ? e.diagnostics : [err(`${what} failed`, (e as Error).message)];
    throw new PartialApply({ ...stateOf(planned, id, n), provision_state: n?.provision_state ?? null, deployed_at: null, last_error: n?.last_error ?? null }, diagnostics);
  }
}

async function deploy(c: IronicClient, planned: Obj, id: string, deadline: number): Promise<Obj> {
  const extra = configdriveToSend(planned);
  const n = await claim(c, planned, id, deadline);
  if (n.instance_uuid && n.instance_uuid !== id) return resume(c, planned, n, n.instance_uuid, deadline);
  if (n.provision_state !== 'available') {
    await release(c, n.uuid, id);
    throw new DiagError('Node not available', `node ${n.name ?? n.uuid} is in provision state "${n.provision_state}"; only available nodes can be deployed.`, [typeof planned.node === 'string' ? 'node' : 'node_selector']);
  }
  return done(c, planned, await toActive(c, planned, id, n.uuid, 'active', extra, deadline, 'deploy'), n.uuid, deadline);
}

/** The claim is settled in the state: the pending marks go (pending.ts), the node's and its allocation's. */
async function done(c: IronicClient, planned: Obj, state: Obj, uuid: string, deadline: number): Promise<Obj> {
  await c.request('PATCH', `/v1/nodes/${uuid}`, clearPending('/instance_info'), { deadline });
  if (typeof planned.node !== 'string') await c.request('PATCH', `/v1/allocations/${String(state.id)}`, clearPending('/extra'), { deadline });
  return state;
}

/**
 * Adopts the deployment `id` an interrupted create of ours claimed `claimed` for: the service went on
 * deploying, so wait for it; a node it left active with what is planned is done, any other (deploy
 * failed, never started, another image since) is deployed or rebuilt with what is planned now.
 */
async function resume(c: IronicClient, planned: Obj, claimed: IronicNode, id: string, deadline: number): Promise<Obj> {
  const n = await waitNode(c, claimed.uuid, 'the interrupted deployment', deadline, (x) => !busy(x));
  const info = n.instance_info ?? {};
  const same = info.image_source === planned.image_source && info.image_checksum === planned.image_checksum && recordedDigest(n) === (planned.configdrive_sha256 ?? null);
  if (n.provision_state === 'active' && same) return done(c, planned, stateOf(planned, id, n), n.uuid, deadline);
  await c.request('PATCH', `/v1/nodes/${n.uuid}`, [{ op: 'replace', path: '/instance_info', value: marked(instanceInfo(planned)) }], { deadline });
  const verb = n.provision_state === 'active' ? 'rebuild' : 'active';
  return done(c, planned, await toActive(c, planned, id, n.uuid, verb, configdriveToSend(planned), deadline, verb === 'active' ? 'deploy' : 'rebuild'), n.uuid, deadline);
}

async function release(c: IronicClient, uuid: string, id: string): Promise<void> {
  // A node claimed by selector is held by the allocation `id`: deleting it frees the node.
  const freed = await c.request('DELETE', `/v1/allocations/${id}`).then(
    () => true,
    () => false,
  );
  if (freed) return;
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
  const undeployable = (x: IronicNode) => UNDEPLOYABLE.includes(x.provision_state);
  if (!undeployable(n) && busy(n)) n = await waitNode(c, n.uuid, 'the running provision action', deadline, (x) => undeployable(x) || !busy(x));
  if (undeployable(n)) {
    n = await provision(c, n.uuid, 'deleted', 'available', deadline, { what: 'undeploy' });
  }
  if (n.instance_uuid === id) await release(c, n.uuid, id);
}

export const deploymentResource: Resource = {
  block,
  validate: validateDeployment,

  async plan(ctx, prior, config) {
    const planned = plannedState(block, config, prior);
    // The digest the configuration's user data gets when deployed: known at plan time, so a change of
    // user data shows as a change of digest too.
    const wanted = digestOf(planned);
    // An absent deployment holds no node: nothing to observe, on create or after undeploying.
    if (planned.state === 'absent') Object.assign(planned, observed(null), { configdrive_sha256: null });
    else planned.configdrive_sha256 = wanted;
    if (!prior) return { planned };
    const differs = (k: string) => !deepEqual(prior[k] ?? null, planned[k] ?? null);
    // A deployment that stays deployed on its node is compared with the node itself, not only with the
    // attributes that chose it: an import restores what it can, and the same machine is never reimaged
    // because it was named differently.
    const stays = prior.state !== 'absent' && planned.state !== 'absent' && typeof prior.node_uuid === 'string';
    const requiresReplace: PathStep[][] = stays ? await placementReplacements(() => ctx.client(), prior, planned) : ['node', 'node_selector'].filter(differs).map((k) => [k]);
    if (stays && !requiresReplace.length) {
      // A rebuild for a new image sends the configuration's user data, never an import's stand-ins.
      if (IMAGE_FIELDS.some(differs)) planned.configdrive_sha256 = wanted;
      else {
        keepEquivalentUserData(prior, planned, wanted);
        planned.configdrive_sha256 = plannedDigest(prior, planned, wanted);
      }
    }
    if (planned.state !== 'absent') {
      if (differs('state')) Object.assign(planned, observed(UNKNOWN));
      else if (REBUILD_FIELDS.some(differs)) Object.assign(planned, observed(UNKNOWN), { node_uuid: planned.node_uuid });
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
    if (REBUILD_FIELDS.some(differs)) {
      const extra = configdriveToSend(planned);
      await c.request('PATCH', `/v1/nodes/${uuid}`, [{ op: 'replace', path: '/instance_info', value: instanceInfo(planned) }], { deadline });
      return toActive(c, planned, id, uuid, 'rebuild', extra, deadline, 'rebuild');
    }
    const ops: Array<Record<string, unknown>> = [];
    if (differs('name')) ops.push({ op: 'add', path: '/instance_info/display_name', value: planned.name });
    // The node still answers the configuration (plan did not replace): record the new request for imports.
    if (differs('node') || differs('node_selector')) ops.push({ op: 'add', path: `/instance_info/${REQUEST_KEY}`, value: requestRecord(planned) });
    if (ops.length) await c.request('PATCH', `/v1/nodes/${uuid}`, ops, { deadline });
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
      // A digest that differs from the state's is drift: the node was rebuilt with other user data.
      configdrive_sha256: recordedDigest(n) ?? state.configdrive_sha256 ?? null,
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
      ...importedRequest(n),
      image_source: (info.image_source as string) ?? null,
      image_checksum: (info.image_checksum as string) ?? null,
      root_device: rd,
      state: 'deployed',
      node_uuid: n.uuid,
      provision_state: n.provision_state,
      deployed_at: n.provision_updated_at,
      last_error: n.last_error,
      timeouts: null,
    };
  },
};
