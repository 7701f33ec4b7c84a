// Slow end-to-end: the emulated lab driven by `terraform apply` (the real terraform binary and our
// provider): an ipmi node for the lab's BMC and a deployment of the lab image. The VM must then boot
// the image from its own disk.
import { describe, it, expect } from 'vitest';
import { runLabCycle } from '../../lab/cycle.js';
import { buildProviderOnce, requireTerraform, tfOk, workdir } from '../provider/helpers.js';
import { applyLab, destroyLab, labDeploymentHcl } from './terraform-lab.js';

const haveTerraform = requireTerraform('the terraform-driven lab');

describe('emulated lab through terraform (slow)', () => {
  it.skipIf(!haveTerraform)('terraform apply deploys the lab image over IPMI + iPXE; destroy undeploys and deletes', async () => {
    await buildProviderOnce();
    const w = workdir('ironplan-lab-tf-');
    try {
      const result = await runLabCycle({
        print: (l) => console.log(l),
        deploy: async (ctx) => {
          await applyLab(
            w,
            ctx,
            `resource "ironplan_node" "lab" {
  name   = "lab-node"
  driver = "ipmi"
  driver_info = {
    ipmi_address   = "${ctx.bmc.address}"
    ipmi_port      = "${ctx.bmc.port}"
    ipmi_username  = "${ctx.bmc.username}"
    deploy_kernel  = "${ctx.bootFiles.deploy_kernel}"
    deploy_ramdisk = "${ctx.bootFiles.deploy_ramdisk}"
  }
  driver_secrets = { ipmi_password = var.bmc_password }
  ports          = [{ address = "${ctx.mac}" }]
}
${labDeploymentHcl(ctx, '10m')}`,
          );
          const plan = await tfOk(w, ['plan', '-no-color', '-input=false', '-detailed-exitcode']);
          expect(plan.stdout).toContain('No changes');
        },
        after: (ctx) => destroyLab(w, ctx),
      });
      expect(result.finalState).toBe('active');
    } finally {
      w.cleanup();
    }
  }, 600_000);
});
