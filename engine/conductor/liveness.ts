// Conductors' liveness (after Ironic's conductor registration and takeover): this conductor's record and
// heartbeat in the database, and the recovery of what conductors that are gone left behind (locks, nodes
// stuck mid-flow, nodes parked for an agent, running applies).
import { hostname } from 'node:os';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { now, type NodePatch } from '../store/store.js';
import { TRANSIENT_STATES, stuckStateOutcome } from '../states.js';
import type { Ownership } from './ownership.js';
import type { TaskManager } from './task-manager.js';

export interface Membership {
  group: string;
  rpcUrl: string | null;
}

export class Liveness {
  private startedAt = now();

  constructor(
    private readonly tm: TaskManager,
    private readonly ownership: Ownership,
    private readonly membership: Membership,
  ) {}

  /** The conductor's record: liveness, group, RPC address, and the drivers it loaded (the API reads those). */
  async register(): Promise<void> {
    this.startedAt = now();
    const t = this.startedAt;
    const { group, rpcUrl } = this.membership;
    await this.tm.store.upsertConductor({ id: this.tm.id, hostname: hostname(), started_at: t, heartbeat_at: t, online: true, conductor_group: group, rpc_url: rpcUrl, boot_url: this.tm.settings.bootUrl ?? null, catalog: this.tm.registry.toData() });
  }

  async beat(): Promise<void> {
    // A row removed behind our back (a database restored, a cleanup) is written again whole.
    if (!(await this.tm.store.touchConductor(this.tm.id, now()))) await this.register();
  }

  async signOff(): Promise<void> {
    await this.tm.store.markConductorOffline(this.tm.id, now());
  }

  /**
   * The live conductors (this one included): those that heartbeat within the timeout and, on this host,
   * whose process exists. A lock held by any other name (a dead or never registered conductor) is gone.
   */
  private async liveConductors(): Promise<Set<string>> {
    const { live } = await this.ownership.cluster.current(true);
    return new Set([this.tm.id, ...live.keys()]);
  }

  /**
   * At start: every node of ours a gone conductor left (locked, or unlocked in a transient state) is
   * recovered, and applies the gone conductors ran end. (Parked nodes are taken over by Ownership.)
   */
  async recoverOrphans(): Promise<void> {
    const live = await this.liveConductors();
    await this.recoverNodes(await this.ownership.owned(await this.tm.store.listNodes({})), live);
    await this.interruptDeadApplies(live);
  }

  /**
   * Periodically: locks held by a conductor that has died since (killed, or hung and stopped heartbeating)
   * are released by the rule of recoverOrphans, each by the node's owner in the ring without the dead
   * one. Only locked nodes are read, not the whole fleet.
   */
  async releaseDeadLocks(): Promise<number> {
    const live = await this.liveConductors();
    const orphaned = (await this.tm.store.listNodes({ reserved: true })).filter((n) => n.reservation !== null && !live.has(n.reservation));
    const released = await this.recoverNodes(await this.ownership.owned(orphaned), live);
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
      const done = await this.tm.store.transaction(async (tx) => {
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
          await tx.addEvent({ type: 'provision', node_uuid: current.uuid, node_name: current.name, from: current.provision_state, to: outcome.to, verb: 'fail', actor: this.tm.id, reason: outcome.reason });
        }
        await tx.updateNode(current.uuid, current.version, patch);
        return true;
      });
      if (!done) continue;
      recovered++;
      this.tm.log.warn({ node: node.uuid, state: node.provision_state, holder: node.reservation }, 'released a node left by a stopped conductor');
      this.tm.events.emit('released', node.uuid);
    }
    return recovered;
  }

  /** Applies whose conductor is gone end `interrupted`: a started action failed, the others did not run. */
  private async interruptDeadApplies(live: Set<string>): Promise<void> {
    const applies = await this.tm.store.listApplies({ status: 'running' });
    for (const a of applies) {
      if (live.has(a.conductor)) continue;
      await this.tm.store.transaction(async (tx) => {
        for (const act of await tx.listApplyActions(a.id)) {
          if (act.status === 'running') await tx.setApplyAction(a.id, act.action_id, 'failed', 'interrupted: the conductor running this apply stopped');
          if (act.status === 'pending') await tx.setApplyAction(a.id, act.action_id, 'not run', 'not started: the conductor running this apply stopped first');
        }
        await tx.finishApply(a.id, 'interrupted', 'The conductor running this apply stopped; apply again to continue from the recorded state.');
        await tx.addEvent({ type: 'apply', actor: this.tm.id, apply_id: a.id, from: 'running', to: 'interrupted', reason: 'conductor stopped during apply' });
      });
    }
  }
}
