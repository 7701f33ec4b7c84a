// apply(plan): runs a plan's actions through the conductor as a dependency graph. Independent nodes
// proceed concurrently up to a bound; a node waiting for its agent gives its slot back while it waits.
// Every action's progress is recorded, so an interrupted apply is known and the next apply converges.
import type { Plan, PlanAction } from './generated/plan.js';
import type { NodeRecord } from '../contract/generated/node-record.js';
import type { NodeSpec } from './generated/node-spec.js';
import type { DeploymentSpec } from './generated/deployment-spec.js';
import type { DeploymentRecord } from './generated/deployment-record.js';
import { errorMessage } from './conductor.js';
import type { ManagerApi } from './rpc/manager-api.js';
import type { NodeView } from './node-view.js';
import type { Store, ApplyActionRow } from './store/store.js';
import { now } from './store/store.js';
import { EngineError } from './errors.js';
import { newId, newUuid } from './ids.js';
import type { Event } from './generated/event.js';
import { imageReasons, provisionPath, type Specs } from './plan.js';
import { STABLE_STATES, allowedVerbs } from './states.js';
import { CONFIGDRIVE_DIGEST_KEY, configdriveDigest } from './configdrive.js';
import { findAllocation } from './store/allocations.js';

export interface ApplyOptions {
  /** How many actions may run at once (nodes waiting for their agent do not count). */
  concurrency?: number;
  actor?: string;
  /** Called as each action starts and ends. */
  onProgress?: (p: ApplyProgress) => void;
}

export interface ApplyProgress {
  apply_id: string;
  action: PlanAction;
  status: ApplyActionRow['status'];
  error?: string;
  done: number;
  total: number;
}

export interface ApplyResult {
  id: string;
  status: 'succeeded' | 'failed';
  actions: Array<{ action_id: string; status: ApplyActionRow['status']; error: string | null }>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Counts running actions; a waiting node releases its slot and takes one again to continue. */
class Slots {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((r) => this.queue.push(r));
  }
  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}

/**
 * What an apply works through: the manager interface (each node's verbs go to the manager that owns it,
 * so its boot files and flows live there), the node view (reads and waits, whichever manager did the
 * work), the store (the apply's own records).
 */
export interface ApplierDeps {
  /** The manager running the apply (recorded: others mark its applies interrupted if it dies). */
  id: string;
  deployCallbackTimeoutSec: number;
  manager: ManagerApi;
  nodes: NodeView;
  store: Store;
}

export class Applier {
  private readonly store: Store;

  constructor(private readonly deps: ApplierDeps) {
    this.store = deps.store;
  }

  /** Records the apply and starts it; `done` settles with the result. */
  async start(plan: Plan, specs: Specs, opts: ApplyOptions = {}): Promise<{ apply_id: string; done: Promise<ApplyResult> }> {
    const id = newId('apply');
    await this.store.transaction(async (tx) => {
      await tx.insertApply({ id, plan_id: plan.id, status: 'running', conductor: this.deps.id, started_at: now(), finished_at: null, error: null }, plan.actions.map((a) => a.id));
      await tx.addEvent({ type: 'apply', actor: opts.actor ?? 'apply', apply_id: id, from: null, to: 'running', reason: `${plan.actions.length} actions from plan ${plan.id}` });
    });
    return { apply_id: id, done: this.run(id, plan, specs, opts) };
  }

