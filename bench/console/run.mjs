// bench/console: the console in Debian's chromium against `ironplan serve` with N fake nodes (10,000).
//   1. first meaningful paint of the overview: from navigation until the bars and the grid show all N
//      nodes (counts final, not "loading…")                                        goal ≤ 1 s
//   2. a filter over the N nodes: from changing it until the table shows the new rows (median of 5;
//      a state filter and a name search)                                           goal ≤ 100 ms
//   3. frames per second on the overview while 1,000 nodes change state in 10 s   goal ≥ 30
//   4. the plan page's recent applies with APPLIES (30) recorded: from navigation until the newest 20
//      show (GET /v1/applies); and what the first round did instead, for comparison: the newest event id
//      by binary search over ?after= (requests, ms) and one page of the last 10,000 events, against one
//      GET /v1/events?format=json&limit=1&order=desc
// Run: npm run build && node bench/console/run.mjs   (N=…, CHANGES=…)
import { chromium } from 'playwright-core';
import { CHROMIUM, chromiumPresent, seedNodes, startServe, TOKENS } from '../../test/ui/console-server.mjs';

const N = Number(process.env.N ?? 10_000);
const CHANGES = Number(process.env.CHANGES ?? 1000);
const APPLIES = Number(process.env.APPLIES ?? 30);
const GOALS = { fmpMs: 1000, filterMs: 100, fps: 30 };

