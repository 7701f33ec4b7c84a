// The whole fleet as the overview needs it: one small entry per node (state, power, maintenance, fault),
// loaded page by page from GET /v1/nodes and then kept current from the event stream. Listeners hear of
// changes at most once per animation frame, with the set of nodes that changed, so 1,000 state changes a
// second cost one repaint of the cells that changed per frame.
import { eachNodePage, type ApiNode } from './api.js';
import { latestEventId, subscribe, type Event, type Subscription } from './sse.js';
import { kindOf } from './states.js';

export interface FleetNode {
  uuid: string;
  name: string | null;
  provision_state: string;
  power_state: string | null;
  maintenance: boolean;
  /** A failed state, or an error left on the node. */
  fault: boolean;
  /** Position in the grid (creation order). */
  index: number;
}

export type Change = { all: true } | { all: false; changed: Set<FleetNode> };
type Listener = (change: Change) => void;

const FIELDS = 'uuid,name,provision_state,power_state,maintenance,last_error';

export class Fleet {
  nodes: FleetNode[] = [];
  readonly byUuid = new Map<string, FleetNode>();
  loaded = false;
  live = false;
  /** Events applied since the page load began: a page read before them must not undo them. */
  private touched = new Set<string>();
  private listeners = new Set<Listener>();
  private pending: Change | undefined;
  private sub: Subscription | undefined;
  readonly eventListeners = new Set<(e: Event) => void>();

  async start(): Promise<void> {
    // The stream starts before the pages are read, from the newest event: nothing between the two is missed.
    const after = await latestEventId();
    this.sub = subscribe({
      after,
      onEvent: (e) => this.apply(e),
      onState: (live) => {
        this.live = live;
        this.notify({ all: true });
      },
    });
    const q = new URLSearchParams({ fields: FIELDS, limit: '1000', sort_key: 'created_at' });
    await eachNodePage(q, (page) => {
      for (const n of page) this.merge(n);
      this.notify({ all: true });
    });
    this.loaded = true;
    this.touched.clear();
    this.notify({ all: true });
  }

  stop(): void {
    this.sub?.close();
  }

  onChange(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private merge(n: ApiNode): void {
    if (this.touched.has(n.uuid)) return;
    const state = n.provision_state ?? 'enroll';
    const entry: FleetNode = {
      uuid: n.uuid,
      name: n.name ?? null,
      provision_state: state,
      power_state: n.power_state ?? null,
      maintenance: n.maintenance === true,
      fault: kindOf(state) === 'failed' || !!n.last_error,
      index: this.byUuid.get(n.uuid)?.index ?? this.nodes.length,
    };
    if (entry.index === this.nodes.length) this.nodes.push(entry);
    else this.nodes[entry.index] = entry;
    this.byUuid.set(n.uuid, entry);
  }

  apply(e: Event): void {
    for (const l of this.eventListeners) l(e);
    const uuid = e.node_uuid;
    if (!uuid) return;
    if (!this.loaded) this.touched.add(uuid);
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
