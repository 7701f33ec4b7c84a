// Waiting for a node to come to rest, driven by the conductor's events rather than by polling.
import type { EventEmitter } from 'node:events';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { Event } from '../generated/event.js';
import type { Store } from '../store/store.js';
import { EngineError, notFound } from '../errors.js';

/**
 * Resolves once the node satisfies `pred` (checked on each of its events), or rejects after timeoutMs.
 * `pollMs` also checks on a timer: a lock released in another process is no event here.
 */
export function waitForNode(store: Store, events: EventEmitter, nodeUuid: string, pred: (n: NodeRecord) => boolean, timeoutMs: number, pollMs?: number): Promise<NodeRecord> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let checking = false;
    let again = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      events.off('event', onEvent);
      events.off('released', onRelease);
      fn();
    };
    const check = async () => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const n = await store.findNode(nodeUuid);
          if (!n) return finish(() => reject(notFound('Node', nodeUuid)));
          if (pred(n)) return finish(() => resolve(n));
        } while (again);
      } catch (err) {
        finish(() => reject(err));
      } finally {
        checking = false;
      }
    };
    // Waiters care about where a node rests: provision changes and lock releases, not every progress note.
    const onEvent = (e: Event) => {
      if (e.node_uuid === nodeUuid && (e.type === 'provision' || e.type === 'node')) void check();
    };
    const onRelease = (uuid: string) => {
      if (uuid === nodeUuid) void check();
    };
    events.on('released', onRelease);
    const timer = setTimeout(() => finish(() => reject(new EngineError('Conflict', `Timed out after ${timeoutMs} ms waiting for node ${nodeUuid}.`))), timeoutMs);
    events.on('event', onEvent);
    const poll = pollMs ? setInterval(() => void check(), pollMs) : undefined;
    poll?.unref();
    void check();
  });
}
