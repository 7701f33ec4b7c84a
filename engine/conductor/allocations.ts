// Allocations (Ironic API 1.52), the manager's side, as Ironic's conductor/allocations.py: find the
// available nodes matching the request, try them in random order (a node named as the allocation first),
// and give the first one still free to the allocation. The give is one conditional write (claimNode), so
// two allocations racing, in one process or several, never get one node. A node locked by a flow is
// retried a few times, as Ironic's node_locked_retry_attempts. Backfilling (1.58) records an allocation
// for a node already deployed.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { AllocationRecord } from '../generated/allocation-record.js';
import type { AllocationCreate } from '../generated/allocation-create.js';

export type { AllocationCreate };
import { EngineError } from '../errors.js';
import { newUuid } from '../ids.js';
import { now, type TxStore } from '../store/store.js';
import * as rows from '../store/allocations.js';
import type { TaskManager } from './task-manager.js';
import { UPDATE_ALLOWED_STATES } from '../states.js';

/** Ironic's node_locked_retry_attempts and node_locked_retry_interval (seconds). */
const LOCKED_RETRIES = 3;
const LOCKED_RETRY_MS = 1000;

const hasTraits = (n: Pick<NodeRecord, 'traits'>, traits: readonly string[]) => traits.every((t) => n.traits.includes(t));

/** Whether a node may be given to an allocation now: the rule of every pick, checked again by the claim's write. */
export function suitable(n: NodeRecord, a: Pick<AllocationRecord, 'resource_class' | 'traits' | 'candidate_nodes' | 'owner'>): boolean {
  return (
    n.provision_state === 'available' &&
    !n.maintenance &&
    n.instance_uuid === null &&
    !n.allocation_uuid &&
    n.power_state !== null &&
    n.resource_class === a.resource_class &&
    hasTraits(n, a.traits) &&
    (a.candidate_nodes.length === 0 || a.candidate_nodes.includes(n.uuid)) &&
    // An owned allocation gets a node of its project (Ironic's project filter: the node's owner or lessee).
    (!a.owner || n.owner === a.owner || n.lessee === a.owner)
  );
}

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

class AllocationFailed extends Error {}

async function candidates(tm: TaskManager, a: AllocationRecord): Promise<NodeRecord[]> {
  // Traits are checked after, so a failure says which filter left nothing, as Ironic's message does.
  const listed = await tm.store.listNodes({ resource_class: a.resource_class ?? undefined, provision_state: 'available', maintenance: false, associated: false });
  const all = listed.filter((n) => suitable(n, { ...a, traits: [] }));
  if (!all.length) {
    throw new AllocationFailed(
      a.candidate_nodes.length
        ? `none of the requested nodes are available and match the resource class ${a.resource_class}`
        : `no available nodes match the resource class ${a.resource_class}`,
    );
  }
  const fit = all.filter((n) => hasTraits(n, a.traits));
  if (!fit.length) throw new AllocationFailed(`no suitable nodes have the requested traits ${a.traits.join(', ')}`);
  const out = shuffle(fit);
  const named = a.name ? out.findIndex((n) => n.name === a.name) : -1;
  if (named > 0) out.unshift(...out.splice(named, 1));
  return out;
}

/** Records the node as the allocation's, in the transaction that claims it. */
async function give(tx: TxStore, a: AllocationRecord, node: NodeRecord, actor: string, requireState: string): Promise<AllocationRecord | undefined> {
  const at = now();
  if (!(await rows.claimNode(tx.db, node.uuid, a.uuid, at, requireState))) return undefined;
  const done = await rows.updateAllocation(tx.db, a.uuid, { state: 'active', node_uuid: node.uuid, last_error: null }, at);
  await tx.addEvent({ type: 'node', node_uuid: node.uuid, node_name: node.name, verb: 'allocate', actor, reason: `allocated to ${a.name ?? a.uuid}`, data: { allocation_uuid: a.uuid } });
  return done;
}

async function pick(tm: TaskManager, a: AllocationRecord, actor: string): Promise<AllocationRecord> {
  let nodes = await candidates(tm, a);
  for (let attempt = 1; ; attempt++) {
    const locked: NodeRecord[] = [];
    for (const n of nodes) {
      const current = await tm.store.findNode(n.uuid);
      if (!current || !suitable(current, a)) continue;
      if (current.reservation) {
        locked.push(current);
        continue;
      }
      const done = await tm.store.transaction((tx) => give(tx, a, current, actor, 'available'));
      if (done) return done;
    }
    if (!locked.length) throw new AllocationFailed('all nodes were filtered out during reservation');
    if (attempt >= LOCKED_RETRIES) throw new AllocationFailed(`could not reserve any of ${locked.length} suitable nodes`);
    nodes = locked;
    await new Promise((r) => setTimeout(r, LOCKED_RETRY_MS));
  }
}

