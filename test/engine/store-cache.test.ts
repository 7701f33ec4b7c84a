// listNodes keeps parsed records between calls, within a bound: a fleet larger than the bound must still
// be listed whole, page by page (a bug once emptied the cache between reading and answering).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore } from '../../engine/store/open.js';
import { tempDir } from './helpers.js';

describe('node list cache', () => {
  it('lists every node, page after page, when the fleet is larger than the cache', async () => {
    const { dir, cleanup } = tempDir();
    const store = await openStore(join(dir, 'cache.sqlite'));
    try {
      store.nodeCacheLimit = 25;
      const t = new Date().toISOString();
      await store.transaction(async (tx) => {
        for (let i = 0; i < 100; i++) {
          await tx.insertNode({
            uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `n${i}`, driver: 'fake-hardware', driver_info: {}, conductor_group: '',
            interfaces: { power: 'fake', management: 'fake', boot: 'fake', deploy: 'fake-agent', inspect: 'fake', vendor: 'fake' },
            properties: {}, resource_class: null, traits: [], power_state: null, target_power_state: null, provision_state: 'enroll',
            target_provision_state: null, maintenance: false, maintenance_reason: null, last_error: null, reservation: null, instance_uuid: null,
            instance_info: {}, driver_internal_info: {}, extra: {}, managed: false, provision_deadline: null, created_at: t, updated_at: null,
            provision_updated_at: null, version: 1,
          });
        }
      });
      for (let round = 0; round < 2; round++) {
        const seen: string[] = [];
        let marker: string | undefined;
        for (;;) {
          const page = await store.listNodes({ limit: 30, marker });
          if (!page.length) break;
          expect(page.length === 30 || seen.length + page.length === 100, `page after ${seen.length} nodes has ${page.length}`).toBe(true);
          seen.push(...page.map((n) => n.uuid));
          marker = page.at(-1)!.uuid;
        }
        expect(seen).toHaveLength(100);
        expect((await store.listNodes({})).length).toBe(100);
      }
    } finally {
      await store.close();
      cleanup();
    }
  });
});
