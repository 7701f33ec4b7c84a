// Fault: kill -9 during `terraform apply` of 50 fake nodes (10 of them deployed): of the provider process
// (terraform's plugin child), or of `ironplan serve` (restarted on the same database and port), each while
// nodes are being enrolled and while deployments run. terraform fails; a second apply must converge, plan
// no change, and leave the state and the API holding the same nodes and deployments — none created by the
// killed apply and lost from the state — with no node reserved or between states.
import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../engine/serve-process.js';
import { buildProviderOnce, requireTerraform, SHA, tf, tfOk, workdir, type Workdir } from '../provider/helpers.js';

const HAVE_TERRAFORM = requireTerraform('terraform kill faults (terraform-kill.e2e.test.ts)');
const NC = ['-no-color', '-input=false'];
const SIGKILL = 'SIGKILL';
const NODES = 50;
const DEPLOYED = 10;

/** Half the deployments go to a named node, half to any node of a pool (through an allocation). */
const POOL = (i: number) => i >= DEPLOYED / 2 && i < DEPLOYED;

function config(endpoint: string): string {
  let hcl = `terraform {\n  required_providers {\n    ironplan = { source = "ironplan/ironplan" }\n  }\n}\n\nprovider "ironplan" {\n  endpoint = "${endpoint}"\n}\n`;
  for (let i = 0; i < NODES; i++) {
    const mac = `52:54:00:31:00:${i.toString(16).padStart(2, '0')}`;
    hcl += `
resource "ironplan_node" "n${i}" {
  name        = "tk-${i}"
  driver      = "fake-hardware"
  driver_info = { fake_power_delay_ms = 20, fake_agent_delay_ms = 300 }
  ports       = [{ address = "${mac}" }]${POOL(i) ? '\n  resource_class = "tk-pool"' : ''}
}
`;
  }
  for (let i = 0; i < DEPLOYED; i++) {
    const where = POOL(i) ? `node_selector  = { resource_class = "tk-pool" }\n  depends_on     = [${Array.from({ length: NODES }, (_, j) => j).filter(POOL).map((j) => `ironplan_node.n${j}`).join(', ')}]` : `node           = ironplan_node.n${i}.name`;
    hcl += `
resource "ironplan_deployment" "d${i}" {
  name           = "tk-d${i}"
  ${where}
  image_source   = "http://127.0.0.1:1/img.raw"
  image_checksum = "${SHA}"
}
`;
  }
  return hcl;
}

interface ApiNode {
  uuid: string;
  name: string;
  provision_state: string;
  target_provision_state: string | null;
  reservation: string | null;
  instance_uuid: string | null;
}

async function nodes(endpoint: string): Promise<ApiNode[]> {
  const r = await fetch(`${endpoint}/v1/nodes/detail?limit=1000`, { headers: { 'X-OpenStack-Ironic-API-Version': 'latest' } });
  return ((await r.json()) as { nodes: ApiNode[] }).nodes;
}

/**
 * The provider process of the terraform running in `dir`: its cmdline runs the built provider (bin/ execs
 * node on provider/dist), its parent is terraform, and it runs where terraform runs.
 */
function providerPid(dir: string): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('terraform-provider-ironplan')) continue;
      const ppid = readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1];
      if (readFileSync(`/proc/${ppid}/comm`, 'utf8').trim() === 'terraform' && realpathSync(`/proc/${d}/cwd`) === realpathSync(dir)) return Number(d);
    } catch {
      // the process ended while we looked
    }
  }
  return null;
}

