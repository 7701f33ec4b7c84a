// Which nodes this manager owns (the hash ring over the live managers of its group), and taking over
// the nodes that became ours when the ring changed (a manager died or joined): parked nodes get their
// ramdisk boot configuration rewritten here and their agent's driver told (a simulated agent restarts),
// active nodes their local-boot configuration, as Ironic's conductor does on take-over. Periodic tasks
// act only on owned nodes, so two managers never sync, expire or recover the same node.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { WAIT_STATES } from '../states.js';
import { ClusterView } from '../rpc/cluster.js';
import type { HashRings } from '../rpc/ring.js';
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';

export class Ownership {
  readonly cluster: ClusterView;
  private signature: string | undefined;
  private previous: HashRings | undefined;
  /** Nodes whose take-over could not run (locked at the time): tried again on the next pass. */
  private readonly retry = new Set<string>();

  constructor(
    private readonly tm: TaskManager,
    opts: { heartbeatTimeoutSec: number; refreshMs: number },
  ) {
    this.cluster = new ClusterView(tm.store, { heartbeatTimeoutSec: opts.heartbeatTimeoutSec, refreshMs: opts.refreshMs, selfId: tm.id });
  }

  /** A filter on node keys: whether this manager owns the node now (for Store.listNodes). */
  async owns(): Promise<(n: Pick<NodeRecord, 'uuid' | 'driver'> & { conductor_group?: string | null }) => boolean> {
    const { rings } = await this.cluster.current();
    return (n) => rings.owns(this.tm.id, n);
  }

  /** The nodes of `nodes` this manager owns now. */
  async owned<T extends Pick<NodeRecord, 'uuid' | 'driver'>>(nodes: T[]): Promise<T[]> {
    return nodes.filter(await this.owns());
  }

  /**
   * When the live managers changed since the last pass (and on the first), takes over the parked and
   * active nodes that are ours now and were not before. Returns how many were taken over.
   */
  async takeOverNewlyOwned(): Promise<number> {
    const { rings, live } = await this.cluster.current(true);
    const signature = [...live.keys()].sort().join(',');
    const changed = signature !== this.signature;
    if (!changed && this.retry.size === 0) return 0;
    const before = changed ? this.previous : undefined;
    let taken = 0;
    const states = [...WAIT_STATES, 'active' as const];
    for (const state of states) {
      for (const node of await this.tm.store.listNodes({ provision_state: state })) {
        const mine = rings.owns(this.tm.id, node);
        const newlyMine = mine && (changed ? !before?.owns(this.tm.id, node) : this.retry.has(node.uuid));
        if (!newlyMine) continue;
        if (await this.takeOver(node)) taken++;
      }
    }
    this.signature = signature;
    this.previous = rings;
    return taken;
  }

  private async takeOver(node: NodeRecord): Promise<boolean> {
    try {
      await this.tm.withTask(node.uuid, async (task) => {
        const { boot, deploy } = task.driver;
        if (task.node.provision_state === 'active') {
          await boot.prepareInstance(task);
        } else if ((WAIT_STATES as readonly string[]).includes(task.node.provision_state)) {
          // The boot files live with each manager: the agent's ramdisk must be bootable from here too.
          await boot.prepareRamdisk(task);
          await deploy.takeOver(task);
        }
      });
      this.retry.delete(node.uuid);
      this.tm.log.info({ node: node.uuid, state: node.provision_state }, 'took over node');
      return true;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'NodeLocked') this.retry.add(node.uuid);
      else {
        this.retry.delete(node.uuid);
        this.tm.log.warn({ node: node.uuid, err: errorMessage(err) }, 'take over failed');
      }
      return false;
    }
  }
}
