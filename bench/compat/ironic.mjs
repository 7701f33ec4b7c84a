// A real OpenStack Ironic (Debian's ironic 21.4) standalone, as the reference the compat run compares against:
// one process (`ironic`, API and conductor, rpc_transport none), noauth, SQLite in a temp dir, fake-hardware
// with every fake interface enabled, on 127.0.0.1 and a free port.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const IRONIC_BIN = '/usr/bin/ironic';

export function ironicInstalled() {
  return existsSync(IRONIC_BIN) && existsSync('/usr/bin/ironic-dbsync');
}

function config(dir, port) {
  return `[DEFAULT]
auth_strategy = noauth
rpc_transport = none
host = compat-ironic
enabled_hardware_types = fake-hardware
enabled_boot_interfaces = fake
enabled_deploy_interfaces = fake
enabled_power_interfaces = fake
enabled_management_interfaces = fake
enabled_inspect_interfaces = fake,no-inspect
enabled_bios_interfaces = fake,no-bios
enabled_raid_interfaces = fake,no-raid
enabled_vendor_interfaces = fake,no-vendor
enabled_console_interfaces = fake,no-console
enabled_rescue_interfaces = fake,no-rescue
enabled_network_interfaces = noop
enabled_storage_interfaces = noop
default_network_interface = noop
use_stderr = true
[api]
host_ip = 127.0.0.1
port = ${port}
[database]
connection = sqlite:///${join(dir, 'ironic.db')}
[dhcp]
dhcp_provider = none
[conductor]
automated_clean = false
sync_power_state_interval = -1
`;
}

/** Starts Ironic and resolves when GET /v1 answers; `stop()` kills it and removes its directory. */
export async function startIronic(port) {
  const dir = await mkdtemp(join(tmpdir(), 'compat-ironic-'));
  const conf = join(dir, 'ironic.conf');
  await writeFile(conf, config(dir, port));
  execFileSync('/usr/bin/ironic-dbsync', ['--config-file', conf, 'create_schema'], { stdio: 'ignore' });
  const log = join(dir, 'ironic.log');
  const { openSync } = await import('node:fs');
  const fd = openSync(log, 'w');
  const child = spawn(IRONIC_BIN, ['--config-file', conf], { stdio: ['ignore', fd, fd] });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${endpoint}/v1`).then((r) => r.ok, () => false)) break;
    if (child.exitCode !== null || i > 300) {
      child.kill('SIGKILL');
      throw new Error(`Ironic did not start:\n${await readFile(log, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The conductor registers shortly after the API answers; requests that need it fail until then.
  for (let i = 0; i < 100; i++) {
    const drivers = await fetch(`${endpoint}/v1/drivers`).then((r) => r.json(), () => ({ drivers: [] }));
    if (drivers.drivers?.length) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