  private async run(applyId: string, plan: Plan, specs: Specs, opts: ApplyOptions): Promise<ApplyResult> {
    const actor = `apply:${applyId}`;
    const slots = new Slots(Math.max(1, opts.concurrency ?? 16));
    const nodeSpecs = new Map(specs.nodes.map((s) => [s.name, s]));
    const depSpecs = new Map(specs.deployments.map((d) => [d.name, d]));
    const status = new Map<string, ApplyActionRow['status']>(plan.actions.map((a) => [a.id, 'pending']));
    const errors = new Map<string, string>();
    const finished = new Map<string, Promise<void>>();
    let doneCount = 0;
    const total = plan.actions.length;
    const report = (action: PlanAction, s: ApplyActionRow['status'], error?: string) =>
      opts.onProgress?.({ apply_id: applyId, action, status: s, error, done: doneCount, total });
    // Nodes claimed by deployments during this apply: a selector must not pick one twice.
    const claimed = new Set<string>();
    const byId = new Map(plan.actions.map((a) => [a.id, a]));
    const ended = new Changes();
    /** Whether this apply still has to make the node (by name or uuid) available: a selector may wait for it. */
    const willProvide = (names: Set<string>) =>
      plan.actions.some((a) => a.op === 'provide' && a.resource === 'node' && (names.has(a.name) || names.has(a.node ?? '')) && (status.get(a.id) === 'pending' || status.get(a.id) === 'running'));

    const runAction = async (action: PlanAction): Promise<void> => {
      const deps = action.depends_on.map((d) => finished.get(d)).filter(Boolean) as Promise<void>[];
      await Promise.all(deps);
      // A deployment by selector waits for the nodes it might get, but one of them failing is one candidate
      // fewer, not a reason to skip it: it fails by itself if no node is left for it.
      const soft = (d: string) => action.op === 'deploy' && action.params?.node_selector !== undefined && byId.get(d)?.resource === 'node';
      if (action.depends_on.some((d) => status.get(d) !== 'done' && !soft(d))) {
        status.set(action.id, 'skipped');
        const why = `skipped: ${action.depends_on.filter((d) => status.get(d) !== 'done' && !soft(d)).join(', ')} did not succeed`;
        errors.set(action.id, why);
        await this.store.transaction((tx) => tx.setApplyAction(applyId, action.id, 'skipped', why));
        doneCount++;
        report(action, 'skipped', why);
        ended.notify();
        return;
      }
      await slots.acquire();
      let holding = true;
      const yieldSlot = async <T>(wait: Promise<T>): Promise<T> => {
        slots.release();
        holding = false;
        try {
          return await wait;
        } finally {
          await slots.acquire();
          holding = true;
        }
      };
      try {
        status.set(action.id, 'running');
        await this.store.transaction((tx) => tx.setApplyAction(applyId, action.id, 'running'));
        report(action, 'running');
        await retryWhileLocked(() => this.execute(action, { nodeSpecs, depSpecs, actor, claimed, yieldSlot, willProvide, ended }));
        status.set(action.id, 'done');
        await this.store.transaction(async (tx) => {
          await tx.setApplyAction(applyId, action.id, 'done');
          await tx.addEvent({ type: 'action', actor, apply_id: applyId, verb: action.op, to: 'done', reason: action.id, node_name: action.node ?? null });
        });
        doneCount++;
        report(action, 'done');
      } catch (err) {
        const msg = errorMessage(err);
        status.set(action.id, 'failed');
        errors.set(action.id, msg);
        await this.store.transaction(async (tx) => {
          await tx.setApplyAction(applyId, action.id, 'failed', msg);
          await tx.addEvent({ type: 'action', actor, apply_id: applyId, verb: action.op, to: 'failed', reason: `${action.id}: ${msg}`, node_name: action.node ?? null });
        });
        doneCount++;
        report(action, 'failed', msg);
      } finally {
        if (holding) slots.release();
        ended.notify();
      }
    };

    for (const action of plan.actions) finished.set(action.id, runAction(action));
    await Promise.all(finished.values());

    const failed = [...status.values()].some((s) => s === 'failed' || s === 'skipped');
    const result: ApplyResult = {
      id: applyId,
      status: failed ? 'failed' : 'succeeded',
      actions: plan.actions.map((a) => ({ action_id: a.id, status: status.get(a.id)!, error: errors.get(a.id) ?? null })),
    };
    await this.store.transaction(async (tx) => {
      const failures = result.actions.filter((a) => a.status === 'failed').length;
      await tx.finishApply(applyId, result.status, failed ? `${failures} action(s) failed` : null);
      await tx.addEvent({ type: 'apply', actor, apply_id: applyId, from: 'running', to: result.status, reason: failed ? `${failures} action(s) failed` : null });
    });
    return result;
  }

