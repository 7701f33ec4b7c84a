// The API additions the console reads with: who the caller is (GET /v1/auth/whoami), /favicon.ico open
// under token auth, and (console-api-suite.ts, here on SQLite) the applies list, the newest event and the
// conductor filter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';
import { appliesEventsFilters, valid } from './console-api-suite.js';

const ADMIN = 'whoami-admin-token-0123456789';
const READER = 'whoami-reader-token-0123456789';

describe('GET /v1/auth/whoami', () => {
  let open: Harness;
  let closed: Harness;
  beforeAll(async () => {
    open = await startHarness();
    closed = await startHarness({ auth: { mode: 'token', tokens: [{ token: ADMIN, role: 'admin' }, { token: READER, role: 'reader' }] } });
  });
  afterAll(async () => {
    await open.close();
    await closed.close();
  });

  it('answers admin to everyone when the service asks for no token', async () => {
    const r = await open.call({ url: '/v1/auth/whoami' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ role: 'admin', auth: 'none' });
    valid('whoami.schema.json', r.body);
  });

  it("answers each token's role, by either header, and 401 without a valid one", async () => {
    const admin = await closed.call({ url: '/v1/auth/whoami', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(admin.body).toEqual({ role: 'admin', auth: 'token' });
    valid('whoami.schema.json', admin.body);
    expect((await closed.call({ url: '/v1/auth/whoami', headers: { 'x-auth-token': READER } })).body).toEqual({ role: 'reader', auth: 'token' });
    const none = await closed.call({ url: '/v1/auth/whoami' });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect((await closed.call({ url: '/v1/auth/whoami', headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    // It is a read: nothing else is answered there.
    expect((await closed.call({ method: 'POST', url: '/v1/auth/whoami', headers: { authorization: `Bearer ${ADMIN}` } })).status).toBe(404);
  });

  it('is in the OpenAPI document with its schema', async () => {
    const doc = (await open.call({ url: '/openapi.json' })).body;
    expect(JSON.stringify(doc.paths['/v1/auth/whoami'].get.responses['200'])).toContain('#/components/schemas/whoami');
    expect(JSON.stringify(doc.paths['/v1/applies'].get.responses['200'])).toContain('#/components/schemas/apply-list');
  });

  it('serves /favicon.ico without a token (204, cached), while the API stays closed', async () => {
    const r = await closed.call({ url: '/favicon.ico', version: null });
    expect(r.status).toBe(204);
    expect(r.headers['cache-control']).toContain('max-age');
    expect((await closed.call({ method: 'HEAD', url: '/favicon.ico', version: null })).status).toBe(204);
    expect((await closed.call({ method: 'DELETE', url: '/favicon.ico', version: null })).status).toBe(401);
    expect((await closed.call({ url: '/v1/nodes' })).status).toBe(401);
  });
});

appliesEventsFilters('SQLite', () => startHarness());
