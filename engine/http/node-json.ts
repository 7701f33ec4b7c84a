// Serialized detail views of nodes, reused while the node is unchanged: listing 1,000 nodes is then one
// query and a copy of ready UTF-8 bytes, instead of masking, shaping, stringifying and encoding every node
// on every request (encoding a 2 MB string alone took ~15 ms).
// A node's version changes on every write except its lock (reservation), so both make up the key.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { NodeView } from '../node-view.js';
import { nodeDetail } from './repr.js';

const MAX_ENTRIES = 50_000;

export class NodeJsonCache {
  private readonly entries = new Map<string, { key: string; json: Buffer }>();

  constructor(private readonly nodes: NodeView) {}

  /** `conductor`: the node's owning manager, which changes with the cluster rather than the node. */
  detail(n: NodeRecord, v: number, base: string, conductor: string | null = null): Buffer {
    const key = `${n.version}\u0000${n.reservation ?? ''}\u0000${v}\u0000${base}\u0000${conductor ?? ''}`;
    const hit = this.entries.get(n.uuid);
    if (hit && hit.key === key) return hit.json;
    const json = Buffer.from(JSON.stringify(nodeDetail(this.nodes.redact(n), v, base, { conductor })));
    if (!hit && this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(n.uuid, { key, json });
    return json;
  }

  forget(uuid: string): void {
    this.entries.delete(uuid);
  }
}