  private async execute(
    action: PlanAction,
    ctx: {
      nodeSpecs: Map<string, NodeSpec>;
      depSpecs: Map<string, DeploymentSpec>;
      actor: string;
      claimed: Set<string>;
      yieldSlot: <T>(p: Promise<T>) => Promise<T>;
      willProvide: (names: Set<string>) => boolean;
      ended: Changes;
    },
  ): Promise<void> {
    const c = this.deps.manager;
    const nodes = this.deps.nodes;
    const actor = ctx.actor;
    const nodeSpec = () => {
      const s = ctx.nodeSpecs.get(action.name);
      if (!s) throw new EngineError('Conflict', `no node spec named ${action.name} (specs changed during apply?)`);
      return s;
    };
    // Cleaning and deploying may each wait for an agent up to its call-back timeout; then some slack.
    const agentWaitMs = (this.deps.deployCallbackTimeoutSec + 600) * 1000;
    const waitStable = (uuid: string, ms = agentWaitMs) => ctx.yieldSlot(nodes.waitForNode(uuid, (n) => n.reservation === null && STABLE_STATES.includes(n.provision_state), ms));
    // A node still in a flow (an agent at work on it, e.g. after a restart) is waited for, not refused.
    const settled = async (id: string) => {
      const n = await nodes.getNode(id);
      return n.reservation === null && STABLE_STATES.includes(n.provision_state) ? n : waitStable(n.uuid);
    };
    const expectState = (n: NodeRecord, want: NodeRecord['provision_state'], what: string) => {
      if (n.provision_state !== want) throw new EngineError('Conflict', `${what} ended in "${n.provision_state}" instead of "${want}": ${n.last_error ?? 'no error recorded'}`);
    };
    const ident = action.node ?? action.name;

    switch (action.op) {
      case 'enroll': {
        const s = nodeSpec();
        await c.createNode(
          {
            name: s.name,
            driver: s.driver,
            driver_info: s.driver_info ?? {},
            interfaces: s.interfaces,
            properties: s.properties ?? {},
            resource_class: s.resource_class ?? null,
            traits: s.traits ?? [],
            extra: s.extra ?? {},
            managed: true,
          },
          actor,
        );
        return;
      }
      case 'update': {
        const s = nodeSpec();
        const fields = new Set(action.reasons.map((r) => r.field.split('.')[0]));
        await c.updateNode(
          ident,
          {
            ...(fields.has('driver') || fields.has('interfaces') ? { driver: s.driver, interfaces: s.interfaces ?? {} } : {}),
            ...(fields.has('driver_info') || fields.has('driver') || fields.has('interfaces') ? { driver_info: s.driver_info ?? {} } : {}),
            ...(fields.has('properties') ? { properties: s.properties ?? {} } : {}),
            ...(fields.has('resource_class') ? { resource_class: s.resource_class ?? null } : {}),
            ...(fields.has('traits') ? { traits: s.traits ?? [] } : {}),
            ...(fields.has('extra') ? { extra: s.extra ?? {} } : {}),
            managed: true,
          },
          actor,
        );
        return;
      }
      case 'add_port': {
        const s = nodeSpec();
        const mac = String(action.params?.address);
        const p = (s.ports ?? []).find((x) => x.address.toLowerCase() === mac);
        const node = await nodes.getNode(s.name);
        const existing = (await nodes.listPorts({ address: mac }))[0];
        if (existing && existing.node_uuid === node.uuid) return; // already there: a resumed apply
        await c.createPort({ node_uuid: node.uuid, address: mac, pxe_enabled: p?.pxe_enabled ?? true, extra: p?.extra ?? {} }, actor);
        return;
      }
      case 'update_port': {
        const s = nodeSpec();
        const mac = String(action.params?.address);
        const p = (s.ports ?? []).find((x) => x.address.toLowerCase() === mac);
        await c.updatePort(String(action.params?.port_uuid), { pxe_enabled: p?.pxe_enabled ?? true, extra: p?.extra ?? {} }, actor);
        return;
      }
      case 'remove_port':
        await c.deletePort(String(action.params?.port_uuid), actor);
        return;
      case 'manage':
      case 'provide': {
        // The node may have been planned in progress, or have failed since (e.g. cleaning whose agent died
        // with a killed apply and whose deadline failed it): go on from where it settled.
        const node = await settled(ident);
        const want = action.op === 'manage' ? 'manageable' : 'available';
        const path = provisionPath(node.provision_state, want);
        // No way there in the table: the verb itself is asked for, so the refusal names state and verb.
        const steps = path.length || node.provision_state === want ? path : [action.op];
        for (const step of steps) {
          await c.provision(node.uuid, step as 'manage' | 'provide', {}, actor);
          expectState(await waitStable(node.uuid), step === 'manage' ? 'manageable' : 'available', step);
        }
        return;
      }
      case 'set_maintenance': {
        const s = nodeSpec();
        await c.setMaintenance(ident, true, s.maintenance_reason ?? null, actor);
        return;
      }
      case 'unset_maintenance':
        await c.setMaintenance(ident, false, null, actor);
        return;
      case 'power_on':
      case 'power_off': {
        const want = action.op === 'power_on' ? 'power on' : 'power off';
        const node = await nodes.getNode(ident);
        if (node.power_state === want) return;
        await c.changePowerState(node.uuid, want, actor);
        const after = await nodes.waitForNode(node.uuid, (n) => n.reservation === null && n.target_power_state === null, agentWaitMs);
        if (after.power_state !== want) throw new EngineError('Conflict', `power ${want} failed: ${after.last_error ?? 'the BMC did not confirm'}`);
        return;
      }
      case 'deploy':
      case 'rebuild': {
        const d = ctx.depSpecs.get(action.name);
        if (!d) throw new EngineError('Conflict', `no deployment spec named ${action.name}`);
        const node = await settled((await this.pickNode(action, d, ctx)).uuid);
        const existing = await this.store.findDeployment(d.name);
        if (node.instance_uuid && node.instance_uuid !== existing?.uuid) {
          throw new EngineError('Conflict', `node ${node.name ?? node.uuid} holds deployment ${node.instance_uuid}, not ${d.name}`);
        }
        // A deploy that was in progress when planned (resumed after a crash) may have ended as the spec asks.
        if (node.provision_state === 'active' && existing && node.instance_uuid === existing.uuid && runsSpec(node, d, existing)) return;
        const record = await this.recordDeployment(d, node);
        await c.provision(
          node.uuid,
          // Anything but available (deploy failed, error, active with another image) is deployed again by rebuild.
          node.provision_state === 'available' ? 'deploy' : 'rebuild',
          { instance_info: instanceInfo(d), instance_uuid: record.uuid },
          actor,
        );
        // The agent may take minutes: wait for the outcome without holding a worker slot.
        const end = await waitStable(node.uuid);
        expectState(end, 'active', `deploy of ${d.name} on node ${end.name ?? end.uuid}`);
        return;
      }
      case 'undeploy': {
        const rec = action.resource === 'deployment' ? await this.store.findDeployment(action.name) : undefined;
        const nodeIdent = rec?.node_uuid ?? (action.resource === 'node' ? ident : null);
        if (!nodeIdent) {
          if (rec) await this.store.transaction((tx) => tx.deleteDeployment(rec.uuid));
          return;
        }
        const node = await settled(nodeIdent);
        // Nothing to undeploy where the state machine offers no undeploy (a node at rest, not deployed).
        if (!allowedVerbs(node.provision_state).includes('undeploy')) {
          if (rec) await this.store.transaction((tx) => tx.deleteDeployment(rec.uuid));
          return;
        }
        await c.provision(node.uuid, 'undeploy', {}, actor);
        expectState(await waitStable(node.uuid), 'available', `undeploy of node ${node.name ?? node.uuid}`);
        if (rec) await this.store.transaction((tx) => tx.deleteDeployment(rec.uuid));
        return;
      }
      case 'forget': {
        const rec = await this.store.findDeployment(action.name);
        if (rec) await this.store.transaction((tx) => tx.deleteDeployment(rec.uuid));
        return;
      }
      case 'delete':
        // A node still in a flow can't be deleted: wait for it to come to rest first.
        await settled(ident);
        await c.deleteNode(ident, actor);
        return;
    }
  }

