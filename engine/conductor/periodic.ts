// Periodic tasks (Ironic's @periodic_task methods of the manager): the liveness heartbeat, wait deadlines,
// locks of dead conductors, and the power-state sync. None overlaps itself, and none starts once stopped.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { PowerState } from '../../contract/types.js';
import type { EngineError } from '../errors.js';
import { now } from '../store/store.js';
import { TRANSIENT_STATES, WAIT_STATES } from '../states.js';
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';
import type { Liveness } from './liveness.js';
import type { Ownership } from './ownership.js';
import { AGENT_FLOWS } from './agent.js';
import { POWER_FAILURE, PowerFailures } from './power-failure.js';

/** BMCs asked at once by a power sync pass (Ironic's sync_power_state_workers default). */
export const SYNC_WORKERS = 8;

export interface Schedule {
  heartbeatIntervalSec: number;
  deadlineCheckIntervalMs: number;
  powerSyncIntervalSec: number;
}

export class Periodic {
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly powerFailures: PowerFailures;

  constructor(
    private readonly tm: TaskManager,
    private readonly ownership: Ownership,
  ) {
    this.powerFailures = new PowerFailures(tm);
  }

  start(liveness: Liveness, s: Schedule): void {
    this.every(s.heartbeatIntervalSec * 1000, () => liveness.beat());
    this.every(s.deadlineCheckIntervalMs, () => this.failExpiredWaits());
    this.every(s.heartbeatIntervalSec * 1000, async () => {
      await liveness.releaseDeadLocks();
      await this.ownership.takeOverNewlyOwned();
    });
    if (s.powerSyncIntervalSec > 0) this.every(s.powerSyncIntervalSec * 1000, () => this.syncPowerStates());
  }

  /** No task starts after this; those running are the caller's to wait for (they are tracked tasks). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
  }

  private every(ms: number, fn: () => Promise<unknown>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || this.stopped) return;
      busy = true;
      fn()
        .catch((err) => this.tm.log.error({ err: String(err) }, 'periodic task failed'))
        .finally(() => (busy = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /**
   * Records what each BMC reports; a difference from a spec then shows up in the next plan. BMCs are
   * asked SYNC_WORKERS at a time (Ironic's sync_power_state_workers): one at a time, a pass over 1,000
   * BMCs that time out would take 1,000 timeouts.
   */
  async syncPowerStates(): Promise<number> {
    const tm = this.tm;
    const started = performance.now();
    let changed = 0;
    let synced = 0;
    // Every node's keys are read, only this manager's records (as Ironic's iter_nodes filters by the ring).
    const owns = await this.ownership.owns();
    // Nodes in maintenance are not synced, except those the sync itself put there (they are retried).
    const faulted = await tm.store.listNodes({ maintenance: true, reserved: false, fault: POWER_FAILURE }, owns);
    const nodes = [...(await tm.store.listNodes({ maintenance: false, reserved: false }, owns)), ...faulted];
    const syncOne = async (n: NodeRecord) => {
      if (TRANSIENT_STATES.includes(n.provision_state) || n.provision_state === 'enroll') return;
      let node: NodeRecord;
      try {
        node = await tm.reserve(n.uuid);
      } catch {
        return; // Busy or gone: the next sync will see it.
      }
      try {
        const task = await tm.makeTask(node.uuid, node);
        let observed: PowerState;
        try {
          observed = await task.driver.power.getPowerState(task);
        } catch (err) {
          tm.log.warn({ node: node.uuid, err: errorMessage(err) }, 'power sync could not read the power state');
          if (!node.maintenance) await this.powerFailures.failed(node, errorMessage(err));
          return;
        }
        this.powerFailures.ok(node.uuid);
        if (node.maintenance && node.fault === POWER_FAILURE) await this.powerFailures.recovered(node);
        synced++;
        if (observed !== task.node.power_state) {
          changed++;
          await tm.recordPower(node.uuid, { to: observed, verb: 'sync', actor: 'power-sync', reason: 'the BMC reports a power state different from the recorded one' });
        }
      } finally {
        await tm.release(n.uuid);
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < nodes.length && !this.stopped) await syncOne(nodes[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(SYNC_WORKERS, nodes.length) }, worker));
    // One line per pass: how long a pass over this manager's nodes takes (bench/scale reads it).
    tm.log.info({ nodes: synced, changed, ms: Math.round(performance.now() - started) }, 'power sync pass');
    return changed;
  }

  /** Wait states past their deadline fail, as Ironic's deploy and clean call-back timeouts do. */
  async failExpiredWaits(): Promise<number> {
    const tm = this.tm;
    let failed = 0;
    const t = now();
    for (const state of WAIT_STATES) {
      // Only the expired ones are read (every second, on every manager): never the whole fleet's waits.
      for (const node of await this.ownership.owned(await tm.store.listNodes({ provision_state: state, reserved: false, deadline_before: t }))) {
        if (!node.provision_deadline || node.provision_deadline > t) continue;
        try {
          await tm.withTask(node.uuid, async (task) => {
            const fresh = task.node;
            if (fresh.provision_state !== state || !fresh.provision_deadline || fresh.provision_deadline > now()) return;
            const reason = `Timeout reached while waiting for call-back from the agent of node ${fresh.name ?? fresh.uuid} (state "${state}").`;
            await tm.failPoweredOff(task, reason, tm.id, `failed ${AGENT_FLOWS.get(state)?.name}`);
            failed++;
          });
        } catch (err) {
          if ((err as EngineError).code !== 'NodeLocked') throw err;
        }
      }
    }
    return failed;
  }
}
