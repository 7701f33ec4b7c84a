// The manager (Ironic's conductor): does the work on nodes through their drivers. Every operation takes
// the node's lock, moves the node through the state-machine table and records each step (with an event)
// in one transaction, so a crash leaves a state the next start can recover from.
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { timingSafeEqual } from 'node:crypto';
import type { NodeRecord } from './generated/node-record.js';
import type { PortRecord } from './generated/port-record.js';
import type { Event } from './generated/event.js';
import type { InterfaceNames } from './generated/node-spec.js';
import {
  type AgentChannel,
  type AgentCommand,
  type AgentHeartbeat,
  type BootDevice,
  type CleanStep,
  type DeployInterface,
  type HeartbeatOutcome,
  type Inventory,
  type Logger,
  type PowerState,
  type ServiceSettings,
  type StepResult,
  type Task,
} from '../drivers/types.js';
import { Store, now, type NodeFilter, type NodePatch, type TxStore } from './store/store.js';
import { DriverRegistry, SECRET_MASK, SECRET_NAME } from './drivers/registry.js';
import { validator } from './validation.js';
import { EngineError, invalidParameter, notFound } from './errors.js';
import { newUuid, isUuid } from './ids.js';
import { CONFIGDRIVE_DIGEST_KEY, configdriveDigest } from './configdrive.js';
import {
  IDLE_STATES,
  LOOKUP_ALLOWED_STATES,
  REFUSED_IN_MAINTENANCE,
  TRANSIENT_STATES,
  WAIT_STATES,
  nextState,
  stuckStateOutcome,
  type ProvisionEvent,
  type UserVerb,
} from './states.js';

export interface ConductorOptions {
  store: Store;
  registry: DriverRegistry;
  settings: ServiceSettings;
  log: Logger;
  /** Seconds between power-state syncs with the BMCs (0 disables). */
  powerSyncIntervalSec?: number;
  /** Milliseconds between checks for wait states past their deadline. */
  deadlineCheckIntervalMs?: number;
  /** Seconds between this conductor's liveness heartbeats in the database. */
  heartbeatIntervalSec?: number;
}

export interface NodeCreate {
  name?: string | null;
  uuid?: string;
  driver: string;
  driver_info?: Record<string, unknown>;
  interfaces?: InterfaceNames;
  properties?: Record<string, unknown>;
  resource_class?: string | null;
  traits?: string[];
  extra?: Record<string, unknown>;
  managed?: boolean;
  maintenance?: boolean;
  maintenance_reason?: string | null;
  instance_info?: Record<string, unknown>;
}

export type NodeUpdate = Partial<Omit<NodeCreate, 'uuid'>> & { instance_uuid?: string | null };

/** An operation accepted on a node: `node` as it was when accepted, `done` once it settles. */
export interface Operation {
  node: NodeRecord;
  done: Promise<NodeRecord>;
}

export interface ProvisionArgs {
  instance_info?: Record<string, unknown>;
  instance_uuid?: string;
  /** Manual cleaning's steps (Ironic's clean_steps); without them `clean` runs the automated sequence. */
  clean_steps?: CleanStep[];
}

export type ValidationReport = Record<string, { result: boolean | null; reason: string | null }>;

