// apply(plan): runs a plan's actions through the conductor as a dependency graph. Independent nodes
// proceed concurrently up to a bound; a node waiting for its agent gives its slot back while it waits.
// Every action's progress is recorded, so an interrupted apply is known and the next apply converges.
import type { Plan, PlanAction } from './generated/plan.js';
import type { NodeRecord } from './generated/node-record.js';
import type { NodeSpec } from './generated/node-spec.js';
import type { DeploymentSpec } from './generated/deployment-spec.js';
import type { DeploymentRecord } from './generated/deployment-record.js';
import type { Conductor } from './conductor.js';
import { errorMessage } from './conductor.js';
import type { Store, ApplyActionRow } from './store/store.js';
import { now } from './store/store.js';
import { EngineError } from './errors.js';
import { newId, newUuid } from './ids.js';
import type { Specs } from './plan.js';
import { STABLE_STATES } from './states.js';

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

export class Applier {
  constructor(
    private readonly conductor: Conductor,
    private readonly store: Store,
  ) {}

  /** Records the apply and starts it; `done` settles with the result. */
  async start(plan: Plan, specs: Specs, opts: ApplyOptions = {}): Promise<{ apply_id: string; done: Promise<ApplyResult> }> {
    const id = newId('apply');
    await this.store.transaction(async (tx) => {
      await tx.insertApply({ id, plan_id: plan.id, status: 'running', conductor: this.conductor.id, started_at: now(), finished_at: null, error: null }, plan.actions.map((a) => a.id));
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

    const runAction = async (action: PlanAction): Promise<void> => {
      const deps = action.depends_on.map((d) => finished.get(d)).filter(Boolean) as Promise<void>[];
      await Promise.all(deps);
      if (action.depends_on.some((d) => status.get(d) !== 'done')) {
        status.set(action.id, 'skipped');
        const why = `skipped: ${action.depends_on.filter((d) => status.get(d) !== 'done').join(', ')} did not succeed`;
        errors.set(action.id, why);
        await this.store.transaction((tx) => tx.setApplyAction(applyId, action.id, 'skipped', why));
        doneCount++;
        report(action, 'skipped', why);
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
        await retryWhileLocked(() => this.execute(action, { nodeSpecs, depSpecs, actor, claimed, yieldSlot }));
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
    },
  ): Promise<void> {
    const c = this.conductor;
    const actor = ctx.actor;
    const nodeSpec = () => {
      const s = ctx.nodeSpecs.get(action.name);
      if (!s) throw new EngineError('Conflict', `no node spec named ${action.name} (specs changed during apply?)`);
      return s;
    };
    // Cleaning and deploying may each wait for an agent up to its call-back timeout; then some slack.
    const agentWaitMs = (this.conductor.settings.deployCallbackTimeoutSec + 600) * 1000;
    const waitStable = (uuid: string, ms = agentWaitMs) => ctx.yieldSlot(c.waitForNode(uuid, (n) => n.reservation === null && STABLE_STATES.includes(n.provision_state), ms));
    // A node still in a flow (an agent at work on it, e.g. after a restart) is waited for, not refused.
    const settled = async (id: string) => {
      const n = await c.getNode(id);
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
        const node = await c.getNode(s.name);
        const existing = (await c.listPorts({ address: mac }))[0];
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
        const node = await settled(ident);
        const want = action.op === 'manage' ? 'manageable' : 'available';
        if (node.provision_state === want) return;
        const op = await c.provision(ident, action.op, {}, actor);
        await op.done;
        expectState(await waitStable(op.node.uuid), want, action.op);
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
        const node = await c.getNode(ident);
        if (node.power_state === want) return;
        const op = await c.changePowerState(ident, want, actor);
        const after = await op.done;
        if (after.power_state !== want) throw new EngineError('Conflict', `power ${want} failed: ${after.last_error ?? 'the BMC did not confirm'}`);
        return;
      }
      case 'deploy':
      case 'rebuild': {
        const d = ctx.depSpecs.get(action.name);
        if (!d) throw new EngineError('Conflict', `no deployment spec named ${action.name}`);
        const node = await settled((await this.pickNode(action, d, ctx.claimed)).uuid);
        const record = await this.recordDeployment(d, node);
        const op = await c.provision(
          node.uuid,
          action.op === 'rebuild' && node.provision_state !== 'available' ? 'rebuild' : 'deploy',
          { instance_info: instanceInfo(d), instance_uuid: record.uuid },
          actor,
        );
        await op.done;
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
        if (['available', 'manageable', 'enroll'].includes(node.provision_state)) {
          if (rec) await this.store.transaction((tx) => tx.deleteDeployment(rec.uuid));
          return;
        }
        const op = await c.provision(node.uuid, 'undeploy', {}, actor);
        await op.done;
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
        await c.deleteNode(ident, actor);
        return;
    }
  }

  /** The node a deployment goes to: the one named, or an available one matching the selector. */
  private async pickNode(action: PlanAction, d: DeploymentSpec, claimed: Set<string>): Promise<NodeRecord> {
    if (d.node) {
      const node = await this.conductor.getNode(d.node);
      const existing = await this.store.findDeployment(d.name);
      if (node.instance_uuid && node.instance_uuid !== existing?.uuid) throw new EngineError('Conflict', `node ${d.node} is already occupied by deployment ${node.instance_uuid}`);
      claimed.add(node.uuid);
      return node;
    }
    if (action.params?.node) return this.conductor.getNode(String(action.params.node));
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
    const candidates = await this.store.listNodes({ provision_state: 'available', resource_class: sel.resource_class, maintenance: false, associated: false });
    const pick = candidates.find((n) => !claimed.has(n.uuid) && (sel.traits ?? []).every((t) => n.traits.includes(t)));
    if (!pick) {
      throw new EngineError('Conflict', `no available node matches deployment ${d.name} (resource_class ${sel.resource_class}${sel.traits?.length ? `, traits ${sel.traits.join(', ')}` : ''})`);
    }
    claimed.add(pick.uuid);
    return pick;
  }

  private async recordDeployment(d: DeploymentSpec, node: NodeRecord): Promise<DeploymentRecord> {
    const existing = await this.store.findDeployment(d.name);
    const t = now();
    const rec: DeploymentRecord = {
      uuid: existing?.uuid ?? newUuid(),
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