  /**
   * The node a deployment goes to: the one named, the one recorded for it, or an available one matching
   * the selector. With none available, a selector waits while a matching node is on its way to available
   * (cleaning for it, or still to be provided by this apply), and fails only when none is left.
   */
  private async pickNode(
    action: PlanAction,
    d: DeploymentSpec,
    ctx: { claimed: Set<string>; yieldSlot: <T>(p: Promise<T>) => Promise<T>; willProvide: (names: Set<string>) => boolean; ended: Changes },
  ): Promise<NodeRecord> {
    const claimed = ctx.claimed;
    if (d.node) {
      const node = await this.deps.nodes.getNode(d.node);
      const existing = await this.store.findDeployment(d.name);
      if (node.instance_uuid && node.instance_uuid !== existing?.uuid) throw new EngineError('Conflict', `node ${d.node} is already occupied by deployment ${node.instance_uuid}`);
      claimed.add(node.uuid);
      return node;
    }
    if (action.params?.node) {
      const node = await this.deps.nodes.getNode(String(action.params.node));
      claimed.add(node.uuid);
      return node;
    }
    const sel = d.node_selector!;
    // A retried or resumed deploy keeps the node it already recorded.
    const existing = await this.store.findDeployment(d.name);
    if (existing?.node_uuid) {
      const held = await this.store.findNode(existing.node_uuid);
      if (held && (held.instance_uuid === null || held.instance_uuid === existing.uuid)) {
        claimed.add(held.uuid);
        return held;
      }
    }
    const fits = (n: NodeRecord) => (sel.traits ?? []).every((t) => n.traits.includes(t));
    const deadline = Date.now() + (this.deps.deployCallbackTimeoutSec + 600) * 1000;
    for (;;) {
      // Listening before reading, so a change between the read and the wait is not missed.
      const change = this.nodeChange(ctx.ended);
      try {
        // A node another deployment has recorded (its deploy not started yet, e.g. cut short by a crash) is theirs.
        const taken = new Set((await this.store.listDeployments()).filter((x) => x.name !== d.name && x.node_uuid).map((x) => x.node_uuid!));
        const candidates = (await this.store.listNodes({ resource_class: sel.resource_class, maintenance: false, associated: false })).filter(
          (n) => fits(n) && !claimed.has(n.uuid) && !taken.has(n.uuid),
        );
        const free = candidates.filter((n) => n.provision_state === 'available');
        if (free.length) {
          const pick = await this.allocate(d, free, existing);
          if (pick) {
            claimed.add(pick.uuid);
            return pick;
          }
          // Taken meanwhile (by another apply or an allocation): look again once something changes.
          if (Date.now() > deadline) throw new EngineError('Conflict', `no available node could be allocated to deployment ${d.name}`);
          await ctx.yieldSlot(change.promise);
          continue;
        }
        const coming = candidates.filter(
          (n) => (['cleaning', 'clean wait'].includes(n.provision_state) && n.target_provision_state === 'available') || ctx.willProvide(new Set([n.uuid, ...(n.name ? [n.name] : [])])),
        );
        const what = `deployment ${d.name} (resource_class ${sel.resource_class}${sel.traits?.length ? `, traits ${sel.traits.join(', ')}` : ''})`;
        if (!coming.length) throw new EngineError('Conflict', `no available node matches ${what}, and none is on its way to available`);
        if (Date.now() > deadline) throw new EngineError('Conflict', `no available node matches ${what}: timed out waiting for ${coming.map((n) => n.name ?? n.uuid).join(', ')}`);
        await ctx.yieldSlot(change.promise);
      } finally {
        change.dispose();
      }
    }
  }