export class Conductor implements AgentChannel {
  readonly id: string;
  readonly events = new EventEmitter();
  private readonly store: Store;
  private readonly registry: DriverRegistry;
  readonly settings: ServiceSettings;
  private readonly log: Logger;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly opts: ConductorOptions) {
    this.store = opts.store;
    this.registry = opts.registry;
    this.settings = opts.settings;
    this.log = opts.log;
    this.id = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.events.setMaxListeners(0);
    this.store.onEvents = (events) => {
      for (const e of events) this.events.emit('event', e);
    };
  }

  // ---------------------------------------------------------------- life cycle

  async start(): Promise<void> {
    const t = now();
    await this.store.transaction((tx) => tx.upsertConductor({ id: this.id, hostname: hostname(), started_at: t, heartbeat_at: t, online: true }));
    await this.recoverOrphans();
    const hb = this.opts.heartbeatIntervalSec ?? 10;
    this.every(hb * 1000, () =>
      this.store.transaction((tx) => tx.upsertConductor({ id: this.id, hostname: hostname(), started_at: t, heartbeat_at: now(), online: true })),
    );
    this.every(this.opts.deadlineCheckIntervalMs ?? 1000, () => this.failExpiredWaits());
    this.every(hb * 1000, () => this.releaseDeadLocks());
    const sync = this.opts.powerSyncIntervalSec ?? 60;
    if (sync > 0) this.every(sync * 1000, () => this.syncPowerStates());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled([...this.running]);
    await this.store.transaction(async (tx) => {
      const me = (await tx.listConductors()).find((c) => c.id === this.id);
      if (me) await tx.upsertConductor({ ...me, online: false, heartbeat_at: now() });
    });
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || this.stopped) return;
      busy = true;
      fn()
        .catch((err) => this.log.error({ err: String(err) }, 'periodic task failed'))
        .finally(() => (busy = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /**
   * The conductors other than this one that are gone: they said so, stopped heartbeating, or (same host)
   * their process is gone. A lock held by a name no conductor ever registered is gone too.
   */
  private async liveConductors(): Promise<Set<string>> {
    const live = new Set<string>([this.id]);
    const staleBefore = Date.now() - 3 * (this.opts.heartbeatIntervalSec ?? 10) * 1000;
    for (const c of await this.store.listConductors()) {
      if (c.id === this.id) continue;
      const [host, pid] = c.id.split(':');
      let alive = c.online && Date.parse(c.heartbeat_at) >= staleBefore;
      if (alive && host === hostname() && pid) {
        try {
          process.kill(Number(pid), 0);
        } catch {
          alive = false;
        }
      }
      if (alive) live.add(c.id);
    }
    return live;
  }

  /**
   * At start: every node a gone conductor left (locked, or unlocked in a transient state) is recovered,
   * parked nodes' drivers are told they have a new owner, and applies the gone conductors ran end.
   */
  async recoverOrphans(): Promise<void> {
    const live = await this.liveConductors();
    await this.recoverNodes(await this.store.listNodes({}), live);
    // Nodes parked in wait states were handed to drivers that may need to resume (e.g. a simulated agent).
    const parked = [...(await this.store.listNodes({ provision_state: 'wait call-back' })), ...(await this.store.listNodes({ provision_state: 'clean wait' }))];
    for (const node of parked) {
      try {
        await this.withTask(node.uuid, (task) => task.driver.deploy.takeOver(task));
      } catch (err) {
        this.log.warn({ node: node.uuid, err: String(err) }, 'take over failed');
      }
    }
    await this.interruptDeadApplies(live);
  }

  /**
   * Periodically: locks held by a conductor that has died since (killed, or hung and stopped heartbeating)
   * are released by the rule of recoverOrphans. Only locked nodes are read, not the whole fleet.
   */
  async releaseDeadLocks(): Promise<number> {
    const live = await this.liveConductors();
    const orphaned = (await this.store.listNodes({ reserved: true })).filter((n) => n.reservation !== null && !live.has(n.reservation));
    const released = await this.recoverNodes(orphaned, live);
    await this.interruptDeadApplies(live);
    return released;
  }

  /**
   * Ironic's stuck-states rule: nodes whose lock holder is gone are released; those left in a state where
   * a conductor was actively working move to the matching failed state, with the reason recorded.
   */
  private async recoverNodes(nodes: NodeRecord[], live: Set<string>): Promise<number> {
    let recovered = 0;
    for (const node of nodes) {
      const orphaned = node.reservation !== null && !live.has(node.reservation);
      const unlockedTransient = node.reservation === null && TRANSIENT_STATES.includes(node.provision_state);
      if (!orphaned && !unlockedTransient && !(node.target_power_state && node.reservation === null)) continue;
      const done = await this.store.transaction(async (tx) => {
        const current = await tx.getNode(node.uuid);
        // Someone took or released it since the list was read: theirs, not ours to recover.
        if (current.reservation !== node.reservation) return false;
        const patch: NodePatch = { reservation: null, target_power_state: null };
        const outcome = stuckStateOutcome(current.provision_state);
        if (outcome) {
          patch.provision_state = outcome.to;
          patch.target_provision_state = outcome.to === 'enroll' ? null : current.target_provision_state;
          patch.last_error = outcome.reason;
          patch.provision_updated_at = now();
          await tx.addEvent({ type: 'provision', node_uuid: current.uuid, node_name: current.name, from: current.provision_state, to: outcome.to, verb: 'fail', actor: this.id, reason: outcome.reason });
        }
        await tx.updateNode(current.uuid, current.version, patch);
        return true;
      });
      if (!done) continue;
      recovered++;
      this.log.warn({ node: node.uuid, state: node.provision_state, holder: node.reservation }, 'released a node left by a stopped conductor');
      this.events.emit('released', node.uuid);
    }
    return recovered;
  }

  /** Applies whose conductor is gone end `interrupted`: a started action failed, the others did not run. */
  private async interruptDeadApplies(live: Set<string>): Promise<void> {
    const applies = await this.store.listApplies({ status: 'running' });
    for (const a of applies) {
      if (live.has(a.conductor)) continue;
      await this.store.transaction(async (tx) => {
        for (const act of await tx.listApplyActions(a.id)) {
          if (act.status === 'running') await tx.setApplyAction(a.id, act.action_id, 'failed', 'interrupted: the conductor running this apply stopped');
          if (act.status === 'pending') await tx.setApplyAction(a.id, act.action_id, 'not run', 'not started: the conductor running this apply stopped first');
        }
        await tx.finishApply(a.id, 'interrupted', 'The conductor running this apply stopped; apply again to continue from the recorded state.');
        await tx.addEvent({ type: 'apply', actor: this.id, apply_id: a.id, from: 'running', to: 'interrupted', reason: 'conductor stopped during apply' });
      });
    }
  }

  // ---------------------------------------------------------------- reading

  getNode(ident: string): Promise<NodeRecord> {
    return this.store.getNode(ident);
  }

  countNodesByState(): Promise<Map<string, number>> {
    return this.store.countNodesByState();
  }

  listNodes(filter: NodeFilter = {}): Promise<NodeRecord[]> {
    return this.store.listNodes(filter);
  }

  listPorts(filter: { node_uuid?: string; address?: string; limit?: number; marker?: string } = {}): Promise<PortRecord[]> {
    return this.store.listPorts(filter);
  }

  getPort(uuid: string): Promise<PortRecord> {
    return this.store.getPort(uuid);
  }

  listEvents(filter: { after?: number; node_uuid?: string; limit?: number } = {}): Promise<Event[]> {
    return this.store.listEvents(filter);
  }

  /** A node as users may see it: driver_info secrets, the agent token and the config drive (user data) masked. */
  redact(node: NodeRecord): NodeRecord {
    const instanceInfo = 'configdrive' in node.instance_info ? { ...node.instance_info, configdrive: SECRET_MASK } : node.instance_info;
    return {
      ...node,
      driver_info: this.registry.maskSecrets(node.interfaces, node.driver_info),
      driver_internal_info: maskSecretNames(node.driver_internal_info),
      instance_info: maskSecretNames(instanceInfo),
    };
  }

  // ---------------------------------------------------------------- node records

  async createNode(input: NodeCreate, actor = 'api'): Promise<NodeRecord> {
    if (input.name != null && isUuid(input.name)) throw invalidParameter('name', 'must not be a UUID');
    const interfaces = this.registry.resolveInterfaces(input.driver, input.interfaces ?? {});
    const driverInfo = input.driver_info ?? {};
    this.registry.validateDriverInfo(interfaces, driverInfo);
    const t = now();
    const node: NodeRecord = {
      uuid: input.uuid ?? newUuid(),
      name: input.name ?? null,
      driver: input.driver,
      driver_info: driverInfo,
      interfaces,
      properties: input.properties ?? {},
      resource_class: input.resource_class ?? null,
      traits: [...new Set(input.traits ?? [])].sort(),
      power_state: null,
      target_power_state: null,
      provision_state: 'enroll',
      target_provision_state: null,
      maintenance: input.maintenance ?? false,
      maintenance_reason: input.maintenance ? (input.maintenance_reason ?? null) : null,
      last_error: null,
      reservation: null,
      instance_uuid: null,
      instance_info: input.instance_info ?? {},
      driver_internal_info: {},
      extra: input.extra ?? {},
      managed: input.managed ?? false,
      provision_deadline: null,
      created_at: t,
      updated_at: null,
      provision_updated_at: null,
      version: 1,
    };
    await this.store.transaction(async (tx) => {
      await tx.insertNode(node);
      await tx.addEvent({ type: 'node', node_uuid: node.uuid, node_name: node.name, from: null, to: 'enroll', verb: 'create', actor, reason: 'node enrolled' });
    });
    return node;
  }

  /** Changes recorded fields of a node (not its states), under its lock. */
  async updateNode(ident: string, update: NodeUpdate, actor = 'api'): Promise<NodeRecord> {
    return this.withLockedNode(ident, async (node) => {
      const patch: NodePatch = {};
      if (update.name !== undefined) {
        if (update.name !== null && isUuid(update.name)) throw invalidParameter('name', 'must not be a UUID');
        patch.name = update.name;
      }
      const driver = update.driver ?? node.driver;
      if (update.driver !== undefined || update.interfaces !== undefined) {
        const requested = update.interfaces ?? (update.driver !== undefined && update.driver !== node.driver ? {} : node.interfaces);
        patch.driver = driver;
        patch.interfaces = this.registry.resolveInterfaces(driver, requested);
      }
      if (update.driver_info !== undefined || patch.interfaces) {
        const di = update.driver_info ?? node.driver_info;
        this.registry.validateDriverInfo(patch.interfaces ?? node.interfaces, di);
        patch.driver_info = di;
      }
      if (update.properties !== undefined) patch.properties = update.properties;
      if (update.resource_class !== undefined) patch.resource_class = update.resource_class;
      if (update.traits !== undefined) patch.traits = [...new Set(update.traits)].sort();
      if (update.extra !== undefined) patch.extra = update.extra;
      if (update.managed !== undefined) patch.managed = update.managed;
      if (update.instance_info !== undefined) patch.instance_info = update.instance_info;
      if (update.instance_uuid !== undefined) patch.instance_uuid = update.instance_uuid;
      if (update.maintenance !== undefined) {
        patch.maintenance = update.maintenance;
        patch.maintenance_reason = update.maintenance ? (update.maintenance_reason ?? node.maintenance_reason) : null;
      } else if (update.maintenance_reason !== undefined) patch.maintenance_reason = update.maintenance_reason;
      if ((patch.driver || patch.interfaces) && !IDLE_STATES.includes(node.provision_state) && !node.maintenance) {
        throw new EngineError('InvalidState', `Cannot change the driver of node ${ident} in provision state "${node.provision_state}".`);
      }
      return this.store.transaction(async (tx) => {
        const updated = await tx.updateNode(node.uuid, node.version, patch);
        const fields = Object.keys(patch).join(', ');
        await tx.addEvent({ type: 'node', node_uuid: node.uuid, node_name: updated.name, verb: 'update', actor, reason: `updated ${fields}` });
        if (update.maintenance !== undefined && update.maintenance !== node.maintenance) {
          await tx.addEvent({ type: 'maintenance', node_uuid: node.uuid, node_name: updated.name, from: String(node.maintenance), to: String(update.maintenance), actor, reason: patch.maintenance_reason ?? null });
        }
        return updated;
      });
    });
  }

  async setMaintenance(ident: string, on: boolean, reason: string | null, actor = 'api'): Promise<NodeRecord> {
    return this.updateNode(ident, { maintenance: on, maintenance_reason: on ? reason : null }, actor);
  }

  async deleteNode(ident: string, actor = 'api'): Promise<void> {
    await this.withLockedNode(ident, async (node) => {
      if (!node.maintenance && !IDLE_STATES.includes(node.provision_state)) {
        throw new EngineError(
          'InvalidState',
          `Can not delete node ${ident} while it is in provision state "${node.provision_state}" (allowed: ${IDLE_STATES.join(', ')}, or any state in maintenance).`,
        );
      }
      if (node.instance_uuid && !node.maintenance) throw new EngineError('InvalidState', `Node ${ident} is associated with deployment ${node.instance_uuid}; undeploy it first.`);
      await this.store.transaction(async (tx) => {
        const current = await tx.getNode(node.uuid);
        await tx.deleteNode(node.uuid, current.version);
        await tx.addEvent({ type: 'node', node_uuid: node.uuid, node_name: node.name, from: node.provision_state, to: null, verb: 'delete', actor, reason: 'node deleted' });
      });
    }, { releaseAfter: false });
  }

  async createPort(input: { node_uuid: string; address: string; pxe_enabled?: boolean; extra?: Record<string, unknown>; uuid?: string }, actor = 'api'): Promise<PortRecord> {
    const node = await this.store.getNode(input.node_uuid);
    assertMac(input.address);
    const t = now();
    const port: PortRecord = {
      uuid: input.uuid ?? newUuid(),
      node_uuid: node.uuid,
      address: input.address.toLowerCase(),
      pxe_enabled: input.pxe_enabled ?? true,
      extra: input.extra ?? {},
      created_at: t,
      updated_at: null,
    };
    await this.store.transaction(async (tx) => {
      await tx.insertPort(port);
      await tx.addEvent({ type: 'port', node_uuid: node.uuid, node_name: node.name, verb: 'create', actor, reason: `port ${port.address} added` });
    });
    return port;
  }

  async updatePort(uuid: string, patch: { address?: string; pxe_enabled?: boolean; extra?: Record<string, unknown>; node_uuid?: string }, actor = 'api'): Promise<PortRecord> {
    const port = await this.store.getPort(uuid);
    if (patch.address !== undefined) assertMac(patch.address);
    if (patch.node_uuid !== undefined) patch.node_uuid = (await this.store.getNode(patch.node_uuid)).uuid;
    return this.store.transaction(async (tx) => {
      const updated = await tx.updatePort(uuid, patch);
      await tx.addEvent({ type: 'port', node_uuid: port.node_uuid, verb: 'update', actor, reason: `port ${updated.address} updated` });
      return updated;
    });
  }

  async deletePort(uuid: string, actor = 'api'): Promise<void> {
    const port = await this.store.getPort(uuid);
    await this.store.transaction(async (tx) => {
      await tx.deletePort(uuid);
      await tx.addEvent({ type: 'port', node_uuid: port.node_uuid, verb: 'delete', actor, reason: `port ${port.address} removed` });
    });
  }

  // ---------------------------------------------------------------- tasks and locks

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => {});
    return p;
  }

  /** Releases the node's lock and tells waiters, who may be waiting for an unlocked stable node. */
  private async release(nodeUuid: string): Promise<void> {
    await this.store.releaseNode(nodeUuid, this.id);
    this.events.emit('released', nodeUuid);
  }

  /**
   * Runs `fn` holding the node's lock. A refusal (fn throws) always releases it: a refused request has no
   * other effect. `releaseAfter: false` is for an fn that deletes the node, leaving no lock to release.
   */
  private async withLockedNode<T>(ident: string, fn: (node: NodeRecord) => Promise<T>, opts: { releaseAfter?: boolean } = {}): Promise<T> {
    const node = await this.store.reserveNode(ident, this.id);
    let ok = false;
    try {
      const result = await fn(node);
      ok = true;
      return result;
    } finally {
      if (!ok || opts.releaseAfter !== false) await this.release(node.uuid);
    }
  }

  /** A task on the node; `known` is a record just read (e.g. by taking the lock), saving a read. */
  private async makeTask(nodeUuid: string, known?: NodeRecord): Promise<Task> {
    const holder = { node: known ?? (await this.store.getNode(nodeUuid)) };
    const ports = await this.store.listPorts({ node_uuid: nodeUuid });
    const driver = this.registry.driverFor(holder.node);
    const task: Task = {
      get node() {
        return holder.node;
      },
      ports,
      log: this.log,
      settings: this.settings,
      driver,
      agent: this,
      saveInternalInfo: async (patch) => {
        holder.node = await this.patchNode(nodeUuid, (current) => {
          const dii = { ...current.driver_internal_info };
          for (const [k, v] of Object.entries(patch)) {
            if (v === null || v === undefined) delete dii[k];
            else dii[k] = v;
          }
          return { driver_internal_info: dii };
        });
      },
    };
    return task;
  }

  private async withTask<T>(ident: string, fn: (task: Task) => Promise<T>): Promise<T> {
    return this.withLockedNode(ident, async (node) => fn(await this.makeTask(node.uuid, node)));
  }

  /** Writes a patch computed from the node as it is now (read in the same transaction). */
  private patchNode(nodeUuid: string, build: (current: NodeRecord) => NodePatch, tx?: TxStore): Promise<NodeRecord> {
    const run = async (t: TxStore) => {
      const current = await t.getNode(nodeUuid);
      return t.updateNode(nodeUuid, current.version, build(current), current);
    };
    return tx ? run(tx) : this.store.transaction(run);
  }

  /** Applies a state-machine event to the node and records it, in one transaction. */
  private async transition(nodeUuid: string, event: ProvisionEvent, actor: string, extra: NodePatch = {}, reason: string | null = null, tx?: TxStore): Promise<NodeRecord> {
    const run = async (t: TxStore) => {
      const node = await t.getNode(nodeUuid);
      const step = nextState(node.provision_state, event, node.target_provision_state);
      const time = now();
      // A failed or aborted flow's agent must never act again, nor look up the token of a later flow.
      const revoke = (event === 'fail' || event === 'abort') && extra.driver_internal_info === undefined && hasAgentCredentials(node);
      const updated = await t.updateNode(
        nodeUuid,
        node.version,
        {
          provision_state: step.to,
          target_provision_state: step.target === undefined ? node.target_provision_state : step.target,
          provision_updated_at: time,
          provision_deadline: null,
          ...(revoke ? { driver_internal_info: withoutAgentCredentials(node.driver_internal_info) } : {}),
          ...extra,
        },
        node,
      );
      await t.addEvent({ type: 'provision', node_uuid: nodeUuid, node_name: node.name, from: node.provision_state, to: step.to, verb: event, actor, reason: reason ?? extra.last_error ?? null });
      return updated;
    };
    return tx ? run(tx) : this.store.transaction(run);
  }

  private failNode(nodeUuid: string, error: string, actor: string): Promise<NodeRecord> {
    return this.transition(nodeUuid, 'fail', actor, { last_error: error }, error);
  }

  // ---------------------------------------------------------------- power

  /** Accepts a power change (NodeLocked if the node is busy) and carries it out in the background. */
  async changePowerState(ident: string, target: PowerState | 'reboot', actor = 'api'): Promise<Operation> {
    if (target !== 'power on' && target !== 'power off' && target !== 'reboot') throw invalidParameter('target', `"${target}" is not one of power on, power off, reboot`);
    const node = await this.store.reserveNode(ident, this.id);
    let accepted: NodeRecord;
    try {
      accepted = await this.store.transaction((tx) => tx.updateNode(node.uuid, node.version, { target_power_state: target === 'reboot' ? 'power on' : target, last_error: null }, node));
    } catch (err) {
      await this.release(node.uuid);
      throw err;
    }
    const done = this.track(
      (async () => {
        try {
          const task = await this.makeTask(node.uuid, accepted);
          try {
            await task.driver.power.validate(task);
            if (target === 'reboot') await task.driver.power.reboot(task);
            else await task.driver.power.setPowerState(task, target);
            return await this.recordPower(node.uuid, { to: target === 'reboot' ? 'power on' : target, verb: target, actor, reason: null, patch: { target_power_state: null } });
          } catch (err) {
            const msg = `Failed to change power state to "${target}": ${errorMessage(err)}`;
            return await this.recordPower(node.uuid, { to: null, verb: target, actor, reason: msg, patch: { target_power_state: null, last_error: msg } });
          }
        } finally {
          await this.release(node.uuid);
        }
      })(),
    );
    return { node: accepted, done };
  }

  /** Records what each BMC reports; a difference from a spec then shows up in the next plan. */
  async syncPowerStates(): Promise<number> {
    let changed = 0;
    const nodes = await this.store.listNodes({ maintenance: false, reserved: false });
    for (const n of nodes) {
      if (this.stopped) break;
      if (TRANSIENT_STATES.includes(n.provision_state) || n.provision_state === 'enroll') continue;
      let node: NodeRecord;
      try {
        node = await this.store.reserveNode(n.uuid, this.id);
      } catch {
        continue; // Busy or gone: the next sync will see it.
      }
      try {
        const task = await this.makeTask(node.uuid, node);
        let observed: PowerState;
        try {
          observed = await task.driver.power.getPowerState(task);
        } catch (err) {
          this.log.warn({ node: node.uuid, err: errorMessage(err) }, 'power sync could not read the power state');
          continue;
        }
        if (observed !== task.node.power_state) {
          changed++;
          await this.recordPower(node.uuid, { to: observed, verb: 'sync', actor: 'power-sync', reason: 'the BMC reports a power state different from the recorded one' });
        }
      } finally {
        await this.release(n.uuid);
      }
    }
    return changed;
  }

  // ---------------------------------------------------------------- boot device, validate, vendor

  async getBootDevice(ident: string) {
    return this.withTask(ident, (task) => task.driver.management.getBootDevice(task));
  }

  async setBootDevice(ident: string, device: BootDevice, persistent: boolean) {
    return this.withTask(ident, async (task) => {
      const supported = await task.driver.management.getSupportedBootDevices(task);
      if (!supported.includes(device)) throw invalidParameter('boot_device', `"${device}" is not supported by this node (supported: ${supported.join(', ')})`);
      await task.driver.management.setBootDevice(task, device, persistent);
    });
  }

  async getSupportedBootDevices(ident: string): Promise<BootDevice[]> {
    const node = await this.store.getNode(ident);
    const task = await this.makeTask(node.uuid, node);
    return task.driver.management.getSupportedBootDevices(task);
  }

  /** Ironic's node validate: each interface's validate(), without taking the lock. */
  async validate(ident: string): Promise<ValidationReport> {
    const node = await this.store.getNode(ident);
    const task = await this.makeTask(node.uuid, node);
    const report: ValidationReport = {};
    const kinds = ['power', 'management', 'boot', 'deploy', 'inspect', 'vendor'] as const;
    for (const kind of kinds) {
      try {
        if (kind === 'power') this.registry.validateDriverInfo(node.interfaces, node.driver_info);
        await task.driver[kind].validate(task);
        report[kind] = { result: true, reason: null };
      } catch (err) {
        report[kind] = { result: false, reason: errorMessage(err) };
      }
    }
    if (node.interfaces.inspect === 'no-inspect') report.inspect = { result: null, reason: 'not supported' };
    return report;
  }

  vendorMethods(ident: string): Promise<Record<string, { http_methods: string[]; description: string; async: boolean; require_exclusive_lock: boolean }>> {
    return this.store.getNode(ident).then((node) => {
      const vendor = this.registry.driverFor(node).vendor;
      const out: Record<string, { http_methods: string[]; description: string; async: boolean; require_exclusive_lock: boolean }> = {};
      for (const [name, m] of Object.entries(vendor.methods)) {
        out[name] = { http_methods: m.http_methods, description: m.description, async: m.async, require_exclusive_lock: m.require_exclusive_lock !== false };
      }
      return out;
    });
  }

  /** Vendor passthru: handed to the driver as is; ironplan neither stores nor inspects the messages. */
  async vendorPassthru(ident: string, method: string, httpMethod: string, body: unknown): Promise<{ async: boolean; result: unknown }> {
    const node = await this.store.getNode(ident);
    const vendor = this.registry.driverFor(node).vendor;
    const m = vendor.methods[method];
    if (!m) throw new EngineError('InvalidParameter', `method: no vendor passthru method "${method}" (known: ${Object.keys(vendor.methods).join(', ') || 'none'})`, 'method');
    if (!m.http_methods.includes(httpMethod as never)) throw new EngineError('InvalidParameter', `method ${method} does not accept HTTP ${httpMethod} (accepts ${m.http_methods.join(', ')})`, 'method');
    const run = async () => {
      if (m.require_exclusive_lock === false) return m.handler(await this.makeTask(node.uuid, node), httpMethod, body);
      return this.withTask(node.uuid, (task) => m.handler(task, httpMethod, body));
    };
    if (m.async) {
      this.track(run()).catch((err) => this.log.warn({ node: node.uuid, method, err: errorMessage(err) }, 'vendor passthru failed'));
      return { async: true, result: null };
    }
    return { async: false, result: await run() };
  }

  // ---------------------------------------------------------------- provisioning

  /**
   * Accepts a provision verb: checks the table, takes the lock, records the first transition, then runs
   * the flow in the background. `done` settles when the node reaches a stable or wait state.
   */
  async provision(ident: string, verb: UserVerb, args: ProvisionArgs = {}, actor = 'api'): Promise<Operation> {
    const node = await this.store.reserveNode(ident, this.id);
    let accepted: NodeRecord;
    try {
      if (node.maintenance && REFUSED_IN_MAINTENANCE.has(verb)) {
        throw new EngineError('NodeInMaintenance', `The requested action "${verb}" can not be performed on node ${ident} while it is in maintenance mode (${node.maintenance_reason ?? 'no reason given'}).`);
      }
      nextState(node.provision_state, verb, node.target_provision_state);
      if (verb === 'inspect') {
        // Refused now with the reason, rather than accepted into a wait that can never end.
        const task = await this.makeTask(node.uuid, node);
        await task.driver.inspect.validate(task);
      }
      accepted = await this.store.transaction(async (tx) => {
        const extra: NodePatch = { last_error: verb === 'abort' ? `Aborted by ${actor}.` : null };
        if (verb === 'clean' && args.clean_steps) {
          checkCleanSteps(this.registry.driverFor(node).deploy, args.clean_steps);
          extra.driver_internal_info = { ...node.driver_internal_info, clean_steps: args.clean_steps };
        } else if (node.driver_internal_info.clean_steps !== undefined && (verb === 'provide' || verb === 'undeploy' || verb === 'clean')) {
          // A manual clean's steps that outlived it (it failed) must not turn the next cleaning manual.
          const dii = { ...node.driver_internal_info };
          delete dii.clean_steps;
          extra.driver_internal_info = dii;
        }
        if (verb === 'deploy' || verb === 'rebuild') {
          const info = { ...node.instance_info, ...(args.instance_info ?? {}) };
          if (args.instance_info?.configdrive != null) info[CONFIGDRIVE_DIGEST_KEY] = configdriveDigest(args.instance_info.configdrive);
          extra.instance_info = info;
          if (args.instance_uuid !== undefined) extra.instance_uuid = args.instance_uuid;
        }
        return this.transition(node.uuid, verb, actor, extra, null, tx);
      });
    } catch (err) {
      await this.release(node.uuid);
      throw err;
    }
    const flow = this.flowFor(verb);
    const done = this.track(
      (async () => {
        try {
          await flow(accepted.uuid, actor);
        } catch (err) {
          this.log.error({ node: accepted.uuid, verb, err: errorMessage(err) }, 'provision flow crashed');
        } finally {
          await this.release(accepted.uuid);
        }
        return this.store.getNode(accepted.uuid);
      })(),
    );
    return { node: accepted, done };
  }

  /** Each flow runs holding the lock, which is released when it returns (a parked node holds none). */
  private flowFor(verb: UserVerb): (nodeUuid: string, actor: string) => Promise<void> {
    switch (verb) {
      case 'manage':
        return (u, a) => this.runManage(u, a);
      case 'provide':
      case 'clean':
        return (u, a) => this.runCleaning(u, a);
      case 'deploy':
      case 'rebuild':
        return (u, a) => this.runDeploy(u, a);
      case 'undeploy':
        return (u, a) => this.runUndeploy(u, a);
      case 'abort':
        return (u, a) => this.runAbort(u, a);
      case 'inspect':
        return (u, a) => this.runInspect(u, a);
    }
  }

  private async runManage(nodeUuid: string, actor: string): Promise<void> {
    const task = await this.makeTask(nodeUuid);
    if (task.node.provision_state !== 'verifying') return; // manage from available / failed states is a plain transition
    try {
      this.registry.validateDriverInfo(task.node.interfaces, task.node.driver_info);
      await task.driver.power.validate(task);
      await task.driver.management.validate(task);
      const power = await task.driver.power.getPowerState(task);
      await this.transition(nodeUuid, 'done', actor, { power_state: power }, 'BMC credentials verified');
    } catch (err) {
      await this.failNode(nodeUuid, `Failed to verify node: ${errorMessage(err)}`, actor);
    }
  }

  private async runCleaning(nodeUuid: string, actor: string): Promise<void> {
    const task = await this.makeTask(nodeUuid);
    try {
      const clean = task.driver.deploy.clean;
      const result: StepResult = clean ? await clean.call(task.driver.deploy, task) : { done: true };
      if ('wait' in result) {
        await this.park(nodeUuid, result, actor);
        return;
      }
      const power = await task.driver.power.getPowerState(task).catch(() => task.node.power_state);
      await this.transition(nodeUuid, 'done', actor, { power_state: power });
    } catch (err) {
      await this.failNode(nodeUuid, `Cleaning failed: ${errorMessage(err)}`, actor);
    }
  }

  private async runInspect(nodeUuid: string, actor: string): Promise<void> {
    const task = await this.makeTask(nodeUuid);
    try {
      const result = await task.driver.inspect.inspect(task);
      if ('wait' in result) await this.park(nodeUuid, result, actor);
      else await this.transition(nodeUuid, 'done', actor);
    } catch (err) {
      await this.failNode(nodeUuid, `Inspection failed: ${errorMessage(err)}`, actor);
    }
  }

  /**
   * Parks the node in its wait state, recording the power state the step left it in (powered on to boot
   * the agent) rather than the one from before the flow until the next power sync.
   */
  private async park(nodeUuid: string, wait: Extract<StepResult, { wait: true }>, actor: string): Promise<void> {
    const deadline = new Date(Date.now() + wait.timeoutSec * 1000).toISOString();
    await this.transition(nodeUuid, 'wait', actor, { provision_deadline: deadline, power_state: wait.powerState }, `waiting up to ${wait.timeoutSec}s for the agent`);
  }

  private async runDeploy(nodeUuid: string, actor: string): Promise<void> {
    const task = await this.makeTask(nodeUuid);
    try {
      await task.driver.power.validate(task);
      await task.driver.boot.validate(task);
      await task.driver.deploy.validate(task);
      const result = await task.driver.deploy.deploy(task);
      if ('wait' in result) {
        // Parked: no worker and no lock is held while the agent works; heartbeats take the lock briefly.
        await this.park(nodeUuid, result, actor);
        return;
      }
      await this.transition(nodeUuid, 'done', actor, { power_state: 'power on' }, 'deployed');
    } catch (err) {
      await this.deployFailed(task, `Deploy failed: ${errorMessage(err)}`, actor);
    }
  }

  /** deploy failed, with the reason; the node is powered off if the BMC lets us. */
  private deployFailed(task: Task, reason: string, actor: string): Promise<void> {
    return this.failPoweredOff(task, reason, actor, 'failed deploy');
  }

  private async failPoweredOff(task: Task, reason: string, actor: string, after: string): Promise<void> {
    await this.failNode(task.node.uuid, reason, actor);
    try {
      await task.driver.power.setPowerState(task, 'power off');
      await this.recordPower(task.node.uuid, { to: 'power off', verb: 'power off', actor, reason: `powered off after ${after}` });
    } catch (err) {
      this.log.warn({ node: task.node.uuid, err: errorMessage(err) }, `could not power the node off after ${after}`);
    }
  }

  /**
   * Records a power state the BMC confirmed (`to`), or a change that failed (`to: null`, the state stays),
   * with its event, plus any other fields in `patch`, in one transaction.
   */
  private recordPower(nodeUuid: string, e: { to: PowerState | null; verb: string; actor: string; reason: string | null; patch?: NodePatch }): Promise<NodeRecord> {
    return this.store.transaction(async (tx) => {
      const current = await tx.getNode(nodeUuid);
      // A confirmation of the state already recorded, with nothing else to write, is no news.
      if (e.to !== null && e.to === current.power_state && !e.patch) return current;
      const to = e.to ?? current.power_state;
      await tx.addEvent({ type: 'power', node_uuid: nodeUuid, node_name: current.name, from: current.power_state, to, verb: e.verb, actor: e.actor, reason: e.reason });
      return tx.updateNode(nodeUuid, current.version, { ...e.patch, power_state: to }, current);
    });
  }

  private async runUndeploy(nodeUuid: string, actor: string): Promise<void> {
    const task = await this.makeTask(nodeUuid);
    try {
      await task.driver.deploy.tearDown(task);
      await this.recordPower(nodeUuid, { to: 'power off', verb: 'power off', actor, reason: 'powered off for tear down' });
      const instance = task.node.instance_uuid;
      await this.store.transaction(async (tx) => {
        if (instance) await tx.deleteDeployment(instance);
        const dii = { ...(await tx.getNode(nodeUuid)).driver_internal_info };
        delete dii.agent_secret_token;
        delete dii.agent_secret_token_retrieved;
        await this.transition(nodeUuid, 'done', actor, { instance_info: {}, instance_uuid: null, driver_internal_info: dii }, 'torn down', tx);
      });
    } catch (err) {
      await this.failNode(nodeUuid, `Tear down failed: ${errorMessage(err)}`, actor);
      return;
    }
    await this.runCleaning(nodeUuid, actor);
  }

  private async runAbort(nodeUuid: string, actor: string): Promise<void> {
    const task = await this.makeTask(nodeUuid);
    try {
      await task.driver.power.setPowerState(task, 'power off');
      await this.recordPower(nodeUuid, { to: 'power off', verb: 'power off', actor, reason: 'powered off after abort' });
    } catch (err) {
      this.log.warn({ node: nodeUuid, err: errorMessage(err) }, 'could not power off after abort');
    }
  }

  // ---------------------------------------------------------------- the agent's call-backs

  /** Finds the node a booting agent runs on, by one of its MAC addresses or its uuid. */
  async lookup(query: { addresses?: string[]; node_uuid?: string; boot_id?: string }): Promise<{ node_uuid: string; agent_token: string | null }> {
    let node: NodeRecord | undefined;
    if (query.node_uuid) node = await this.store.findNode(query.node_uuid);
    for (const mac of query.addresses ?? []) {
      if (node) break;
      const port = await this.store.findPortByAddress(mac);
      if (port) node = await this.store.findNode(port.node_uuid);
    }
    if (!node || !LOOKUP_ALLOWED_STATES.includes(node.provision_state)) {
      throw new EngineError('NotFound', `No node in a state that allows lookup matches ${JSON.stringify(query)}.`);
    }
    const bootId = node.driver_internal_info.agent_boot_id as string | undefined;
    if (query.boot_id && bootId !== query.boot_id) {
      // An agent booted for an earlier flow (aborted or failed since) must not get this flow's token.
      throw new EngineError('NotFound', `The agent's boot ${query.boot_id} is not the current boot of node ${node.uuid}: it belongs to a flow that has ended.`);
    }
    const token = node.driver_internal_info.agent_secret_token as string | undefined;
    if (!token) return { node_uuid: node.uuid, agent_token: null };
    if (node.driver_internal_info.agent_secret_token_retrieved) return { node_uuid: node.uuid, agent_token: SECRET_MASK };
    await this.patchNode(node.uuid, (n) => ({ driver_internal_info: { ...n.driver_internal_info, agent_secret_token_retrieved: true } }));
    return { node_uuid: node.uuid, agent_token: token };
  }

  async heartbeat(nodeIdent: string, body: AgentHeartbeat): Promise<AgentCommand> {
    const found = await this.store.getNode(nodeIdent);
    const expected = found.driver_internal_info.agent_secret_token as string | undefined;
    if (!expected || !body.agent_token || !safeEqual(expected, body.agent_token)) {
      throw new EngineError('Unauthorized', `Invalid or missing agent token for node ${nodeIdent}.`);
    }
    const state = found.provision_state;
    if (found.maintenance) {
      // As Ironic: a node in maintenance takes no action from its agent; the flow goes on once maintenance
      // is lifted, or its deadline (not extended here) fails it as usual.
      this.log.warn({ node: found.uuid, state }, 'heartbeat from a node in maintenance: not taking any action');
      return { command: 'wait', heartbeat_interval: 2 };
    }
    const flow = AGENT_FLOWS[state];
    if (!flow) {
      // Not waiting for the agent (yet, or any more): tell it to keep quiet rather than act.
      return { command: state === 'deploying' || state === 'cleaning' || state === 'inspecting' ? 'wait' : 'none', heartbeat_interval: 2 };
    }
    const node = await this.store.reserveNode(found.uuid, this.id);
    let release = true;
    try {
      const task = await this.makeTask(node.uuid, node);
      if (task.node.provision_state !== state) return { command: 'wait', heartbeat_interval: 2 };
      const outcome = flow === 'inspection' ? await this.inspectHeartbeat(task, body) : await task.driver.deploy.heartbeat(task, body);
      const deadline = new Date(Date.now() + this.settings.deployCallbackTimeoutSec * 1000).toISOString();
      const next = outcome.next;
      if (next && 'progress' in next) {
        await this.store.transaction(async (tx) => {
          const n = await this.patchNode(node.uuid, (cur) => ({ driver_internal_info: { ...cur.driver_internal_info, ...next.progress }, provision_updated_at: now(), provision_deadline: deadline }), tx);
          await tx.addEvent({ type: 'progress', node_uuid: n.uuid, node_name: n.name, actor: 'agent', verb: body.agent_status, reason: null, data: next.progress });
        });
      } else if (next && 'fail' in next) {
        await this.failPoweredOff(task, next.fail, 'agent', `failed ${flow}`);
      } else if (next && 'finish' in next) {
        const resumed = { deploy: 'image written and verified', cleaning: 'disk metadata erased', inspection: 'inventory reported' }[flow];
        await this.transition(node.uuid, 'resume', 'agent', {}, resumed);
        release = false;
        // The lock stays taken: completeAgentFlow releases it when the node is at rest.
        this.track(this.completeAgentFlow(flow, node.uuid, next.inventory)).catch(() => {});
      } else {
        await this.patchNode(node.uuid, () => ({ provision_updated_at: now(), provision_deadline: deadline }));
      }
      return outcome.reply;
    } finally {
      if (release) await this.release(node.uuid);
    }
  }

  /** The agent's part is done: power off or boot the disk, record what it found, and come to rest. */
  private async completeAgentFlow(flow: AgentFlow, nodeUuid: string, inventory: Inventory | undefined): Promise<void> {
    try {
      const task = await this.makeTask(nodeUuid);
      if (flow === 'cleaning') {
        await task.driver.deploy.finishCleaning?.(task);
        await this.transition(nodeUuid, 'done', 'agent', { power_state: 'power off' }, 'cleaned');
      } else if (flow === 'inspection') {
        if (!inventory) throw new Error(`inspect interface "${task.driver.inspect.name}" finished without an inventory`);
        await task.driver.inspect.finishInspection?.(task);
        const { cpus, memory_mb, local_gb, cpu_arch } = inventory;
        await this.transition(nodeUuid, 'done', 'agent', { power_state: 'power off', properties: { ...task.node.properties, ...inventory } }, `inspected: ${cpus} CPUs, ${memory_mb} MiB, ${local_gb} GiB disk, ${cpu_arch}`);
      } else {
        await task.driver.deploy.finish(task);
        await this.transition(nodeUuid, 'done', 'agent', { power_state: 'power on' }, 'booted from disk');
      }
    } catch (err) {
      const what = { deploy: 'boot the deployed image', cleaning: 'finish cleaning', inspection: 'finish inspection' }[flow];
      await this.failPoweredOff(await this.makeTask(nodeUuid), `Failed to ${what}: ${errorMessage(err)}`, 'agent', `failed ${flow}`);
    } finally {
      await this.release(nodeUuid);
    }
  }

  private inspectHeartbeat(task: Task, body: AgentHeartbeat): Promise<HeartbeatOutcome> {
    const inspect = task.driver.inspect;
    if (!inspect.heartbeat) throw new EngineError('Conflict', `inspect interface "${inspect.name}" of node ${task.node.uuid} takes no agent heartbeats`);
    return inspect.heartbeat(task, body);
  }

  /** Wait states past their deadline fail, as Ironic's deploy and clean call-back timeouts do. */
  async failExpiredWaits(): Promise<number> {
    let failed = 0;
    const t = now();
    for (const state of WAIT_STATES) {
      for (const node of await this.store.listNodes({ provision_state: state, reserved: false })) {
        if (!node.provision_deadline || node.provision_deadline > t) continue;
        try {
          await this.withTask(node.uuid, async (task) => {
            const fresh = task.node;
            if (fresh.provision_state !== state || !fresh.provision_deadline || fresh.provision_deadline > now()) return;
            const reason = `Timeout reached while waiting for call-back from the agent of node ${fresh.name ?? fresh.uuid} (state "${state}").`;
            await this.failPoweredOff(task, reason, this.id, `failed ${AGENT_FLOWS[state]}`);
            failed++;
          });
        } catch (err) {
          if ((err as EngineError).code !== 'NodeLocked') throw err;
        }
      }
    }
    return failed;
  }

  /** Resolves once the node satisfies `pred` (checked on each of its events), or rejects after timeoutMs. */
  waitForNode(nodeUuid: string, pred: (n: NodeRecord) => boolean, timeoutMs: number): Promise<NodeRecord> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let checking = false;
      let again = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.events.off('event', onEvent);
        this.events.off('released', onRelease);
        fn();
      };
      const check = async () => {
        if (checking) {
          again = true;
          return;
        }
        checking = true;
        try {
          do {
            again = false;
            const n = await this.store.findNode(nodeUuid);
            if (!n) return finish(() => reject(notFound('Node', nodeUuid)));
            if (pred(n)) return finish(() => resolve(n));
          } while (again);
        } catch (err) {
          finish(() => reject(err));
        } finally {
          checking = false;
        }
      };
      // Waiters care about where a node rests: provision changes and lock releases, not every progress note.
      const onEvent = (e: Event) => {
        if (e.node_uuid === nodeUuid && (e.type === 'provision' || e.type === 'node')) void check();
      };
      const onRelease = (uuid: string) => {
        if (uuid === nodeUuid) void check();
      };
      this.events.on('released', onRelease);
      const timer = setTimeout(() => finish(() => reject(new EngineError('Conflict', `Timed out after ${timeoutMs} ms waiting for node ${nodeUuid}.`))), timeoutMs);
      this.events.on('event', onEvent);
      void check();
    });
  }
}

