// ironplan_allocation through the real terraform binary: the service picks a node of the resource class
// with every trait, name changes in place, destroy frees the node; and a deployment by node_selector
// claims its node through an allocation (the same rule), which its undeploy ends.
import { describe, expect, it } from 'vitest';
import { api, providerBlock, requireTerraform, tf, tfOk, SHA, type Service, type Workdir, useServiceAndWorkdir } from './helpers.js';

const HAVE_TERRAFORM = requireTerraform('ironplan_allocation (allocation.e2e.test.ts)');
const NC = ['-no-color', '-input=false'];

interface Allocation {
  uuid: string;
  name: string | null;
  node_uuid: string | null;
  state: string;
}
interface NodeView {
  uuid: string;
  name: string;
  instance_uuid: string | null;
  allocation_uuid: string | null;
  provision_state: string;
}

describe.skipIf(!HAVE_TERRAFORM)('ironplan_allocation', () => {
  let svc: Service;
  let w: Workdir;
  useServiceAndWorkdir((s, d) => {
    svc = s;
    w = d;
  });
  const node = async (ident: string) => (await api<NodeView>(svc, 'GET', `/v1/nodes/${ident}`)).body;
  const allocations = async () => (await api<{ allocations: Allocation[] }>(svc, 'GET', '/v1/allocations')).body.allocations;

  const config = (o: { allocName?: string; withAlloc?: boolean; withDeploy?: boolean } = {}) => `${providerBlock(svc)}
resource "ironplan_node" "a" {
  name           = "alloc-a"
  driver         = "fake-hardware"
  resource_class = "alloc-pool"
  traits         = ["CUSTOM_GPU"]
}

resource "ironplan_node" "b" {
  name           = "alloc-b"
  driver         = "fake-hardware"
  resource_class = "alloc-pool"
}

resource "ironplan_node" "c" {
  name           = "alloc-c"
  driver         = "fake-hardware"
  resource_class = "deploy-pool"
}
${o.withAlloc === false ? '' : `
resource "ironplan_allocation" "gpu" {
  name           = "${o.allocName ?? 'gpu-1'}"
  resource_class = "alloc-pool"
  traits         = ["CUSTOM_GPU"]
  extra          = { team = "ml" }
  depends_on     = [ironplan_node.a, ironplan_node.b]
}

output "picked" {
  value = ironplan_allocation.gpu.node_id
}
`}${o.withDeploy ? `
resource "ironplan_deployment" "web" {
  name           = "web"
  node_selector  = { resource_class = "deploy-pool" }
  image_source   = "http://images.example/app.raw"
  image_checksum = "${SHA}"
  depends_on     = [ironplan_node.c]
}
` : ''}`;

  it('allocates the node with the trait, changes its name in place, and plans no change after', async () => {
    w.write('main.tf', config());
    await tfOk(w, ['apply', '-auto-approve', ...NC]);
    const a = await node('alloc-a');
    const [alloc] = await allocations();
    expect(alloc).toMatchObject({ name: 'gpu-1', state: 'active', node_uuid: a.uuid });
    expect(a.allocation_uuid).toBe(alloc!.uuid);
    expect(a.instance_uuid).toBe(alloc!.uuid);
    const out = await tfOk(w, ['output', '-raw', 'picked']);
    expect(out.stdout.trim()).toBe(a.uuid);
    expect((await tf(w, ['plan', '-detailed-exitcode', ...NC])).code).toBe(0);

    w.write('main.tf', config({ allocName: 'gpu-renamed' }));
    const p = await tf(w, ['plan', ...NC]);
    expect(p.stdout).toContain('ironplan_allocation.gpu will be updated in-place');
    await tfOk(w, ['apply', '-auto-approve', ...NC]);
    expect(await allocations()).toMatchObject([{ uuid: alloc!.uuid, name: 'gpu-renamed', node_uuid: a.uuid }]);
  }, 180_000);

  it('destroying the allocation frees its node', async () => {
    w.write('main.tf', config({ withAlloc: false }));
    await tfOk(w, ['apply', '-auto-approve', ...NC]);
    expect(await allocations()).toEqual([]);
    const a = await node('alloc-a');
    expect(a.instance_uuid).toBeNull();
    expect(a.allocation_uuid).toBeNull();
  }, 180_000);

  it('a deployment by node_selector claims its node through an allocation, ended by its destroy', async () => {
    w.write('main.tf', config({ withAlloc: false, withDeploy: true }));
    await tfOk(w, ['apply', '-auto-approve', ...NC]);
    const c = await node('alloc-c');
    expect(c.provision_state).toBe('active');
    const held = (await api<Allocation>(svc, 'GET', '/v1/nodes/alloc-c/allocation')).body;
    expect(held).toMatchObject({ state: 'active', node_uuid: c.uuid, uuid: c.instance_uuid });
    expect((await tf(w, ['plan', '-detailed-exitcode', ...NC])).code).toBe(0);
    w.write('main.tf', config({ withAlloc: false }));
    await tfOk(w, ['apply', '-auto-approve', ...NC]);
    expect(await allocations()).toEqual([]);
    expect((await node('alloc-c')).instance_uuid).toBeNull();
  }, 240_000);
});
