// Volume connectors and targets (Ironic API 1.32), the manager's side: a change or deletion holds the
// node's lock and needs the node powered off, as Ironic's conductor (update_volume_connector and the
// rest). Creation is the API's own write, as in Ironic. The storage interface is noop: nothing attaches.
import { EngineError } from '../errors.js';
import { now, type TxStore } from '../store/store.js';
import * as rows from '../store/volume.js';
import type { TaskManager } from './task-manager.js';

/** Runs `fn` in one transaction (its own connection: on SQLite the only one) under the node's lock. */
async function underPowerOff<T>(tm: TaskManager, kind: rows.VolumeKind, uuid: string, action: string, actor: string, fn: (tx: TxStore) => Promise<T>): Promise<T> {
  const rec = await rows.getVolume(tm.store.db, kind, uuid);
  return tm.withLockedNode(rec.node_uuid, async (node) => {
    if (node.power_state !== 'power off') {
      throw new EngineError('InvalidState', `The requested action "volume ${kind} ${action}" can not be performed on node "${node.uuid}" while it is in state "${node.power_state}".`);
    }
    return tm.store.transaction(async (tx) => {
      const out = await fn(tx);
      await tx.addEvent({ type: 'node', node_uuid: node.uuid, node_name: node.name, verb: `volume-${kind}-${action}`, actor, reason: `volume ${kind} ${uuid} ${action === 'update' ? 'updated' : 'deleted'}` });
      return out;
    });
  });
}

export function updateVolume<K extends rows.VolumeKind>(tm: TaskManager, kind: K, uuid: string, change: rows.VolumeChange<K>, actor: string): Promise<rows.VolumeRecords[K]> {
  return underPowerOff(tm, kind, uuid, 'update', actor, (tx) => rows.updateVolume(tx.db, kind, uuid, change, now())) as Promise<rows.VolumeRecords[K]>;
}

export function deleteVolume(tm: TaskManager, kind: rows.VolumeKind, uuid: string, actor: string): Promise<void> {
  return underPowerOff(tm, kind, uuid, 'deletion', actor, (tx) => rows.deleteVolume(tx.db, kind, uuid));
}
