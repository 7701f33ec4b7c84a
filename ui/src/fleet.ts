// The whole fleet as the overview needs it: one small entry per node (state, power, maintenance, fault),
// read in one request (GET /v1/node-states) and then kept current from the event stream. Listeners hear of
// changes at most once per animation frame, with the set of nodes that changed, so 1,000 state changes a
// second cost one repaint of the cells that changed per frame.
import type { NodeStateRow, NodeStates } from '../../engine/generated/node-states.js';
import { api } from './api.js';
import { subscribe, type Event, type Subscription } from './sse.js';
import { kindOf } from './states.js';

/** A node's row, as the list gives it and events update it (a newer service may name states this one does not know). */
export interface FleetNode extends Omit<NodeStateRow, 'provision_state' | 'power_state'> {
  provision_state: string;
  power_state: string | null;
  /** Position in the grid (creation order). */
  index: number;
}

export type Change = { all: true } | { all: false; changed: Set<FleetNode> };
type Listener = (change: Change) => void;

export class Fleet {
  nodes: FleetNode[] = [];
  readonly byUuid = new Map<string, FleetNode>();
  loaded = false;
  live = false;
  private listeners = new Set<Listener>();
  private pending: Change | undefined;
  private sub: Subscription | undefined;
  readonly eventListeners = new Set<(e: Event) => void>();

  async start(): Promise<void> {
    const snapshot = await api<NodeStates>('GET', '/v1/node-states');
    this.nodes = snapshot.nodes.map((n, index) => ({ ...n, index }));
    this.byUuid.clear();
    for (const n of this.nodes) this.byUuid.set(n.uuid, n);
    this.loaded = true;
    this.notify({ all: true });
    // The list names the newest event it reflects: the stream from there carries every later change (an
    // event the list already shows sets the same state again, which changes nothing).
    this.sub = subscribe({
      after: snapshot.event_id,
      onEvent: (e) => this.apply(e),
      onState: (live) => {
        this.live = live;
        this.notify({ all: true });
      },
    });
  }

  stop(): void {
    this.sub?.close();
  }

  onChange(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  apply(e: Event): void {
    for (const l of this.eventListeners) l(e);
    const uuid = e.node_uuid;
    if (!uuid) return;
    let n = this.byUuid.get(uuid);
    if (e.type === 'node' && e.verb === 'delete') {
      if (!n) return;
      this.byUuid.delete(uuid);
      this.nodes.splice(n.index, 1);
      this.nodes.forEach((x, i) => (x.index = i));
      return this.notify({ all: true });
    }
    if (!n) {
      if (e.type !== 'node' || e.verb !== 'create') return;
      n = { uuid, name: e.node_name ?? null, provision_state: e.to ?? 'enroll', power_state: null, maintenance: false, fault: false, index: this.nodes.length };
      this.nodes.push(n);
      this.byUuid.set(uuid, n);
      return this.notify({ all: true });
    }
    if (e.node_name !== undefined && e.node_name !== null) n.name = e.node_name;
    if (e.type === 'provision' && e.to) {
      n.provision_state = e.to;
      // A new action clears last_error, as the conductor does when it starts one.
      n.fault = kindOf(e.to) === 'failed';
    } else if (e.type === 'power') {
      n.power_state = e.to ?? null;
      // A power change the user asked for clears last_error when it starts; if it fails, the event keeps
      // the state and gives the error as its reason (the manager's recordPower). Syncs leave faults alone.
      if (e.verb !== 'sync') n.fault = e.reason !== null && e.reason !== undefined && e.from === e.to;
    } else if (e.type === 'maintenance') {
      n.maintenance = e.to === 'true';
    } else return;
    this.notify({ all: false, changed: new Set([n]) });
  }

  private notify(change: Change): void {
    if (!this.pending) {
      this.pending = change;
      requestAnimationFrame(() => {
        const c = this.pending!;
        this.pending = undefined;
        for (const l of this.listeners) l(c);
      });
    } else if (!this.pending.all) {
      if (change.all) this.pending = change;
      else for (const n of change.changed) this.pending.changed.add(n);
    }
  }

  /** How many nodes are in each value of `key` (state, power, …). */
  count(key: (n: FleetNode) => string): Map<string, number> {
    const out = new Map<string, number>();
    for (const n of this.nodes) {
      const k = key(n);
      out.set(k, (out.get(k) ?? 0) + 1);
    }
    return out;
  }
}

export const fleet = new Fleet();