/** The wait states (WAIT_STATES, every one) in which an agent works for a flow, and which flow. */
type AgentFlow = 'deploy' | 'cleaning' | 'inspection';
const AGENT_FLOWS: Partial<Record<NodeRecord['provision_state'], AgentFlow>> = {
  'wait call-back': 'deploy',
  'clean wait': 'cleaning',
  'inspect wait': 'inspection',
};

/** Every step of a manual clean must be one the node's deploy interface offers; the error names the step. */
function checkCleanSteps(deploy: DeployInterface, steps: CleanStep[]): void {
  const offered = deploy.cleanSteps ?? [];
  const supported = offered.length ? offered.map((s) => `deploy.${s}`).join(', ') : 'none';
  steps.forEach((s, i) => {
    if (s.interface !== 'deploy' || !offered.includes(s.step)) {
      throw invalidParameter(`clean_steps[${i}]`, `step "${s.step}" of interface "${s.interface}" is not supported by deploy interface "${deploy.name}" (supported: ${supported})`);
    }
  });
}

/** What lets an agent act on its node: the token, whether it was handed out, the boot it belongs to. */
const AGENT_CREDENTIALS = ['agent_secret_token', 'agent_secret_token_retrieved', 'agent_boot_id'] as const;

function hasAgentCredentials(node: NodeRecord): boolean {
  return AGENT_CREDENTIALS.some((k) => node.driver_internal_info[k] !== undefined);
}

function withoutAgentCredentials(dii: Record<string, unknown>): Record<string, unknown> {
  const out = { ...dii };
  for (const k of AGENT_CREDENTIALS) delete out[k];
  return out;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Values under secret-looking names (agent tokens, passwords) are never shown back. */
function maskSecretNames(info: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) out[k] = typeof v === 'string' && SECRET_NAME.test(k) ? SECRET_MASK : v;
  return out;
}

function assertMac(address: string): void {
  if (!validator('common.schema.json#/definitions/MacAddress')(address)) throw invalidParameter('address', `"${address}" is not a MAC address`);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