if (!chromiumPresent()) {
  console.error(`bench/console: ${CHROMIUM} is missing (apt-get install chromium)`);
  process.exit(2);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServe();
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
try {
  let t = Date.now();
  await seedNodes(server, N);
  console.log(`seeded ${N} nodes in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  // Logged in before the page loads, as a returning user is: the figure is the console's, not the typing.
  await context.addInitScript((token) => sessionStorage.setItem('ironplan.token', token), TOKENS.admin);
  const page = await context.newPage();

  // 1. First meaningful paint: poll each frame for the final counts; the time is the page's own clock.
  const fmps = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(`${server.url}/ui/`, { waitUntil: 'commit' });
    const ms = await page.waitForFunction(
      (n) => {
        const total = document.querySelector('[data-testid=node-total]');
        const done = total && total.textContent.replace(/\D/g, '') === String(n) && !document.body.textContent.includes('loading…') && document.querySelector('[data-testid=fleet-grid]');
        return done ? performance.now() : false;
      },
      N,
      { polling: 'raf', timeout: 60_000 },
    );
    fmps.push(await ms.jsonValue());
  }
  const fmp = median(fmps);

  // 2. Filters on the node table, timed inside the page from the change to the frame showing the rows.
  await page.goto(`${server.url}/ui/nodes`);
  await page.waitForSelector('[data-testid=node-row]');
  const timeFilter = (selector, value, expect) =>
    page.evaluate(
      async ({ selector, value, expect }) => {
        const el = document.querySelector(selector);
        const t0 = performance.now();
        el.value = value;
        el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
        await new Promise((resolve, reject) => {
          const stop = setTimeout(() => reject(new Error(`filter ${selector}=${value} did not settle`)), 10_000);
          const check = () => {
            const count = document.querySelector('[data-testid=row-count]').textContent;
            const rows = [...document.querySelectorAll('[data-testid=node-row]')];
            const ok = count.startsWith(expect.count) && rows.length > 0 && rows.every((r) => (expect.state ? r.querySelector('[data-state]').getAttribute('data-state') === expect.state : true)) && (!expect.first || rows[0].querySelector('a').textContent === expect.first);
            if (ok) {
              clearTimeout(stop);
              resolve();
            } else requestAnimationFrame(check);
          };
          check();
        });
        return performance.now() - t0;
      },
      { selector, value, expect },
    );
  const stateMs = [];
  const searchMs = [];
  const available = (await server.call('GET', `/v1/nodes?provision_state=available&fields=uuid&limit=1`)).body.nodes.length;
  if (!available) throw new Error('no available node to filter on');
  for (let i = 0; i < 5; i++) {
    stateMs.push(await timeFilter('select[aria-label="provision state"]', 'available', { count: '500+', state: 'available' }));
    await timeFilter('select[aria-label="provision state"]', '', { count: '500+', state: null, first: 'node-00001' });
    const prefix = `node-0${String(100 + i * 7).padStart(3, '0')}`;
    searchMs.push(await timeFilter('input[aria-label=search]', prefix, { count: '10 nodes', first: `${prefix}0` }));
    await timeFilter('input[aria-label=search]', '', { count: '500+', first: 'node-00001' });
  }

  // 3. Frames while CHANGES nodes change state in 10 s (manage: enroll → verifying → manageable), overview open.
  await page.goto(`${server.url}/ui/`);
  await page.waitForFunction((n) => document.querySelector('[data-testid=node-total]')?.textContent.replace(/\D/g, '') === String(n) && !document.body.textContent.includes('loading…'), N, { timeout: 60_000 });
  const enroll = [];
  let path = `/v1/nodes?provision_state=enroll&maintenance=false&fields=uuid&limit=1000`;
  while (path && enroll.length < CHANGES) {
    const r = await server.call('GET', path);
    enroll.push(...r.body.nodes.map((n) => n.uuid));
    path = r.body.next ? new URL(r.body.next).pathname + new URL(r.body.next).search : undefined;
  }
  const targets = enroll.slice(0, CHANGES);
  await page.evaluate(() => {
    window.__frames = [];
    const tick = (ts) => {
      window.__frames.push(ts);
      if (!window.__stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const start = Date.now();
  const interval = 10_000 / targets.length;
  await Promise.all(
    targets.map(async (uuid, i) => {
      await new Promise((r) => setTimeout(r, i * interval));
      const r = await server.call('PUT', `/v1/nodes/${uuid}/states/provision`, { target: 'manage' });
      if (r.status !== 202) throw new Error(`manage ${uuid}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    }),
  );
  const sent = Date.now() - start;
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=bar-provision] li[data-count=manageable]')?.textContent.replace(/\D/g, '') ?? 0) >= n, targets.length, { timeout: 60_000 });
  const frames = await page.evaluate(() => {
    window.__stopFrames = true;
    return window.__frames;
  });
  const span = (frames[frames.length - 1] - frames[0]) / 1000;
  const fps = (frames.length - 1) / span;
  let worst = 0;
  for (let i = 1; i < frames.length; i++) worst = Math.max(worst, frames[i] - frames[i - 1]);

  // 4. Recent applies. Each apply enrolls one more spec'd node (a quick one: no cleaning).
  for (let i = 0; i < APPLIES; i++) {
    const put = await server.call('PUT', `/v1/specs/nodes/bench-spec-${i}`, { driver: 'fake-hardware', provision_state: 'enroll' });
    if (put.status !== 200) throw new Error(`spec: HTTP ${put.status}`);
    const plan = await server.call('POST', '/v1/plans');
    const started = await server.call('POST', `/v1/plans/${plan.body.id}/apply`, {});
    while ((await server.call('GET', `/v1/applies/${started.body.apply_id}`)).body.status === 'running') await new Promise((r) => setTimeout(r, 20));
  }
  const shown = Math.min(APPLIES, 20);
  const appliesMs = [];
  for (let i = 0; i < 3; i++) {
    await page.goto(`${server.url}/ui/plans`, { waitUntil: 'commit' });
    const ms = await page.waitForFunction((n) => document.querySelectorAll('[data-testid=recent-applies] tr').length === n && performance.now(), shown, { polling: 'raf', timeout: 60_000 });
    appliesMs.push(await ms.jsonValue());
  }
  const timed = async (f) => {
    const t0 = performance.now();
    const v = await f();
    return [v, performance.now() - t0];
  };
  let searches = 0;
  const any = async (after) => (searches++, (await server.call('GET', `/v1/events?format=json&limit=1&after=${after}`)).body.events.length > 0);
  const [newestBySearch, bisectMs] = await timed(async () => {
    let lo = 0;
    let hi = 1;
    while (await any(hi)) [lo, hi] = [hi, hi * 2];
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (await any(mid)) lo = mid;
      else hi = mid;
    }
    return hi;
  });
  const [scan, scanMs] = await timed(async () => JSON.stringify((await server.call('GET', `/v1/events?format=json&limit=10000&after=${Math.max(0, newestBySearch - 10000)}`)).body).length);
  const newestMs = [];
  let newest;
  for (let i = 0; i < 5; i++) {
    const [r, ms] = await timed(() => server.call('GET', '/v1/events?format=json&limit=1&order=desc'));
    newest = r.body.events[0].id;
    newestMs.push(ms);
  }
  if (newest !== newestBySearch) throw new Error(`newest event: ${newest} by order=desc, ${newestBySearch} by search`);

  const ok = (v, goal, lower) => ((lower ? v <= goal : v >= goal) ? 'ok' : 'MISSED');
  console.log(`\nconsole, ${N.toLocaleString()} nodes (chromium ${browser.version()}, headless)`);
  console.log(`  first meaningful paint of the overview   ${fmp.toFixed(0)} ms (median of ${fmps.map((x) => x.toFixed(0)).join(', ')})   goal ≤ ${GOALS.fmpMs} ms   ${ok(fmp, GOALS.fmpMs, true)}`);
  console.log(`  table filter: provision_state=available  ${median(stateMs).toFixed(0)} ms median (${stateMs.map((x) => x.toFixed(0)).join(', ')})   goal ≤ ${GOALS.filterMs} ms   ${ok(median(stateMs), GOALS.filterMs, true)}`);
  console.log(`  table filter: name search                ${median(searchMs).toFixed(0)} ms median (${searchMs.map((x) => x.toFixed(0)).join(', ')})   goal ≤ ${GOALS.filterMs} ms   ${ok(median(searchMs), GOALS.filterMs, true)}`);
  console.log(`  plan page: the newest ${shown} of ${APPLIES} applies shown  ${median(appliesMs).toFixed(0)} ms median (${appliesMs.map((x) => x.toFixed(0)).join(', ')}) from navigation`);
  console.log(`  newest event id (${newest.toLocaleString()}): order=desc&limit=1 ${median(newestMs).toFixed(1)} ms median, 1 request; first round's search ${bisectMs.toFixed(0)} ms, ${searches} requests, then a 10,000-event page ${scanMs.toFixed(0)} ms (${(scan / 1e6).toFixed(1)} MB)`);
  console.log(`  overview while ${targets.length} nodes change state (sent in ${(sent / 1000).toFixed(1)} s): ${fps.toFixed(1)} fps over ${span.toFixed(1)} s, longest frame ${worst.toFixed(0)} ms   goal ≥ ${GOALS.fps} fps   ${ok(fps, GOALS.fps, false)}`);
} finally {
  await browser.close();
  await server.close();
}
