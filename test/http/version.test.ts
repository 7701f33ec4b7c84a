import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fault, startHarness, type Harness } from './helpers.js';
import { MAX_VERSION } from '../../engine/http/versions-table.js';

const MAX = `1.${MAX_VERSION}`;
/** A version past the newest: refused. */
const TOO_NEW = `1.${MAX_VERSION + 1}`;

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(async () => h.close());

describe('version negotiation', () => {
  it('GET / lists the v1 version with its range', async () => {
    const r = await h.call({ method: 'GET', url: '/', version: null });
    expect(r.status).toBe(200);
    expect(r.body.default_version).toMatchObject({ id: 'v1', min_version: '1.1', version: MAX, status: 'CURRENT' });
    expect(r.body.versions).toHaveLength(1);
  });

  it('GET /v1 (and /v1/) describes the resources', async () => {
    for (const url of ['/v1', '/v1/']) {
      const r = await h.call({ method: 'GET', url, version: null });
      expect(r.status).toBe(200);
      expect(r.body.version.version).toBe(MAX);
      expect(r.body.nodes[0].href).toMatch(/\/v1\/nodes$/);
    }
  });

  it('every response carries the three version headers', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/nodes', version: '1.33' });
    expect(r.headers['x-openstack-ironic-api-minimum-version']).toBe('1.1');
    expect(r.headers['x-openstack-ironic-api-maximum-version']).toBe(MAX);
    expect(r.headers['x-openstack-ironic-api-version']).toBe('1.33');
    const err = await h.call({ method: 'GET', url: '/v1/nodes/missing' });
    expect(err.status).toBe(404);
    expect(err.headers['x-openstack-ironic-api-version']).toBe(MAX);
    expect(err.headers['x-openstack-request-id']).toMatch(/^req-/);
  });

  it('latest means the maximum, absent means the minimum', async () => {
    expect((await h.call({ method: 'GET', url: '/v1/nodes', version: 'latest' })).headers['x-openstack-ironic-api-version']).toBe(MAX);
    expect((await h.call({ method: 'GET', url: '/v1/nodes', version: null })).headers['x-openstack-ironic-api-version']).toBe('1.1');
  });

  it('answers 406 naming the range for versions out of it or malformed', async () => {
    for (const v of [TOO_NEW, '1.0', '2.0', 'banana']) {
      const r = await h.call({ method: 'GET', url: '/v1/nodes', version: v });
      expect(r.status, v).toBe(406);
      expect(r.headers['x-openstack-ironic-api-maximum-version']).toBe(MAX);
    }
    const r = await h.call({ method: 'GET', url: '/v1/nodes', version: TOO_NEW });
    expect(fault(r.body)).toContain(`[1.1, ${MAX}]`);
  });

  it('version discovery stays reachable whatever version is asked', async () => {
    expect((await h.call({ method: 'GET', url: '/v1', version: '1.99' })).status).toBe(200);
    // ... with a query string too (the path decides, not the raw URL).
    expect((await h.call({ method: 'GET', url: '/?format=json', version: '1.99' })).status).toBe(200);
    expect((await h.call({ method: 'GET', url: '/v1/?x=1', version: 'bogus' })).status).toBe(200);
    expect((await h.call({ method: 'GET', url: '/v1/nodes?x=1', version: '1.99' })).status).toBe(406);
  });

  it('fields appear with the version that introduced them', async () => {
    const c = await h.call({ method: 'POST', url: '/v1/nodes', payload: { driver: 'fake-hardware', name: 'v-node' } });
    expect(c.status).toBe(201);
    const old = await h.call({ method: 'GET', url: '/v1/nodes/v-node', version: '1.31' });
    expect(old.body.traits).toBeUndefined();
    expect(old.body.storage_interface).toBeUndefined();
    expect(old.body.volume).toBeUndefined();
    const now = await h.call({ method: 'GET', url: '/v1/nodes/v-node', version: '1.37' });
    expect(now.body.traits).toEqual([]);
    expect(now.body.storage_interface).toBe('noop');
    // Below their version, Ironic answers 406 for the traits endpoint and for asking for the field.
    const traits = await h.call({ method: 'GET', url: '/v1/nodes/v-node/traits', version: '1.36' });
    expect(traits.status).toBe(406);
    expect(fault(traits.body)).toContain('1.37');
    const badField = await h.call({ method: 'GET', url: '/v1/nodes?fields=traits', version: '1.36' });
    expect(badField.status).toBe(406);
  });

  it('unknown routes are Ironic-shaped 404s', async () => {
    const r = await h.call({ method: 'GET', url: '/v1/nope' });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body.error_message)).toMatchObject({ faultcode: 'Client' });
  });
});
