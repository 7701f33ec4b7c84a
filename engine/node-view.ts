// What the API reads of nodes, ports and events: straight from the database (no manager involved), with
// secrets masked by the drivers' catalog, and waits driven by the database's event feed. The same in the
// all-in-one `serve` and in an API service in front of several managers.
import type { EventEmitter } from 'node:events';
import type { NodeRecord } from '../contract/generated/node-record.js';
import type { PortRecord } from '../contract/generated/port-record.js';
import type { Event } from './generated/event.js';
import type { NodeStates } from './generated/node-states.js';
import type { EventFilter, NodeFilter, PortFilter, Store } from './store/store.js';
import type { DriverCatalog } from './drivers/registry.js';
import { redact } from './conductor/records.js';
import { waitForNode } from './conductor/wait.js';

/** Polling beside the feed: a lock released by another process writes no event. */
const WAIT_POLL_MS = 250;

export class NodeView {
  constructor(
    private readonly store: Store,
    private readonly catalog: DriverCatalog,
    /** Emits 'event' for every recorded event (and 'released' where a local manager releases a lock). */
    readonly events: EventEmitter,
  ) {}

  getNode(ident: string): Promise<NodeRecord> {
    return this.store.getNode(ident);
  }

  countNodesByState(): Promise<Map<string, number>> {
    return this.store.countNodesByState();
  }

  /** Every node's states and the newest event before them: events after it carry every later change. */
  async nodeStates(): Promise<NodeStates> {
    const event_id = await this.store.newestEventId();
    return { event_id, nodes: await this.store.listNodeStates() };
  }

  listNodes(filter: NodeFilter = {}): Promise<NodeRecord[]> {
    return this.store.listNodes(filter);
  }

  listPorts(filter: PortFilter = {}): Promise<PortRecord[]> {
    return this.store.listPorts(filter);
  }

  getPort(uuid: string): Promise<PortRecord> {
    return this.store.getPort(uuid);
  }

  listEvents(filter: EventFilter = {}): Promise<Event[]> {
    return this.store.listEvents(filter);
  }

  /** A node as users may see it: driver_info secrets, the agent token and the config drive masked. */
  redact(node: NodeRecord): NodeRecord {
    return redact(this.catalog, node);
  }

  /** Resolves once the node satisfies `pred`, or rejects after timeoutMs. */
  waitForNode(nodeUuid: string, pred: (n: NodeRecord) => boolean, timeoutMs: number): Promise<NodeRecord> {
    return waitForNode(this.store, this.events, nodeUuid, pred, timeoutMs, WAIT_POLL_MS);
  }
}
