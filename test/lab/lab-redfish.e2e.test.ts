// Slow end-to-end: the lab over Redfish virtual media (lab/cycle-redfish.ts). A UEFI QEMU VM whose BMC is
// the lab Redfish BMC, with no network boot at all (no TFTP, no iPXE, no DHCP boot options, no NIC boot
// ROM): the manager builds the node's deploy ISO, the BMC inserts it, the VM boots it from the virtual CD,
// the agent writes the qcow2 image (converted by the manager) and its config drive, and the VM boots from
// its disk in UEFI mode and prints the marker and the hostname from its config drive. Once through the
// HTTP API (the ISO gives the agent a static address from network_data; then undeployed with automated
// cleaning, the agent booted from the CD again), once through `terraform apply` with the real terraform
// binary and our provider.
import { describe, expect, it } from 'vitest';
import type { LabContext } from '../../lab/cycle.js';
import { runRedfishLabCycle } from '../../lab/cycle-redfish.js';
import { buildProviderOnce, requireTerraform, workdir } from '../provider/helpers.js';
import { applyLab, destroyLab, labDeploymentHcl } from './terraform-lab.js';

const haveTerraform = requireTerraform('the terraform-driven Redfish lab');

/** OVMF booted the virtual CD, then the disk, and never tried the NIC (it has no boot ROM). */
function expectVirtualMediaBoot(console: string): void {
  expect(console).toMatch(/BdsDxe: starting Boot\w+ "UEFI QEMU DVD-ROM/);
  expect(console).toMatch(/ironplan-agent: .*lookup: node /);
  expect(console).not.toMatch(/PXE|iPXE|HTTP Boot/i);
}

describe('emulated lab over Redfish virtual media (slow)', () => {
  it('deploys through the HTTP API: UEFI, qcow2, config drive, static address, no network boot; undeploy cleans through the CD too', async () => {
    const lines: string[] = [];
    const result = await runRedfishLabCycle({ hostname: 'lab-rf-api', clean: true, print: (l) => (lines.push(l), console.log(l)) });
    expect(result.finalState).toBe('active');
    expect(result.hostname).toBe('lab-rf-api');
    expect(result.cycleSeconds).toBeLessThan(150);
    expect(result.phases.map((p) => p.name)).toContain("power on to ramdisk agent's first heartbeat");
    expect(lines.join('\n')).toMatch(/the VM's BMC: Redfish BMC \(HTTPS\) for a UEFI VM without network boot/);
    expectVirtualMediaBoot(result.console);
    // The address from network_data, on the ISO's command line: the agent asked no DHCP server.
    expect(result.console).toMatch(/ironplan-agent: \[[\d.]+\] address 10\.0\.2\.15\/24 \(static\)/);
    expect(result.console).not.toContain('no DHCP answer');
    // Automated cleaning boots the agent from a new ISO in the CD: it erases both ends of the disk.
    expect(result.cleaned).toMatchObject({ state: 'available', diskHeadZero: true, diskTailZero: true });
  }, 180_000);

  it.skipIf(!haveTerraform)('deploys through terraform apply (redfish node, redfish-virtual-media boot, deployment with meta_data); destroy undeploys', async () => {
    await buildProviderOnce();
    const w = workdir('ironplan-lab-rf-tf-');
    try {
      const result = await runRedfishLabCycle({
        hostname: 'lab-rf-tf',
        print: (l) => console.log(l),
        deploy: async (ctx: LabContext) => {
          await applyLab(
            w,
            ctx,
            `resource "ironplan_node" "lab" {
  name       = "lab-node"
  driver     = "redfish"
  interfaces = { boot = "redfish-virtual-media" }
  driver_info = {
    redfish_address   = "${ctx.bmc.address}"
    redfish_username  = "${ctx.bmc.username}"
    redfish_verify_ca = "false"
    deploy_kernel     = "${ctx.bootFiles.deploy_kernel}"
    deploy_ramdisk    = "${ctx.bootFiles.deploy_ramdisk}"
  }
  driver_secrets_wo = { redfish_password = var.bmc_password }
  properties        = { capabilities = "boot_mode:uefi" }
  ports             = [{ address = "${ctx.mac}" }]
}
${labDeploymentHcl(ctx, '5m', ['user_data      = "#cloud-config\\n"', `meta_data      = { hostname = "${ctx.hostname}" }`])}`,
            240_000,
          );
        },
        after: (ctx) => destroyLab(w, ctx, 120_000),
      });
      expect(result.finalState).toBe('active');
      expect(result.hostname).toBe('lab-rf-tf');
      expectVirtualMediaBoot(result.console);
    } finally {
      w.cleanup();
    }
  }, 240_000);
});
