// What the terraform-driven lab tests share: apply a configuration of one node and one deployment for the
// lab's BMC (its password given as a variable, never shown), and destroy it, leaving no node.
import { expect } from 'vitest';
import type { LabContext } from '../../lab/cycle.js';
import { providerBlock, tfOk, type Service, type Workdir } from '../provider/helpers.js';

/** The lab's ironplan_deployment of the lab image to ironplan_node.lab; `extra` lines go inside it. */
export function labDeploymentHcl(ctx: LabContext, create: string, extra: string[] = []): string {
  return [
    'resource "ironplan_deployment" "lab" {',
    '  name           = "lab"',
    '  node           = ironplan_node.lab.name',
    `  image_source   = "${ctx.image.url}"`,
    `  image_checksum = "${ctx.image.checksum}"`,
    ...extra.map((l) => `  ${l}`),
    `  timeouts {\n    create = "${create}"\n  }`,
    '}',
    '',
  ].join('\n');
}

/** Writes main.tf (the provider block, `variable "bmc_password"`, then `resources`) and applies it. */
export async function applyLab(w: Workdir, ctx: LabContext, resources: string, timeoutMs = 600_000): Promise<void> {
  w.write('main.tf', `${providerBlock({ url: ctx.apiUrl } as Service)}\nvariable "bmc_password" {\n  type      = string\n  sensitive = true\n}\n${resources}`);
  w.env.TF_VAR_bmc_password = ctx.bmc.password;
  const apply = await tfOk(w, ['apply', '-auto-approve', '-no-color', '-input=false'], timeoutMs);
  expect(apply.stdout).toContain('Apply complete! Resources: 2 added');
  expect(apply.stdout + apply.stderr).not.toContain(ctx.bmc.password);
}

/** terraform destroy: the deployment undeployed, the node deleted. */
export async function destroyLab(w: Workdir, ctx: LabContext, timeoutMs = 600_000): Promise<void> {
  const destroy = await tfOk(w, ['destroy', '-auto-approve', '-no-color', '-input=false'], timeoutMs);
  expect(destroy.stdout).toContain('Destroy complete! Resources: 2 destroyed');
  const res = await fetch(`${ctx.apiUrl}/v1/nodes`, { headers: { 'x-openstack-ironic-api-version': 'latest' } });
  expect(((await res.json()) as { nodes: unknown[] }).nodes).toEqual([]);
}
