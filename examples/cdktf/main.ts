// A CDKTF stack for ironplan: three fake-hardware nodes and a deployment that picks one of them by
// resource class. Secrets come in as a sensitive TerraformVariable, so the synthesized cdk.tf.json holds
// a variable reference, never the password itself.
//
//   npx esbuild examples/cdktf/main.ts --bundle --platform=node --format=esm --packages=external --outfile=examples/cdktf/out/main.mjs
//   node examples/cdktf/out/main.mjs            # writes cdktf.out/stacks/ironplan-lab/cdk.tf.json
//   cd cdktf.out/stacks/ironplan-lab && terraform apply -var bmc_password=... -var endpoint=http://127.0.0.1:6385
import { App, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
// In another package this is `import { deployment, node, provider } from 'ironplan/cdktf'`.
import { deployment, node, provider } from '../../provider/cdktf/index.js';

const IMAGE_SHA256 = 'sha256:' + 'a'.repeat(64);

export class IronplanLab extends TerraformStack {
  constructor(scope: Construct, id: string, count = 3) {
    super(scope, id);
    // Relative to where terraform runs (the default would be an absolute path where synth ran).
    new LocalBackend(this, { path: 'terraform.tfstate' });
    const endpoint = new TerraformVariable(this, 'endpoint', { type: 'string', default: 'http://127.0.0.1:6385', description: 'ironplan API' });
    const bmcPassword = new TerraformVariable(this, 'bmc_password', { type: 'string', sensitive: true, description: 'BMC password of the lab nodes' });
    new provider.IronplanProvider(this, 'ironplan', { endpoint: endpoint.stringValue });

    const nodes = Array.from({ length: count }, (_, i) => {
      const n = i + 1;
      return new node.Node(this, `node-${n}`, {
        name: `lab-${n}`,
        driver: 'fake-hardware',
        driverInfo: { fake_power_delay_ms: '0', fake_agent_delay_ms: '0' },
        driverSecrets: { ipmi_password: bmcPassword.stringValue },
        resourceClass: 'lab',
        traits: ['CUSTOM_LAB'],
        properties: { cpus: '2', memory_mb: '4096', cpu_arch: 'x86_64' },
        ports: [{ address: `52:54:00:ab:00:${n.toString(16).padStart(2, '0')}` }],
      });
    });

    const web = new deployment.Deployment(this, 'web', {
      name: 'web',
      nodeSelector: { resourceClass: 'lab', traits: ['CUSTOM_LAB'] },
      imageSource: 'http://images.example/web.raw',
      imageChecksum: IMAGE_SHA256,
      userData: '#cloud-config\nhostname: web\n',
      dependsOn: nodes,
      timeouts: { create: '20m' },
    });
    new TerraformOutput(this, 'web_node', { value: web.nodeUuid });
  }
}

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out' });
new IronplanLab(app, 'ironplan-lab');
app.synth();