  /**
   * Claims one of `free` for a deployment by selector through an allocation, so the manager picks by the
   * rule every allocation follows (engine/conductor/allocations.ts), as the Terraform provider's
   * deployments by selector do. The allocation's UUID is the deployment's (recorded at once), which the
   * node then carries as its instance; undeploying ends the allocation. Undefined if none could be had.
   */
  private async allocate(d: DeploymentSpec, free: NodeRecord[], existing: DeploymentRecord | undefined): Promise<NodeRecord | undefined> {
    const sel = d.node_selector!;
    const uuid = existing?.uuid ?? newUuid();
    // A failed attempt of this deployment left its allocation without a node: it is replaced.
    const stale = await findAllocation(this.store.db, uuid);
    if (stale && !stale.node_uuid) await this.deps.manager.deleteAllocation(uuid, 'apply');
    const a = await this.deps.manager.createAllocation({ uuid, resource_class: sel.resource_class, traits: sel.traits ?? [], candidate_nodes: free.map((n) => n.uuid) }, 'apply');
    if (a.state !== 'active' || !a.node_uuid) {
      await this.deps.manager.deleteAllocation(a.uuid, 'apply');
      return undefined;
    }
    const node = await this.deps.nodes.getNode(a.node_uuid);
    await this.recordDeployment(d, node, a.uuid);
    return node;
  }

