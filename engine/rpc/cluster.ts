// The managers as the database records them: which are alive (a heartbeat within the timeout), where
// their RPC listeners are, and the hash rings that say which of them owns each node. Read by the API to
// route calls and by each manager to pick its own nodes; rebuilt every refresh interval and on demand
// (a call to a manager that did not answer).
import { hostname } from 'node:os';
import type { Store, ConductorRow } from '../store/store.js';
import { HashRings } from './ring.js';

export interface ClusterOptions {
  /** A manager without a heartbeat for this long is dead (Ironic: 60 s). */
  heartbeatTimeoutSec: number;
  /** How long one reading of the conductors table is used (Ironic's hash_ring_reset_interval: 15 s). */
  refreshMs?: number;
  /** A manager reading its own view counts itself alive whatever its last recorded heartbeat. */
  selfId?: string;
}

export interface ClusterState {
  /** Live managers (those that registered drivers), by id. */
  live: Map<string, ConductorRow>;
  rings: HashRings;
  readAt: number;
}

/**
 * IRONPLAN_NO_PID_CHECK=1 turns the same-host pid check off, so managers sharing a host find a dead peer
 * only by its missing heartbeat, as managers on different hosts do (bench/scale measures both paths).
 */
const NO_PID_CHECK = process.env.IRONPLAN_NO_PID_CHECK === '1';

/**
 * A manager is alive while it says so and heartbeats within the timeout; one on this host whose process
 * is gone is dead at once (its id is host:pid:nonce), without waiting out the timeout.
 */
export function isAlive(c: ConductorRow, heartbeatTimeoutSec: number, at = Date.now()): boolean {
  if (!c.online || Date.parse(c.heartbeat_at) < at - heartbeatTimeoutSec * 1000) return false;
  const [host, pid] = c.id.split(':');
  if (!NO_PID_CHECK && host === hostname() && pid && Number(pid) !== process.pid) {
    try {
      process.kill(Number(pid), 0);
    } catch (err) {
      // EPERM: the process exists (another user's); only ESRCH says it is gone.
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return true;
}

export class ClusterView {
  private state: ClusterState | undefined;
  private reading: Promise<ClusterState> | undefined;

  constructor(
    private readonly store: Store,
    private readonly opts: ClusterOptions,
  ) {}

  /** The current view; re-read when older than the refresh interval, or when `fresh` asks for it. */
  async current(fresh = false): Promise<ClusterState> {
    const refreshMs = this.opts.refreshMs ?? 5000;
    if (!fresh && this.state && Date.now() - this.state.readAt < refreshMs) return this.state;
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return (this.state = await this.reading);
  }

  private async read(): Promise<ClusterState> {
    const at = Date.now();
    const live = new Map<string, ConductorRow>();
    for (const c of await this.store.listConductors()) {
      if (c.catalog && (c.id === this.opts.selfId || isAlive(c, this.opts.heartbeatTimeoutSec, at))) live.set(c.id, c);
    }
    const rings = new HashRings(
      [...live.values()].map((c) => ({ id: c.id, group: c.conductor_group ?? '', hardwareTypes: c.catalog!.types.map((t) => t.name) })),
    );
    return { live, rings, readAt: at };
  }
}