/** Resolves once the API's nodes pass `ready` (the apply is making them), polling. */
async function until(endpoint: string, what: string, ready: (ns: ApiNode[]) => boolean, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!ready(await nodes(endpoint).catch(() => []))) {
    if (Date.now() > end) throw new Error(`not ${what} after ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const twentyEnrolled = (ns: ApiNode[]) => ns.length >= 20;
const deploying = (ns: ApiNode[]) => ns.some((n) => n.instance_uuid && n.provision_state !== 'active');
const deployingPool = (ns: ApiNode[]) => deploying(ns.filter((n) => POOL(Number(n.name.slice(3)))));

/** What terraform's state holds: the nodes' uuids, and the deployments' ids (their nodes' instance_uuid). */
async function held(w: Workdir): Promise<{ nodes: string[]; deployments: string[] }> {
  const state = JSON.parse((await tfOk(w, ['show', '-json'])).stdout) as { values?: { root_module: { resources?: Array<{ type: string; values: { id: string } }> } } };
  const ids = (type: string) => (state.values?.root_module.resources ?? []).filter((r) => r.type === type).map((r) => r.values.id).sort();
  return { nodes: ids('ironplan_node'), deployments: ids('ironplan_deployment') };
}

/** The second apply converges, plans nothing, and the state and the API agree node for node. */
async function expectConverged(w: Workdir, endpoint: string): Promise<void> {
  const again = await tf(w, ['apply', '-auto-approve', ...NC], 150_000);
  expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
  const plan = await tf(w, ['plan', '-detailed-exitcode', ...NC], 60_000);
  expect(plan.code, plan.stdout).toBe(0);
  const inState = await held(w);
  const all = await nodes(endpoint);
  expect(inState.nodes).toHaveLength(NODES);
  expect(all.map((n) => n.uuid).sort()).toEqual(inState.nodes);
  expect(all.flatMap((n) => (n.instance_uuid ? [n.instance_uuid] : [])).sort()).toEqual(inState.deployments);
  for (const n of all) {
    expect(n.reservation, n.name).toBeNull();
    expect(n.target_provision_state, n.name).toBeNull();
  }
  const deployed = all.filter((n) => n.provision_state === 'active').map((n) => n.name).sort();
  expect(deployed).toEqual(Array.from({ length: DEPLOYED }, (_, i) => `tk-${i}`).sort());
  expect(all.filter((n) => n.provision_state === 'available')).toHaveLength(NODES - DEPLOYED);
}

describe.runIf(HAVE_TERRAFORM)('kill -9 during terraform apply of 50 nodes (slow)', () => {
  const dirs: Workdir[] = [];
  const served: Served[] = [];
  beforeAll(() => buildProviderOnce());
  afterAll(() => {
    for (const s of served) s.kill();
    for (const d of dirs) d.cleanup();
  });

  /**
   * A work directory and a service; the first apply runs until `kill` (called once `when` holds), then
   * fails. Returns how many nodes, and deployments, the killed apply made that its state does not hold.
   */
  async function killedApply(when: (ns: ApiNode[]) => boolean, kill: (w: Workdir, s: Served) => Promise<Served>): Promise<{ w: Workdir; serve: Served; lost: { nodes: number; deployments: number } }> {
    const w = workdir('ironplan-tfkill-');
    dirs.push(w);
    let serve = await startServe(w.dir);
    served.push(serve);
    w.write('main.tf', config(serve.endpoint));
    const run = tf(w, ['apply', '-auto-approve', ...NC], 150_000);
    await until(serve.endpoint, 'ready to kill', when);
    serve = await kill(w, serve);
    const first = await run;
    expect(first.code, first.stdout).not.toBe(0);
    const state = await held(w);
    const all = await nodes(serve.endpoint);
    const lost = {
      nodes: all.filter((n) => !state.nodes.includes(n.uuid)).length,
      deployments: all.filter((n) => n.instance_uuid && !state.deployments.includes(n.instance_uuid)).length,
    };
    return { w, serve, lost };
  }

  const killProvider = async (w: Workdir, s: Served) => {
    const pid = providerPid(w.dir);
    expect(pid, 'the provider process').not.toBeNull();
    process.kill(pid!, SIGKILL);
    return s;
  };

  it('the provider killed while enrolling: the second apply converges, adopting the nodes the killed one created', async () => {
    const { w, serve, lost } = await killedApply(twentyEnrolled, killProvider);
    // The case under test: nodes the service made whose creation terraform never heard of.
    expect(lost.nodes).toBeGreaterThan(0);
    await expectConverged(w, serve.endpoint);
  }, 180_000);

  it.each([
    ['to named nodes', deploying],
    ['to a pool (through allocations)', deployingPool],
  ])('the provider killed while deploying %s: the second apply converges, adopting the deployments under way', async (_, when) => {
    const { w, serve, lost } = await killedApply(when, killProvider);
    expect(lost.deployments).toBeGreaterThan(0);
    await expectConverged(w, serve.endpoint);
  }, 180_000);

  /** kill -9 of `ironplan serve`, restarted on the same database and port. */
  const restartServe = async (w: Workdir, s: Served) => {
    s.kill();
    await s.exited;
    const again = await startServe(w.dir, [], Number(new URL(s.endpoint).port));
    served.push(again);
    return again;
  };

  it.each([
    ['enrolling', twentyEnrolled],
    ['deploying', deploying],
  ])('ironplan serve killed while %s and restarted on the same database and port: the second apply converges', async (_, when) => {
    const { w, serve } = await killedApply(when, restartServe);
    await expectConverged(w, serve.endpoint);
  }, 180_000);
});