  /**
   * Settles on the next provision change of any node, or when an action of this apply ends; a poll stands
   * in for changes made by other processes, which raise no event here.
   */
  private nodeChange(ended: Changes): { promise: Promise<void>; dispose: () => void } {
    const events = this.deps.nodes.events;
    let dispose = () => {};
    const promise = new Promise<void>((resolve) => {
      const onEvent = (e: Event) => {
        if (e.type === 'provision' || e.type === 'node') done();
      };
      const timer = setTimeout(() => done(), 1000);
      const off = ended.on(() => done());
      const done = () => {
        dispose();
        resolve();
      };
      dispose = () => {
        clearTimeout(timer);
        off();
        events.off('event', onEvent);
      };
      events.on('event', onEvent);
    });
    return { promise, dispose: () => dispose() };
  }

  private async recordDeployment(d: DeploymentSpec, node: NodeRecord, uuid?: string): Promise<DeploymentRecord> {
    const existing = await this.store.findDeployment(d.name);
    const t = now();
    const rec: DeploymentRecord = {
      uuid: existing?.uuid ?? uuid ?? newUuid(),
      name: d.name,
      node_uuid: node.uuid,
      image_source: d.image_source,
      image_checksum: d.image_checksum,
      root_device: d.root_device ?? null,
      user_data: d.user_data ?? null,
      meta_data: d.meta_data ?? null,
      created_at: existing?.created_at ?? t,
      updated_at: existing ? t : null,
    };
    await this.store.transaction(async (tx) => {
      await tx.upsertDeployment(rec);
      await tx.addEvent({ type: 'deployment', node_uuid: node.uuid, node_name: node.name, verb: existing ? 'update' : 'create', actor: 'apply', reason: `deployment ${d.name} → node ${node.name ?? node.uuid}` });
    });
    return rec;
  }
}

export function instanceInfo(d: DeploymentSpec): Record<string, unknown> {
  const info: Record<string, unknown> = { image_source: d.image_source, image_checksum: d.image_checksum };
  const [algo, hash] = d.image_checksum.split(':');
  info.image_os_hash_algo = algo;
  info.image_os_hash_value = hash;
  if (d.root_device) info.root_device = d.root_device;
  if (d.user_data !== undefined || d.meta_data !== undefined) info.configdrive = { user_data: d.user_data ?? null, meta_data: d.meta_data ?? {} };
  return info;
}

/**
 * Whether an active node holding the deployment runs what the spec asks for. The record is written before
 * the deploy is asked for, so it is checked against the spec, and the node's own instance_info against
 * the image (and the config drive's digest, when the spec has user or meta data).
 */
function runsSpec(node: NodeRecord, d: DeploymentSpec, record: DeploymentRecord): boolean {
  if (imageReasons(d, record).length) return false;
  const want = instanceInfo(d);
  const have = node.instance_info;
  if (have.image_source !== want.image_source || have.image_checksum !== want.image_checksum) return false;
  return want.configdrive === undefined || have[CONFIGDRIVE_DIGEST_KEY] === configdriveDigest(want.configdrive);
}

/** Tells listeners that something ended (an action of an apply), so waiters look again. */
class Changes {
  private readonly listeners = new Set<() => void>();
  on(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  notify(): void {
    for (const fn of [...this.listeners]) fn();
  }
}

/** Another writer (a power sync, an API call) may hold the node for a moment: wait and retry. */
async function retryWhileLocked<T>(fn: () => Promise<T>, maxMs = 60_000): Promise<T> {
  const start = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as EngineError).code !== 'NodeLocked' || Date.now() - start > maxMs) throw err;
      await sleep(Math.min(10 * 2 ** attempt, 500));
    }
  }
}
