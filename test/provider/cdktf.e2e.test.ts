// The CDKTF example: it type-checks, synthesizes with app.synth() (no cdktf-cli), and terraform applies
// the synthesized cdk.tf.json against a running ironplan. The stack declares a backend, which needs
// `terraform init`: the provider comes from the filesystem mirror `npm run provider:install` writes, as
// it would for a user without a registry.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, buildProviderOnce, REPO, requireTerraform, startService, tf, tfOk, workdir, type Service, type Workdir } from './helpers.js';

const HAVE_TERRAFORM = requireTerraform('CDKTF example end-to-end (cdktf.e2e.test.ts)');

describe('CDKTF example', () => {
  it('type-checks against the generated bindings', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'examples/cdktf/tsconfig.json')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});

describe.skipIf(!HAVE_TERRAFORM)('CDKTF example applied with terraform', () => {
  let svc: Service;
  let w: Workdir;
  let synthDir: Workdir;
  beforeAll(async () => {
    await buildProviderOnce();
    svc = await startService();
    w = workdir('ironplan-cdktf-');
    synthDir = workdir('ironplan-synth-');
    const mirror = join(synthDir.dir, 'mirror');
    const { install } = (await import(join(REPO, 'scripts/provider-install.mjs'))) as { install: (m: string) => Promise<unknown> };
    await install(mirror);
    writeFileSync(w.env.TF_CLI_CONFIG_FILE!, `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n  }\n}\n`);
  });
  afterAll(async () => {
    await svc?.close();
    w?.cleanup();
    synthDir?.cleanup();
  });

  it('synthesizes cdk.tf.json with the secret as a variable reference', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'examples/cdktf/synth.mjs'), synthDir.dir], { encoding: 'utf8', cwd: REPO });
    expect(r.status, r.stderr).toBe(0);
    const file = join(synthDir.dir, 'stacks/ironplan-lab/cdk.tf.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { resource: Record<string, Record<string, { driver_secrets?: Record<string, string> }>>; variable: Record<string, { sensitive?: boolean }> };
    expect(Object.keys(doc.resource.ironplan_node!)).toHaveLength(3);
    expect(doc.resource.ironplan_node!['node-1']!.driver_secrets!.ipmi_password).toBe('${var.bmc_password}');
    expect(doc.variable.bmc_password!.sensitive).toBe(true);
    copyFileSync(file, join(w.dir, 'cdk.tf.json'));
  }, 120_000);

  it('applies, plans no changes, destroys', async () => {
    const vars = ['-var', 'bmc_password=lab-secret', '-var', `endpoint=${svc.url}`];
    const init = await tfOk(w, ['init', '-no-color', '-input=false']);
    expect(init.stdout).toContain('Terraform has been successfully initialized');
    const a = await tfOk(w, ['apply', '-auto-approve', '-no-color', '-input=false', ...vars]);
    expect(a.stdout).toContain('Apply complete! Resources: 4 added');
    const nodes = await api<{ nodes: Array<{ name: string; provision_state: string }> }>(svc, 'GET', '/v1/nodes');
    expect(nodes.body.nodes.map((n) => n.name).sort()).toEqual(['lab-1', 'lab-2', 'lab-3']);
    expect(nodes.body.nodes.filter((n) => n.provision_state === 'active')).toHaveLength(1);
    const p = await tf(w, ['plan', '-detailed-exitcode', '-no-color', '-input=false', ...vars]);
    expect(p.code, p.stdout + p.stderr).toBe(0);
    await tfOk(w, ['destroy', '-auto-approve', '-no-color', '-input=false', ...vars]);
    expect((await api<{ nodes: unknown[] }>(svc, 'GET', '/v1/nodes')).body.nodes).toHaveLength(0);
  }, 300_000);
});
