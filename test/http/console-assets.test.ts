// The console's static files at /ui/: served from one directory only, with the page for client routes,
// cache headers by kind, and open without a token (the files hold no data; the API calls need one).
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUiRoutes, resolveInside } from '../../engine/http/ui.js';
import { startHarness, type Harness } from './helpers.js';

let dir: string;
let app: FastifyInstance;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ironplan-ui-'));
  await mkdir(join(dir, 'ui/assets'), { recursive: true });
  await writeFile(join(dir, 'ui/index.html'), '<!doctype html><title>console</title>');
  await writeFile(join(dir, 'ui/assets/app-ABCDEFGH.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside the ui root');
  app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  registerUiRoutes(app, join(dir, 'ui'));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /ui/', () => {
  it('serves the page at /ui and /ui/, never cached', async () => {
    for (const url of ['/ui', '/ui/']) {
      const r = await app.inject({ url });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toContain('text/html');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(r.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.body).toContain('<title>console</title>');
    }
  });
  it('serves hashed bundles with a long immutable cache and their type', async () => {
    const r = await app.inject({ url: '/ui/assets/app-ABCDEFGH.js' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/javascript');
    expect(r.headers['cache-control']).toContain('immutable');
    expect(r.body).toBe('console.log(1)');
  });
  it('answers client routes with the page, and a missing asset with 404', async () => {
    const page = await app.inject({ url: '/ui/nodes/node-00001' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>console</title>');
    expect((await app.inject({ url: '/ui/assets/missing-12345678.js' })).statusCode).toBe(404);
  });
  it('never serves a file outside its directory', async () => {
    for (const url of ['/ui/../secret.txt', '/ui/%2e%2e/secret.txt', '/ui/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/ui/..%5csecret.txt', '/ui/%00']) {
      const r = await app.inject({ url });
      expect(r.body, url).not.toContain('outside the ui root');
    }
    expect(resolveInside(join(dir, 'ui'), '/../secret.txt')).toBeUndefined();
    expect(resolveInside(join(dir, 'ui'), '/%2e%2e/secret.txt')).toBeUndefined();
    expect(resolveInside(join(dir, 'ui'), '/assets/app.js')).toBe(join(dir, 'ui/assets/app.js'));
  });
  it('answers HEAD without a body', async () => {
    const r = await app.inject({ method: 'HEAD', url: '/ui/' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('');
  });
  it('says the console is not built when the directory has no page', async () => {
    const bare = Fastify();
    registerUiRoutes(bare, join(dir, 'nowhere'));
    const r = await bare.inject({ url: '/ui/' });
    expect(r.statusCode).toBe(404);
    expect(r.body).toContain('npm run build');
    await bare.close();
  });
});

describe('the console behind token auth', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ auth: { mode: 'token', tokens: [{ token: 'admin-token', role: 'admin' }] } });
  });
  afterAll(async () => h.close());
  it('opens /ui/ without a token but keeps the API closed, and refuses writes to /ui', async () => {
    expect((await h.call({ url: '/ui/' })).status).not.toBe(401);
    expect((await h.call({ url: '/ui/nodes' })).status).not.toBe(401);
    expect((await h.call({ url: '/v1/nodes' })).status).toBe(401);
    expect((await h.call({ method: 'POST', url: '/ui/', payload: {} })).status).toBe(401);
  });
});
