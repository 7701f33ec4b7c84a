// Ironic's "power failure" fault (API 1.42): a node whose BMC cannot be read for several power syncs in a
// row is put in maintenance with fault "power failure", so nothing acts on a machine nobody can see; once
// the BMC answers again the same periodic work takes it back out (Ironic's _power_failure_recovery).
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { TaskManager } from './task-manager.js';

/** Ironic's faults.POWER_FAILURE. */
export const POWER_FAILURE = 'power failure';
/** Ironic's [conductor]power_state_sync_max_retries. */
export const MAX_SYNC_FAILURES = 3;

/** Failed power reads per node, since its last good one (kept by the manager that syncs it). */
export class PowerFailures {
  private readonly failures = new Map<string, number>();

  constructor(private readonly tm: TaskManager) {}

  /** A read that worked: the count starts over. */
  ok(uuid: string): void {
    this.failures.delete(uuid);
  }

  /** A read that failed: at the limit, maintenance with the fault. Returns whether the node was faulted. */
  async failed(node: NodeRecord, error: string): Promise<boolean> {
    const n = (this.failures.get(node.uuid) ?? 0) + 1;
    this.failures.set(node.uuid, n);
    if (n < MAX_SYNC_FAILURES) return false;
    this.failures.delete(node.uuid);
    const reason = `During sync_power_state, max retries exceeded for node ${node.uuid}, node state ${node.power_state} does not match expected state 'None'. Updating DB state to 'None' Switching node to maintenance mode. Error: ${error}`;
    await this.tm.store.transaction(async (tx) => {
      await this.tm.patchNode(node.uuid, () => ({ maintenance: true, maintenance_reason: reason, fault: POWER_FAILURE, power_state: null }), tx);
      await tx.addEvent({ type: 'maintenance', node_uuid: node.uuid, node_name: node.name, from: 'false', to: 'true', actor: 'power-sync', reason });
    });
    return true;
  }

  /** A faulted node whose BMC answers again leaves maintenance, its fault cleared. */
  async recovered(node: NodeRecord): Promise<void> {
    await this.tm.store.transaction(async (tx) => {
      await this.tm.patchNode(node.uuid, () => ({ maintenance: false, maintenance_reason: null, fault: null }), tx);
      await tx.addEvent({ type: 'maintenance', node_uuid: node.uuid, node_name: node.name, from: 'true', to: 'false', actor: 'power-sync', reason: 'power failure recovered: the BMC answers again' });
    });
  }
}
