// driver_secrets_wo through the real terraform binary: a BMC password given write-only reaches the service
// but never the state, `terraform show -json` or the provider's log; a new driver_secrets_wo_version
// rotates it, and a changed secret without a new version plans nothing.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks, serviceTexts } from '../support/leak-scan.js';
import { providerBlock, requireTerraform, tf, type Service, type Workdir, useServiceAndWorkdir } from './helpers.js';

const HAVE_TERRAFORM = requireTerraform('write-only secrets (write-only.e2e.test.ts)');
const NC = ['-no-color', '-input=false'];

describe.skipIf(!HAVE_TERRAFORM)('driver_secrets_wo: write-only BMC secrets', () => {
  let svc: Service;
  let w: Workdir;
  useServiceAndWorkdir((s, d) => {
    svc = s;
    w = d;
  });

  // Unique strings: any occurrence anywhere is a leak.
  const first = `wo-first-${randomUUID()}`;
  const second = `wo-second-${randomUUID()}`;
  const third = `wo-third-${randomUUID()}`;
  const logFile = () => join(w.dir, 'tf.log');

  const config = (version: number) => `${providerBlock(svc)}
# ephemeral (Terraform >= 1.10): a saved plan does not record the value either (a sensitive variable's
# value is written into plan files; the leak scan below found it there).
variable "bmc_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "ironplan_node" "n" {
  name                      = "wo-1"
  driver                    = "fake-hardware"
  driver_info               = { fake_power_delay_ms = "0", fake_agent_delay_ms = "0" }
  driver_secrets_wo         = { ipmi_password = var.bmc_password }
  driver_secrets_wo_version = ${version}
}
`;

  /** terraform with the secret given by variable and the provider's logs (at trace) written to a file. */
  const run = (secret: string, args: string[]) => {
    const env = { ...w.env, TF_VAR_bmc_password: secret, TF_LOG_PROVIDER: 'trace', TF_LOG_PATH: logFile() };
    return tf({ ...w, env }, args, 120_000);
  };
  /** The password the service stored (the API masks it): read from the engine's database. */
  const stored = async () => (await svc.engine.store.getNode('wo-1')).driver_info.ipmi_password;
  const state = () => readFileSync(join(w.dir, 'terraform.tfstate'), 'utf8');
  const log = () => (existsSync(logFile()) ? readFileSync(logFile(), 'utf8') : '');

  function expectNowhere(secret: string, show: string) {
    expect(state()).not.toContain(secret);
    expect(show).not.toContain(secret);
    const l = log();
    expect(l).toContain('plugin=/'); // the log of the provider's processes (everything they write to stderr) was captured
    expect(l).not.toContain(secret);
  }

  it('sends the secret on create and keeps it out of the state, terraform show -json and the provider log', async () => {
    w.write('main.tf', config(1));
    rmSync(logFile(), { force: true });
    const a = await run(first, ['apply', '-auto-approve', ...NC]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(a.stdout + a.stderr).not.toContain(first);
    expect(await stored()).toBe(first);

    const st = JSON.parse(state()) as { resources: Array<{ instances: Array<{ attributes: Record<string, unknown>; sensitive_attributes?: unknown }> }> };
    const attrs = st.resources[0]!.instances[0]!.attributes;
    expect(attrs.driver_secrets_wo).toBeNull();
    expect(attrs.driver_secrets_wo_version).toBe(1);
    expect(attrs.driver_secrets).toBeNull();

    const show = await run(first, ['show', '-json', '-no-color']);
    expect(show.code, show.stderr).toBe(0);
    expectNowhere(first, show.stdout);

    // A refresh plan with the same secret and version: nothing to do.
    const p = await run(first, ['plan', '-detailed-exitcode', ...NC]);
    expect(p.code, p.stdout + p.stderr).toBe(0);
  }, 180_000);

  it('plans no change when the secret changes without a new version, and sends nothing', async () => {
    rmSync(logFile(), { force: true });
    const p = await run(second, ['plan', '-detailed-exitcode', ...NC]);
    expect(p.code, p.stdout + p.stderr).toBe(0);
    const a = await run(second, ['apply', '-auto-approve', ...NC]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(a.stdout).toContain('0 added, 0 changed, 0 destroyed');
    expect(await stored()).toBe(first);
    expect(state()).not.toContain(second);
    expect(log()).not.toContain(second);
  }, 180_000);

  it('rotates the secret when driver_secrets_wo_version changes: the plan shows the version only', async () => {
    w.write('main.tf', config(2));
    rmSync(logFile(), { force: true });
    const p = await run(third, ['plan', '-detailed-exitcode', ...NC]);
    expect(p.code, p.stdout + p.stderr).toBe(2);
    expect(p.stdout).toContain('ironplan_node.n will be updated in-place');
    expect(p.stdout).toMatch(/~ driver_secrets_wo_version\s+= 1 -> 2/);
    // Nothing else of the node is planned to change (last_error is recomputed on any update).
    const changed = p.stdout
      .split('\n')
      .filter((l) => /^\s+[~+-] \w+\s+=/.test(l))
      .map((l) => l.trim().split(/\s+/)[1]);
    expect(changed).toContain('driver_secrets_wo_version');
    expect(changed.filter((k) => k !== 'driver_secrets_wo_version' && k !== 'last_error'), p.stdout).toEqual([]);
    expect(p.stdout + p.stderr).not.toContain(third);

    const a = await run(third, ['apply', '-auto-approve', ...NC]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(a.stdout).toContain('0 added, 1 changed, 0 destroyed');
    expect(await stored()).toBe(third);

    const show = await run(third, ['show', '-json', '-no-color']);
    expect(show.code, show.stderr).toBe(0);
    expectNowhere(third, show.stdout);
    expect(JSON.parse(state()).resources[0].instances[0].attributes.driver_secrets_wo_version).toBe(2);

    const again = await run(third, ['plan', '-detailed-exitcode', ...NC]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 180_000);

  it('keeps the stored secret when driver_info changes without a new version', async () => {
    w.write('main.tf', config(2).replace('fake_agent_delay_ms = "0"', 'fake_agent_delay_ms = "1"'));
    const a = await run(`ignored-${randomUUID()}`, ['apply', '-auto-approve', ...NC]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(a.stdout).toContain('0 added, 1 changed, 0 destroyed');
    const n = await svc.engine.store.getNode('wo-1');
    expect(n.driver_info.fake_agent_delay_ms).toBe(1);
    expect(n.driver_info.ipmi_password).toBe(third);
  }, 180_000);

  it('leaves none of the secrets in the database file, a saved plan, the state, the provider log or the service', async () => {
    const p = await run(third, ['plan', '-out=check.tfplan', ...NC]);
    expect(p.code, p.stdout + p.stderr).toBe(0);
    const db = join(svc.engine.settings.stateDir, 'ironplan.db');
    expectNoLeaks({ secrets: [first, second, third], sqliteFiles: [db], terraformDirs: [w.dir], terraformEnv: w.env, texts: { 'provider log': log(), ...(await serviceTexts(svc.url)) } });
  }, 120_000);

  it('destroys the node', async () => {
    const d = await run(third, ['destroy', '-auto-approve', ...NC]);
    expect(d.code, d.stdout + d.stderr).toBe(0);
  }, 120_000);
});
