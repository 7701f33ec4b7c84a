// The console in a real browser (Debian's chromium through playwright-core) against `ironplan serve`
// with 1,000 fake nodes: what it shows matches the API, filters narrow the table on the server, a
// deploy started from the console is seen live until active, and a reader sees but cannot act.
// UPDATE_SCREENSHOTS=1 also writes docs/console-overview.png and docs/console-node.png for the README.
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM helper shared with bench/console (no types)
import { CHROMIUM, chromiumPresent, countsByState, root, seedNodes, startServe, TOKENS, varyStates } from './console-server.mjs';

const present = chromiumPresent();
if (!present) {
  // Loud on purpose: a CI machine without chromium must not pass this file silently.
  console.error(`\n*** test/ui: ${CHROMIUM} is missing: the console's browser tests are SKIPPED (apt-get install chromium) ***\n`);
}

interface Server {
  url: string;
  call(method: string, path: string, body?: unknown, opts?: { token?: string; version?: string }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

describe.skipIf(!present)('the console (browser)', () => {
  let server: Server;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServe();
    await seedNodes(server, 1000);
    await varyStates(server);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function login(token: string, path = '/ui/'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(`${server.url}${path}`);
    await page.fill('input[name=token]', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('nav.top');
    return page;
  }

  it('refuses a wrong token at the login', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/ui/`);
    await page.fill('input[name=token]', 'not-a-token');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toContain('refused');
    await page.close();
  });

  it('learns its role from GET /v1/auth/whoami, probing with no write; /favicon.ico needs no token', async () => {
    const page = await browser.newPage();
    const asked: string[] = [];
    page.on('request', (r) => asked.push(`${r.method()} ${new URL(r.url()).pathname}`));
    await page.goto(`${server.url}/ui/`);
    await page.fill('input[name=token]', TOKENS.reader);
    await page.click('button[type=submit]');
    await page.waitForSelector('nav.top');
    expect(await page.textContent('[data-testid=role]')).toBe('reader');
    expect(asked).toContain('GET /v1/auth/whoami');
    expect(asked.filter((a) => !a.startsWith('GET ') && !a.startsWith('HEAD '))).toEqual([]);
    const icon = await fetch(`${server.url}/favicon.ico`);
    expect(icon.status).toBe(204);
    await page.close();
  });

  it('shows the counts by state the API reports, on the bars and in the grid', async () => {
    const page = await login(TOKENS.admin);
    await page.waitForSelector('[data-testid=node-total]:has-text("1,000")');
    await page.waitForFunction(() => !document.body.textContent!.includes('loading…'));
    const api = await countsByState(server);
    expect(Object.values(api).reduce((a: number, b) => a + (b as number), 0)).toBe(1000);
    const shown: Record<string, number> = {};
    for (const li of await page.$$('[data-testid=bar-provision] li[data-count]')) {
      shown[(await li.getAttribute('data-count'))!] = Number((await li.textContent())!.replace(/\D/g, ''));
    }
    expect(shown).toEqual(api);
    expect(api).toMatchObject({ manageable: 130, active: 60 });
    // Health: a fault (an error recorded) is counted before maintenance, as the bar shows them.
    const rows = (await server.call('GET', '/v1/node-states')).body.nodes as Array<{ fault: boolean; maintenance: boolean }>;
    const faults = rows.filter((n) => n.fault).length;
    expect(faults).toBe(20);
    const maintenance = rows.filter((n) => !n.fault && n.maintenance).length;
    expect(await page.textContent('[data-testid=bar-health] li[data-count=fault]')).toMatch(new RegExp(`\\b${faults}$`));
    expect(await page.textContent('[data-testid=bar-health] li[data-count=maintenance]')).toMatch(new RegExp(`\\b${maintenance}$`));
    const on = rows.filter((n) => (n as { power_state?: string }).power_state === 'power on').length;
    expect(await page.textContent('[data-testid=bar-power] li[data-count="power on"]')).toMatch(new RegExp(`\\b${on}$`));
    // The grid draws one cell per node: its canvas is tall enough for 1,000 cells at its cell size.
    const box = (await page.locator('[data-testid=fleet-grid]').boundingBox())!;
    expect(box.width * box.height).toBeGreaterThan(1000 * 9);
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: join(root, 'docs/console-overview.png') });
    await page.close();
  });

  it('narrows the table with a search and a state filter, on the server', async () => {
    const page = await login(TOKENS.admin, '/ui/nodes');
    await page.waitForSelector('[data-testid=node-row]');
    expect(await page.textContent('[data-testid=row-count]')).toContain('500+');
    // Windowed: far fewer rows in the DOM than loaded.
    expect((await page.$$('[data-testid=node-row]')).length).toBeLessThan(80);
    const asked: string[] = [];
    page.on('request', (r) => r.url().includes('/v1/nodes?') && asked.push(r.url()));
    await page.fill('input[aria-label=search]', 'node-0001');
    await expect.poll(() => page.textContent('[data-testid=row-count]')).toMatch(/^10 nodes/);
    const names = await page.$$eval('[data-testid=node-row] a', (as) => as.map((a) => a.textContent));
    expect(names).toEqual(Array.from({ length: 10 }, (_, i) => `node-0001${i}`));
    expect(asked.some((u) => u.includes('name_contains=node-0001'))).toBe(true);
    await page.selectOption('select[aria-label="provision state"]', 'available');
    const expected = (await server.call('GET', '/v1/nodes?name_contains=node-0001&provision_state=available&fields=name')).body.nodes.length;
    await expect.poll(() => page.textContent('[data-testid=row-count]')).toMatch(new RegExp(`^${expected} node`));
    const states = await page.$$eval('[data-testid=node-row] [data-state]', (s) => s.map((x) => x.getAttribute('data-state')));
    expect(states.length).toBe(expected);
    expect(new Set(states)).toEqual(new Set(['available']));
    await page.close();
  });

  it('filters by owner, conductor group and conductor once the service answers their microversions', async () => {
    const max = Number((await fetch(`${server.url}/v1`)).headers.get('x-openstack-ironic-api-maximum-version')!.split('.')[1]);
    const page = await login(TOKENS.admin, '/ui/nodes');
    await page.waitForSelector('[data-testid=node-row]');
    if (max < 46) {
      // Not offered, and nothing asked at a version the service refuses (a 406 would show as an error).
      for (const label of ['owner', 'conductor group', 'conductor']) expect(await page.$(`[aria-label="${label}"]`)).toBeNull();
      expect(await page.$('.error')).toBeNull();
      await page.close();
      return;
    }
    expect(max).toBeGreaterThanOrEqual(50);
    for (const [i, name] of ['node-00401', 'node-00402', 'node-00403', 'node-00404', 'node-00405'].entries()) {
      const patch = [{ op: 'add', path: '/owner', value: 'team-x' }, ...(i < 2 ? [{ op: 'add', path: '/conductor_group', value: 'rack9' }] : [])];
      expect((await server.call('PATCH', `/v1/nodes/${name}`, patch)).status).toBe(200);
    }
    const asked: string[] = [];
    page.on('request', (r) => r.url().includes('/v1/nodes?') && asked.push(decodeURIComponent(r.url())));
    await page.fill('input[aria-label=owner]', 'team-x');
    await page.press('input[aria-label=owner]', 'Tab');
    await expect.poll(() => page.textContent('[data-testid=row-count]')).toMatch(/^5 nodes/);
    expect(await page.$$eval('[data-col=owner]', (s) => s.map((x) => x.textContent))).toEqual(Array(5).fill('team-x'));
    expect(asked.some((u) => u.includes('owner=team-x'))).toBe(true);
    // No manager serves rack9: those two have no conductor; the others are the one manager's.
    const self = (await server.call('GET', '/v1/conductors')).body.conductors[0].hostname as string;
    await page.selectOption('select[aria-label=conductor]', self);
    await expect.poll(() => page.textContent('[data-testid=row-count]')).toMatch(/^3 nodes/);
    expect(asked.some((u) => u.includes(`conductor=${self}`))).toBe(true);
    const api = (await server.call('GET', `/v1/nodes?owner=team-x&conductor=${encodeURIComponent(self)}&fields=name`)).body.nodes.map((n: { name: string }) => n.name);
    // The same nodes as the API's filter (the table shows them in its own sort order).
    expect((await page.$$eval('[data-testid=node-row] a', (as) => as.map((a) => a.textContent))).sort()).toEqual([...api].sort());
    await page.selectOption('select[aria-label=conductor]', '');
    await page.fill('input[aria-label="conductor group"]', 'rack9');
    await page.press('input[aria-label="conductor group"]', 'Tab');
    await expect.poll(() => page.textContent('[data-testid=row-count]')).toMatch(/^2 nodes/);
    expect(await page.$$eval('[data-testid=node-row] a', (as) => as.map((a) => a.textContent))).toEqual(['node-00401', 'node-00402']);
    await page.close();
  });

  it('acts on selected nodes after a confirmation naming them', async () => {
    const page = await login(TOKENS.admin, '/ui/nodes');
    await page.fill('input[aria-label=search]', 'node-0002');
    await expect.poll(() => page.textContent('[data-testid=row-count]')).toMatch(/^10 nodes/);
    await page.check('input[aria-label="select node-00021"]');
    await page.check('input[aria-label="select node-00022"]');
    await page.click('[data-testid=bulk-actions] button:has-text("Maintenance on")');
    expect(await page.textContent('[data-testid=confirm-text]')).toMatch(/2 nodes node-00021, node-00022 will be put in maintenance/);
    await page.click('.modal button.primary');
    await expect.poll(() => page.textContent('[data-testid=outcome]')).toContain('2 accepted');
    for (const name of ['node-00021', 'node-00022']) expect((await server.call('GET', `/v1/nodes/${name}`)).body.maintenance).toBe(true);
    await page.close();
  });

  it('shows a deploy started from the console progressing live to active', async () => {
    // node-00001 was created available; the fake deploy with a slow BMC keeps it deploying for a while.
    const patch = await server.call('PATCH', '/v1/nodes/node-00001', [
      { op: 'replace', path: '/deploy_interface', value: 'fake' },
      { op: 'add', path: '/driver_info/fake_power_delay_ms', value: 1500 },
    ]);
    expect(patch.status).toBe(200);
    const overview = await login(TOKENS.admin);
    await overview.waitForSelector('[data-testid=node-total]:has-text("1,000")');
    const activeBefore = (await countsByState(server)).active ?? 0;
    const page = await login(TOKENS.admin, '/ui/nodes/node-00001');
    await page.waitForSelector('[data-testid=node-state][data-state=available]');
    await page.click('[data-action=deploy]');
    expect(await page.textContent('[data-testid=confirm-text]')).toContain('node-00001 will be deployed');
    await page.click('.modal button.primary');
    await page.waitForSelector('[data-testid=node-state][data-state=deploying]', { timeout: 10_000 });
    await page.waitForSelector('[data-testid=progress]');
    await page.click('.modal button:has-text("Close")');
    await page.waitForSelector('[data-testid=node-state][data-state=active]', { timeout: 20_000 });
    const timeline = await page.textContent('[data-testid=timeline]');
    expect(timeline).toMatch(/available\s*→\s*deploying/);
    expect(timeline).toMatch(/deploying\s*→\s*active/);
    // The overview, open all along, followed it from the event stream.
    await overview.waitForSelector(`[data-testid=bar-provision] li[data-count=active]:has-text("${activeBefore + 1}")`, { timeout: 10_000 });
    if (process.env.UPDATE_SCREENSHOTS) await page.screenshot({ path: join(root, 'docs/console-node.png'), fullPage: true });
    await page.close();
    await overview.close();
  });

  it('shows a failed power change as a fault, live', async () => {
    const page = await login(TOKENS.admin);
    await page.waitForSelector('[data-testid=node-total]:has-text("1,000")');
    const faults = async () => Number((await page.textContent('[data-testid=bar-health] li[data-count=fault]'))?.replace(/\D/g, '') ?? 0);
    const before = await faults();
    expect((await server.call('PATCH', '/v1/nodes/node-00999', [{ op: 'add', path: '/driver_info/fake_fail', value: 'power' }])).status).toBe(200);
    expect((await server.call('PUT', '/v1/nodes/node-00999/states/power', { target: 'power on' })).status).toBe(202);
    await expect.poll(faults, { timeout: 10_000 }).toBe(before + 1);
    await page.close();
  });

  it('lets a reader see everything and act on nothing', async () => {
    const page = await login(TOKENS.reader, '/ui/nodes');
    expect(await page.textContent('[data-testid=role]')).toBe('reader');
    await page.waitForSelector('[data-testid=node-row]');
    await page.waitForSelector('[data-testid=read-only]');
    expect(await page.$('[data-testid=bulk-actions]')).toBeNull();
    expect(await page.$('[data-testid=node-row] input[type=checkbox]')).toBeNull();
    await page.goto(`${server.url}/ui/nodes/node-00003`);
    await page.waitForSelector('[data-testid=node-state]');
    expect(await page.$('[data-testid=node-actions]')).toBeNull();
    // The service, not only the page, refuses: the reader's token cannot change a node.
    const status = await page.evaluate(async (token) => {
      const r = await fetch('/v1/nodes/node-00003/states/power', { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ target: 'power on' }) });
      return r.status;
    }, TOKENS.reader);
    expect(status).toBe(403);
    await page.close();
  });

  it('renders the plan of the specs grouped by node, applies it with live progress, and lists the apply', async () => {
    for (const [i, name] of ['spec-web-1', 'spec-web-2'].entries()) {
      const r = await server.call('PUT', `/v1/specs/nodes/${name}`, { driver: 'fake-hardware', resource_class: 'web', provision_state: 'manageable', ports: [{ address: `52:54:00:aa:bb:0${i}` }] });
      expect(r.status).toBe(200);
    }
    // A reader may plan (a dry run, nothing stored) but not apply.
    const reader = await login(TOKENS.reader, '/ui/plans');
    await reader.waitForSelector('[data-testid=specs]:has-text("2 node specs")');
    await reader.click('button:has-text("Plan (dry run)")');
    await reader.waitForSelector('[data-testid=plan]');
    expect(await reader.$('button:has-text("Apply")')).toBeNull();
    await reader.close();

    const page = await login(TOKENS.admin, '/ui/plans');
    const eventPages: string[] = [];
    page.on('request', (r) => r.url().includes('format=json') && eventPages.push(r.url()));
    await page.waitForSelector('[data-testid=specs]:has-text("spec-web-1, spec-web-2")');
    await page.click('button.primary:has-text("Plan")');
    await page.waitForSelector('[data-testid=plan]');
    const plan = await page.textContent('[data-testid=plan]');
    expect(plan).toContain('node spec-web-1');
    expect(plan).toContain('node spec-web-2');
    expect(plan).toMatch(/\+\s*enroll node "spec-web-1"/);
    expect(plan).toMatch(/manage node "spec-web-1"/);
    const actions = await page.$$eval('[data-action-id]', (els) => els.length);
    await page.click('button:has-text("Apply")');
    await page.waitForSelector('[data-testid=apply-status]');
    await page.waitForSelector('[data-testid=apply-status]:has-text("succeeded")', { timeout: 30_000 });
    expect(await page.$$eval('[data-action-id] [data-status=done]', (els) => els.length)).toBe(actions);
    // The recent applies come from GET /v1/applies (newest first), with the action counts.
    const listed = (await server.call('GET', '/v1/applies?limit=1')).body.applies[0];
    expect(listed).toMatchObject({ status: 'succeeded', counts: { total: actions, done: actions } });
    const row = `[data-testid=recent-applies] tr[data-apply-id="${listed.id}"]`;
    await page.waitForSelector(`${row} td.status.succeeded`);
    expect(await page.textContent(`${row} [data-counts]`)).toBe(`${actions}/${actions} done`);
    expect(await page.$eval('[data-testid=recent-applies] tr', (tr) => tr.getAttribute('data-apply-id'))).toBe(listed.id);
    for (const name of ['spec-web-1', 'spec-web-2']) expect((await server.call('GET', `/v1/nodes/${name}`)).body.provision_state).toBe('manageable');
    // No scan of the event log for them.
    expect(eventPages).toEqual([]);
    await page.close();
  });
});
