// Ironic's task_manager: a node's lock, the Task handed to drivers while it is held, and the writes that
// move a node (state-machine transitions, power records), each in one transaction with its event, so a
// crash leaves a state the next start can recover from.
import type { EventEmitter } from 'node:events';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { AgentChannel, Logger, PowerState, ServiceSettings, StepResult, Task } from '../../contract/types.js';
import { now, type NodePatch, type Store, type TxStore } from '../store/store.js';
import type { DriverRegistry } from '../drivers/registry.js';
import { nextState, type ProvisionEvent } from '../states.js';
import { ManagerImages } from '../images/service.js';
import { hasAgentCredentials, withoutAgentCredentials } from './credentials.js';

export interface TaskManagerOptions {
  /** The conductor's id: the lock holder's name and the actor of the events it records on its own. */
  id: string;
  store: Store;
  registry: DriverRegistry;
  settings: ServiceSettings;
  log: Logger;
  /** Where lock releases are announced ('released', node uuid): waiters may be waiting for them. */
  events: EventEmitter;
  /** What drivers reach back through (the conductor's lookup and heartbeat). */
  agent: AgentChannel;
}

/** One flow's work on a node, holding its lock; it releases nothing itself. */
export type Flow = (tm: TaskManager, nodeUuid: string, actor: string) => Promise<void>;

export class TaskManager {
  readonly id: string;
  readonly store: Store;
  readonly registry: DriverRegistry;
  readonly settings: ServiceSettings;
  readonly log: Logger;
  readonly events: EventEmitter;
  private readonly agent: AgentChannel;
  /** Raw images, config drives and virtual-media ISOs prepared in this manager's boot root. */
  readonly images: ManagerImages;
  private readonly running = new Set<Promise<unknown>>();

  constructor(opts: TaskManagerOptions) {
    this.id = opts.id;
    this.store = opts.store;
    this.registry = opts.registry;
    this.settings = opts.settings;
    this.log = opts.log;
    this.events = opts.events;
    this.agent = opts.agent;
    this.images = new ManagerImages(opts.settings);
  }

  /** Background work the conductor must let finish before it stops. */
  track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => {});
    return p;
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /** Takes the node's lock (NodeLocked if another holds it). */
  reserve(ident: string): Promise<NodeRecord> {
    return this.store.reserveNode(ident, this.id);
  }

  /** Releases the node's lock and tells waiters, who may be waiting for an unlocked stable node. */
  async release(nodeUuid: string): Promise<void> {
    try {
      await this.store.releaseNode(nodeUuid, this.id);
    } catch (err) {
      // The lock row could not be written (the database's disk is full, say): the node would stay locked
      // until a restart, so keep trying in the background; the caller still hears of the failure.
      this.retryRelease(nodeUuid, 1);
      throw err;
    }
    this.events.emit('released', nodeUuid);
  }

  private retryRelease(nodeUuid: string, attempt: number): void {
    if (attempt > 300) return this.log.error({ node: nodeUuid }, 'gave up releasing the node lock; a restart of this manager frees it');
    if (attempt === 1) this.log.warn({ node: nodeUuid }, 'could not release the node lock; retrying');
    setTimeout(() => {
      this.store.releaseNode(nodeUuid, this.id).then(
        () => this.events.emit('released', nodeUuid),
        () => this.retryRelease(nodeUuid, attempt + 1),
      );
    }, Math.min(2000, 100 * attempt)).unref();
  }

  /**
   * Runs `fn` holding the node's lock. A refusal (fn throws) always releases it: a refused request has no
   * other effect. `releaseAfter: false` is for an fn that deletes the node, leaving no lock to release.
   */
  async withLockedNode<T>(ident: string, fn: (node: NodeRecord) => Promise<T>, opts: { releaseAfter?: boolean } = {}): Promise<T> {
    const node = await this.reserve(ident);
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
  async makeTask(nodeUuid: string, known?: NodeRecord): Promise<Task> {
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
      agent: this.agent,
      images: this.images,
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

  withTask<T>(ident: string, fn: (task: Task) => Promise<T>): Promise<T> {
    return this.withLockedNode(ident, async (node) => fn(await this.makeTask(node.uuid, node)));
  }

  /** Writes a patch computed from the node as it is now (read in the same transaction). */
  patchNode(nodeUuid: string, build: (current: NodeRecord) => NodePatch, tx?: TxStore): Promise<NodeRecord> {
    const run = async (t: TxStore) => {
      const current = await t.getNode(nodeUuid);
      return t.updateNode(nodeUuid, current.version, build(current), current);
    };
    return tx ? run(tx) : this.store.transaction(run);
  }

  /** Applies a state-machine event to the node and records it, in one transaction. */
  async transition(nodeUuid: string, event: ProvisionEvent, actor: string, extra: NodePatch = {}, reason: string | null = null, tx?: TxStore): Promise<NodeRecord> {
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

  failNode(nodeUuid: string, error: string, actor: string): Promise<NodeRecord> {
    return this.transition(nodeUuid, 'fail', actor, { last_error: error }, error);
  }

  /** Fails the node with the reason, then powers it off if the BMC lets us (`after` names what failed). */
  async failPoweredOff(task: Task, reason: string, actor: string, after: string): Promise<void> {
    await this.failNode(task.node.uuid, reason, actor);
    try {
      await task.driver.power.setPowerState(task, 'power off');
      await this.recordPower(task.node.uuid, { to: 'power off', verb: 'power off', actor, reason: `powered off after ${after}` });
    } catch (err) {
      this.log.warn({ node: task.node.uuid, err: errorMessage(err) }, `could not power the node off after ${after}`);
    }
    // The ramdisk's boot configuration goes too (a virtual CD ejected, boot scripts removed), as it does
    // when the flow ends well: nothing is left to boot the agent again.
    try {
      await task.driver.boot.cleanUpRamdisk(task);
    } catch (err) {
      this.log.warn({ node: task.node.uuid, err: errorMessage(err) }, `could not clean up the ramdisk boot after ${after}`);
    }
  }

  /**
   * Parks the node in its wait state, recording the power state the step left it in (powered on to boot
   * the agent) rather than the one from before the flow until the next power sync.
   */
  async park(nodeUuid: string, wait: Extract<StepResult, { wait: true }>, actor: string): Promise<void> {
    const deadline = new Date(Date.now() + wait.timeoutSec * 1000).toISOString();
    await this.transition(nodeUuid, 'wait', actor, { provision_deadline: deadline, power_state: wait.powerState }, `waiting up to ${wait.timeoutSec}s for the agent`);
  }

  /**
   * Records a power state the BMC confirmed (`to`), or a change that failed (`to: null`, the state stays),
   * with its event, plus any other fields in `patch`, in one transaction.
   */
  recordPower(nodeUuid: string, e: { to: PowerState | null; verb: string; actor: string; reason: string | null; patch?: NodePatch }): Promise<NodeRecord> {
    return this.store.transaction(async (tx) => {
      const current = await tx.getNode(nodeUuid);
      // A confirmation of the state already recorded, with nothing else to write, is no news.
      if (e.to !== null && e.to === current.power_state && !e.patch) return current;
      const to = e.to ?? current.power_state;
      await tx.addEvent({ type: 'power', node_uuid: nodeUuid, node_name: current.name, from: current.power_state, to, verb: e.verb, actor: e.actor, reason: e.reason });
      return tx.updateNode(nodeUuid, current.version, { ...e.patch, power_state: to }, current);
    });
  }
}

/** The message recorded as a node's last_error (or logged) for anything a driver or step threw. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
