// ironplan's node filters for the console: ?name_contains= (name or UUID, any case, literal text) and ?trait=.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

let h: Harness;
const names = (body: { nodes: Array<{ name: string }> }) => body.nodes.map((n) => n.name).sort();

beforeAll(async () => {
  h = await startHarness();
  for (const [name, traits] of [
    ['rack1-web', ['CUSTOM_GPU']],
    ['rack1-db', []],
    ['rack2-web', ['CUSTOM_GPU', 'CUSTOM_NVME']],
    ['odd_name', ['CUSTOM_GPU_LARGE']],
  ] as const) {
    const r = await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name, traits } });
    expect(r.status).toBe(201);
  }
});
afterAll(async () => h.close());

describe('GET /v1/nodes?name_contains=', () => {
  it('matches part of the name in any case', async () => {
    expect(names((await h.call({ url: '/v1/nodes?name_contains=WEB' })).body)).toEqual(['rack1-web', 'rack2-web']);
    expect(names((await h.call({ url: '/v1/nodes?name_contains=rack1' })).body)).toEqual(['rack1-db', 'rack1-web']);
  });
  it('matches part of the UUID', async () => {
    const all = (await h.call({ url: '/v1/nodes?fields=uuid,name' })).body.nodes as Array<{ uuid: string; name: string }>;
    const one = all.find((n) => n.name === 'rack1-db')!;
    expect(names((await h.call({ url: `/v1/nodes?name_contains=${one.uuid.slice(9, 18).toUpperCase()}` })).body)).toEqual(['rack1-db']);
  });
  it('takes % and _ literally', async () => {
    // Unescaped, % would match every node and _ any one character.
    expect(names((await h.call({ url: '/v1/nodes?name_contains=%25' })).body)).toEqual([]);
    expect(names((await h.call({ url: '/v1/nodes?name_contains=_' })).body)).toEqual(['odd_name']);
  });
  it('combines with the other filters and paging', async () => {
    const first = await h.call({ url: '/v1/nodes?name_contains=rack&limit=2&sort_key=name' });
    expect(names(first.body)).toEqual(['rack1-db', 'rack1-web']);
    expect(first.body.next).toContain('name_contains=rack');
    const next = new URL(first.body.next);
    expect(names((await h.call({ url: next.pathname + next.search })).body)).toEqual(['rack2-web']);
  });
});

describe('GET /v1/nodes?trait=', () => {
  it('lists the nodes with exactly that trait', async () => {
    expect(names((await h.call({ url: '/v1/nodes?trait=CUSTOM_GPU' })).body)).toEqual(['rack1-web', 'rack2-web']);
    expect(names((await h.call({ url: '/v1/nodes?trait=CUSTOM_NVME&name_contains=rack2' })).body)).toEqual(['rack2-web']);
    expect(names((await h.call({ url: '/v1/nodes?trait=CUSTOM' })).body)).toEqual([]);
  });
});
