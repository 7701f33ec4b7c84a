// The API additions the console reads with, as one suite run on each store: the applies newest first
// (GET /v1/applies), the newest event (?order=desc), nodes by their conductor (?conductor, full pages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_VERSION } from '../../engine/http/versions-table.js';
import { sharedAjv } from '../../engine/validation.js';
import { fault, type Harness } from './helpers.js';

export const valid = (id: string, body: unknown) => expect(sharedAjv().validate(id, body), JSON.stringify(sharedAjv().errors)).toBe(true);

/** The applies list, the newest event and the node filters, on the store `start` opens (SQLite, PostgreSQL). */
export function appliesEventsFilters(label: string, start: () => Promise<Harness>): void {
  describe(`applies, events and the conductor filter (${label})`, () => {
    let h: Harness;
    beforeAll(async () => (h = await start()));
    afterAll(async () => h?.close());

    async function applyFleet(names: string[], fail = ''): Promise<string> {
      const nodes = names.map((name) => ({ name, driver: 'fake-hardware', driver_info: name === fail ? { fake_fail: 'power' } : {}, properties: { cpus: 2 }, power_state: 'power on' }));
      expect((await h.call({ method: 'PUT', url: '/v1/specs', payload: { nodes, deployments: [] } })).status).toBe(200);
      const plan = await h.call({ method: 'POST', url: '/v1/plans' });
      expect(plan.status).toBe(201);
      const started = await h.call({ method: 'POST', url: `/v1/plans/${plan.body.id}/apply`, payload: {} });
      expect(started.status).toBe(202);
      for (let i = 0; (await h.call({ url: `/v1/applies/${started.body.apply_id}` })).body.status === 'running'; i++) {
        if (i >= 500) throw new Error(`apply ${started.body.apply_id} still running after 10 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return started.body.apply_id;
    }

    it('lists the applies newest first with their outcome and action counts, a page at a time', async () => {
      expect((await h.call({ url: '/v1/applies' })).body).toEqual({ applies: [] });
      const first = await applyFleet(['a1', 'a2']);
      const second = await applyFleet(['a1', 'a2', 'a3', 'bad'], 'bad');
      const third = await applyFleet(['a1', 'a2', 'a3']);
      const all = await h.call({ url: '/v1/applies' });
      expect(all.status).toBe(200);
      valid('apply-list.schema.json', all.body);
      expect(all.body.applies.map((a: { id: string }) => a.id)).toEqual([third, second, first]);
      const [t, s, f] = all.body.applies;
      // Each agrees with the apply's own record.
      for (const a of all.body.applies) {
        const one = (await h.call({ url: `/v1/applies/${a.id}` })).body;
        expect(a).toMatchObject({ plan_id: one.plan_id, status: one.status, started_at: one.started_at, finished_at: one.finished_at, error: one.error });
        expect(a.counts.total).toBe(one.actions.length);
        for (const st of ['done', 'failed', 'skipped']) expect(a.counts[st]).toBe(one.actions.filter((x: { status: string }) => x.status === st).length);
      }
      expect(f).toMatchObject({ status: 'succeeded' });
      expect(f.counts.done).toBe(f.counts.total);
      expect(s.status).toBe('failed');
      expect(s.counts.failed).toBeGreaterThan(0);
      // The third removes the failed node: one action at least.
      expect(t.counts.total).toBeGreaterThan(0);

      const p1 = await h.call({ url: '/v1/applies?limit=2' });
      expect(p1.body.applies.map((a: { id: string }) => a.id)).toEqual([third, second]);
      expect(p1.body.next).toContain(`marker=${second}`);
      const p2 = await h.call({ url: new URL(p1.body.next).pathname + new URL(p1.body.next).search });
      expect(p2.body.applies.map((a: { id: string }) => a.id)).toEqual([first]);
      expect(p2.body.next).toBeUndefined();
    });

    it('refuses a marker that names no apply and an unknown parameter, naming them', async () => {
      const r = await h.call({ url: '/v1/applies?marker=nope' });
      expect(r.status).toBe(400);
      expect(fault(r.body)).toContain('marker');
      const q = await h.call({ url: '/v1/applies?status=failed' });
      expect(q.status).toBe(400);
      expect(fault(q.body)).toContain('status');
      expect((await h.call({ url: '/v1/applies?limit=-1' })).status).toBe(400);
    });

    it('answers the newest event with limit=1&order=desc, and pages newest first', async () => {
      const asc = (await h.call({ url: '/v1/events?format=json&limit=10000' })).body.events as Array<{ id: number }>;
      expect(asc.length).toBeGreaterThan(3);
      const newest = await h.call({ url: '/v1/events?format=json&limit=1&order=desc' });
      expect(newest.status).toBe(200);
      expect(newest.body.events.map((e: { id: number }) => e.id)).toEqual([asc[asc.length - 1]!.id]);
      const three = (await h.call({ url: `/v1/events?format=json&limit=3&order=desc&after=${asc[0]!.id}` })).body.events;
      expect(three.map((e: { id: number }) => e.id)).toEqual(asc.slice(-3).map((e) => e.id).reverse());
      expect((await h.call({ url: '/v1/events?format=json&order=up' })).status).toBe(400);
      const stream = await h.call({ url: '/v1/events?order=desc' });
      expect(stream.status).toBe(400);
      expect(fault(stream.body)).toContain('order');
    });

    // The filters come with their microversions (owner 1.50): they are answered once the service claims them.
    it.runIf(MAX_VERSION < 49)('refuses ?conductor and ?owner while the service claims no version that has them', async () => {
      expect((await h.call({ url: '/v1/nodes?conductor=x' })).status).toBe(406);
      expect((await h.call({ url: '/v1/nodes?owner=x' })).status).toBe(406);
    });

    it.runIf(MAX_VERSION >= 50)('filters nodes by their conductor in full pages, by owner and by conductor group', async () => {
      for (let i = 0; i < 6; i++) {
        const body = { driver: 'fake-hardware', name: `c${i}`, owner: i % 3 === 0 ? 'team-a' : 'team-b', conductor_group: i % 2 ? 'rack2' : '' };
        expect((await h.call({ method: 'POST', url: '/v1/nodes', payload: body })).status).toBe(201);
      }
      const all = (await h.call({ url: '/v1/nodes?fields=uuid,name,conductor,conductor_group,owner&limit=1000' })).body.nodes as Array<Record<string, string | null>>;
      const self = all.find((n) => n.name === 'c0')!.conductor!;
      expect(self).toBeTruthy();
      // No manager serves rack2: its nodes have no conductor, the others are this manager's.
      expect(all.filter((n) => n.conductor_group === 'rack2').every((n) => n.conductor === null)).toBe(true);
      const mine = all.filter((n) => n.conductor === self).map((n) => n.name);
      expect(mine.length).toBeGreaterThan(3);
      const seen: string[] = [];
      let url: string | undefined = `/v1/nodes?fields=name,conductor&conductor=${self}&limit=2`;
      while (url) {
        const page = (await h.call({ url })).body as { nodes: Array<{ name: string; conductor: string }>; next?: string };
        // Only the last page may be short, although half the nodes read are filtered out.
        if (page.next) expect(page.nodes.length).toBe(2);
        for (const n of page.nodes) expect(n.conductor).toBe(self);
        seen.push(...page.nodes.map((n) => n.name));
        url = page.next ? new URL(page.next).pathname + new URL(page.next).search : undefined;
      }
      expect(seen).toEqual(mine);
      expect((await h.call({ url: '/v1/nodes?conductor=nobody' })).body.nodes).toEqual([]);
      // Below 1.49 the filter is refused, as Ironic refuses it.
      expect((await h.call({ url: `/v1/nodes?conductor=${self}`, version: '1.48' })).status).toBe(406);
      const owned = (await h.call({ url: '/v1/nodes?fields=name&owner=team-a' })).body.nodes.map((n: { name: string }) => n.name);
      expect(owned.sort()).toEqual(['c0', 'c3']);
      const rack = (await h.call({ url: '/v1/nodes?fields=name&conductor_group=rack2' })).body.nodes.map((n: { name: string }) => n.name);
      expect(rack.sort()).toEqual(['c1', 'c3', 'c5']);
    });
  });
}