async function backfill(tm: TaskManager, a: AllocationRecord, nodeUuid: string, actor: string): Promise<AllocationRecord> {
  const node = await tm.store.getNode(nodeUuid);
  const errors: string[] = [];
  if (node.provision_state !== 'active') errors.push(`Node must be in the "active" state, but the current state is "${node.provision_state}"`);
  if (a.resource_class && node.resource_class !== a.resource_class) errors.push(`Resource class ${node.resource_class} does not match the requested resource class ${a.resource_class}`);
  if (a.traits.length && !hasTraits(node, a.traits)) errors.push(`List of traits ${JSON.stringify(node.traits)} does not match the requested traits ${JSON.stringify(a.traits)}`);
  if (a.candidate_nodes.length && !a.candidate_nodes.includes(node.uuid)) errors.push(`Candidate nodes must be empty or contain the target node, but got ${JSON.stringify(a.candidate_nodes)}`);
  if (errors.length) throw new AllocationFailed(`Cannot backfill an allocation for node ${node.uuid}: ${errors.join('; ')}`);
  if (node.reservation) throw new AllocationFailed(`Node ${node.uuid} is locked by host ${node.reservation}, please retry after the current operation is completed.`);
  if (node.allocation_uuid || (node.instance_uuid && node.instance_uuid !== a.uuid)) {
    throw new AllocationFailed(`Node ${node.uuid} is associated with instance ${node.instance_uuid ?? node.allocation_uuid}.`);
  }
  const done = await tm.store.transaction((tx) => give(tx, a, node, actor, 'active'));
  if (!done) throw new AllocationFailed(`Node ${node.uuid} changed while backfilling its allocation; retry.`);
  return done;
}

/**
 * Records the allocation (allocating), then gives it a node: active with node_uuid, or error with
 * last_error, as Ironic's do_allocate ends (a failure is the allocation's state, not the call's). A
 * backfill that does not fit is also answered with the error, as Ironic's API answers it (400).
 */
export async function createAllocation(tm: TaskManager, input: AllocationCreate, actor: string): Promise<AllocationRecord> {
  const a: AllocationRecord = {
    uuid: input.uuid ?? newUuid(),
    name: input.name ?? null,
    node_uuid: null,
    state: 'allocating',
    last_error: null,
    resource_class: input.resource_class ?? null,
    traits: [...new Set(input.traits ?? [])],
    candidate_nodes: input.candidate_nodes ?? [],
    extra: input.extra ?? {},
    owner: input.owner ?? null,
    created_at: now(),
    updated_at: null,
  };
  await tm.store.transaction((tx) => rows.insertAllocation(tx.db, a));
  try {
    return input.node ? await backfill(tm, a, input.node, actor) : await pick(tm, a, actor);
  } catch (err) {
    const reason = err instanceof AllocationFailed ? err.message : `Unexpected exception during allocation: ${(err as Error).message}`;
    const failed = await tm.store.transaction((tx) => rows.updateAllocation(tx.db, a.uuid, { state: 'error', last_error: reason, node_uuid: null }, now()));
    if (input.node) throw new EngineError('InvalidParameter', reason, 'node');
    return failed;
  }
}

/**
 * Deletes an allocation and frees its node (instance_uuid and allocation_uuid cleared), under the node's
 * lock, refused while the node is deployed or in a flow (outside maintenance), as Ironic's
 * verify_node_for_deallocation.
 */
export async function deleteAllocation(tm: TaskManager, ident: string, actor: string): Promise<void> {
  const a = await rows.getAllocation(tm.store.db, ident);
  if (!a.node_uuid) {
    await tm.store.transaction((tx) => rows.deleteAllocation(tx.db, a, now()));
    return;
  }
  await tm.withLockedNode(a.node_uuid, async (node) => {
    if (!node.maintenance) {
      if (node.target_provision_state && !UPDATE_ALLOWED_STATES.includes(node.provision_state)) {
        throw new EngineError('InvalidState', `Cannot remove allocation ${a.uuid} for node ${node.uuid}, because the node is in state ${node.provision_state} where updates are not allowed (and maintenance mode is off)`);
      }
      if (node.provision_state === 'active') {
        throw new EngineError('InvalidState', `Cannot remove allocation ${a.uuid} for node ${node.uuid}, because the node is active (and maintenance mode is off)`);
      }
    }
    await tm.store.transaction(async (tx) => {
      await rows.deleteAllocation(tx.db, a, now());
      await tx.addEvent({ type: 'node', node_uuid: node.uuid, node_name: node.name, verb: 'deallocate', actor, reason: `allocation ${a.name ?? a.uuid} deleted`, data: { allocation_uuid: a.uuid } });
    });
  });
}
