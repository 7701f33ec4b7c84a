// The API's live events come from the database: what another process commits is read by polling, what
// this process commits is delivered at once, each event once and in id order.
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../engine/store/open.js';
import { EventFeed } from '../../engine/events-feed.js';
import type { Event } from '../../engine/generated/event.js';
import { tempDir } from './helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('event feed', () => {
  it('delivers events another process wrote (by polling) and this process wrote (at once), in order, once each', async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = join(dir, 'feed.sqlite');
    const here = await openStore(db);
    const other = await openStore(db);
    cleanups.push(() => other.close(), () => here.close());
    await here.transaction((tx) => tx.addEvent({ type: 'node', actor: 'before', reason: 'history, not live' }));
    const feed = new EventFeed(here, { pollMs: 20 });
    await feed.start();
    cleanups.push(() => feed.stop());
    here.onEvents = (events) => feed.committed(events);
    const seen: Event[] = [];
    feed.on('event', (e: Event) => seen.push(e));

    await other.transaction(async (tx) => {
      await tx.addEvent({ type: 'node', actor: 'other', reason: 'a' });
      await tx.addEvent({ type: 'node', actor: 'other', reason: 'b' });
    });
    for (let i = 0; seen.length < 2 && i < 100; i++) await new Promise((r) => setTimeout(r, 10));
    await here.transaction((tx) => tx.addEvent({ type: 'node', actor: 'here', reason: 'c' }));
    await other.transaction((tx) => tx.addEvent({ type: 'node', actor: 'other', reason: 'd' }));
    for (let i = 0; seen.length < 4 && i < 100; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.map((e) => e.reason)).toEqual(['a', 'b', 'c', 'd']);
    expect(seen.map((e) => e.id)).toEqual([...seen.map((e) => e.id)].sort((x, y) => x - y));
    expect(feed.position).toBe(seen.at(-1)!.id);
  });
});
