import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { register } from '../../drivers/ipxe/index.js';
import { IpxeBoot, resolveBootFileUrl } from '../../drivers/ipxe/boot.js';
import {
  deployKernelArgs,
  macToHexhyp,
  nodeScriptName,
  renderChainScript,
  renderDeployScript,
  renderLocalBootScript,
} from '../../drivers/ipxe/scripts.js';
import { DriverError, type BootInterface, type Task } from '../../drivers/types.js';

const API = 'http://10.0.2.2:6385';
const NODE = '0b6c6f7e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';

function port(address: string, pxe_enabled = true) {
  return { uuid: `p-${address}`, node_uuid: NODE, address, pxe_enabled, extra: {}, created_at: '2024-01-01T00:00:00Z', updated_at: null };
}

function task(bootRoot: string, driverInfo: Record<string, unknown>, ports = [port('52:54:00:AA:BB:01'), port('52:54:00:aa:bb:02', false)]): Task {
  const noop = (): void => {};
  return {
    node: { uuid: NODE, driver_info: driverInfo, driver_internal_info: { agent_boot_id: 'boot-1' } },
    ports,
    log: { debug: noop, info: noop, warn: noop, error: noop },
    settings: { apiUrl: `${API}/`, bootRoot, deployCallbackTimeoutSec: 600, stateDir: bootRoot },
  } as unknown as Task;
}

async function expectDriverError(p: Promise<unknown>, code: string, field: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DriverError);
  expect((err as DriverError).code).toBe(code);
  expect((err as DriverError).field).toBe(field);
  expect((err as DriverError).message).toContain(field);
}

describe('iPXE scripts', () => {
  it('chains from boot.ipxe to the per-MAC script of the booting NIC, else leaves', () => {
    const s = renderChainScript(`${API}/`);
    const lines = s.trim().split('\n');
    expect(lines[0]).toBe('#!ipxe');
    expect(s).toContain(`chain --autofree ${API}/boot/nodes/\${netX/mac:hexhyp}.ipxe || goto unknown`);
    expect(lines.slice(lines.indexOf(':unknown'))).toContain('exit');
    expect(s).not.toContain('//boot');
  });

  it('renders the deploy script with the agent kernel arguments', () => {
    const s = renderDeployScript({
      kernelUrl: `${API}/boot/deploy.vmlinuz`,
      initrdUrl: 'http://images.example/initrd.gz',
      apiUrl: API,
      mac: '52:54:00:12:34:56',
      extraArgs: 'ipa-debug=1\nquiet',
    });
    const lines = s.split('\n');
    expect(lines[0]).toBe('#!ipxe');
    expect(lines).toContain(
      `kernel ${API}/boot/deploy.vmlinuz initrd=initrd ipa-api-url=${API} BOOTIF=01-52-54-00-12-34-56 console=ttyS0,115200 ipa-debug=1 quiet || goto failed`,
    );
    expect(lines).toContain('initrd --name initrd http://images.example/initrd.gz || goto failed');
    expect(lines).toContain('boot || goto failed');
    expect(lines.indexOf(':failed')).toBeGreaterThan(lines.indexOf('boot || goto failed'));
  });

  it('renders local boot by sanboot (default) or exit', () => {
    expect(renderLocalBootScript()).toBe('#!ipxe\n# ironplan: boot the deployed instance from the local disk\nsanboot --no-describe --drive 0x80 || exit\n');
    expect(renderLocalBootScript('exit').trim().split('\n').at(-1)).toBe('exit');
  });

  it('spells MACs the way iPXE does and rejects what is not a MAC', () => {
    expect(macToHexhyp('52:54:00:AB:cd:EF')).toBe('52-54-00-ab-cd-ef');
    expect(nodeScriptName('52:54:00:ab:cd:ef')).toBe('nodes/52-54-00-ab-cd-ef.ipxe');
    expect(() => macToHexhyp('52:54:00:ab:cd')).toThrow(/not a MAC/);
    expect(() => macToHexhyp('../../etc/passwd')).toThrow(/not a MAC/);
    expect(deployKernelArgs({ apiUrl: `${API}//`, mac: '52:54:00:12:34:56' })).toBe(
      `ipa-api-url=${API} BOOTIF=01-52-54-00-12-34-56 console=ttyS0,115200`,
    );
  });

  it('keeps absolute URLs and maps bare names to the boot root URL', () => {
    expect(resolveBootFileUrl('tftp://10.0.2.2/k', { apiUrl: API })).toBe('tftp://10.0.2.2/k');
    expect(resolveBootFileUrl('HTTPS://x/k', { apiUrl: API })).toBe('HTTPS://x/k');
    expect(resolveBootFileUrl('deploy.vmlinuz', { apiUrl: `${API}/` })).toBe(`${API}/boot/deploy.vmlinuz`);
  });
});

describe('ipxe boot interface', () => {
  let root: string;
  const boot = new IpxeBoot();

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ironplan-ipxe-'));
    await writeFile(join(root, 'deploy.vmlinuz'), 'k');
    await writeFile(join(root, 'deploy.initrd.gz'), 'i');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('registers as the boot interface named ipxe with the pxe driver_info schema', () => {
    const got: Array<[string, BootInterface]> = [];
    register({ registerInterface: (kind, impl) => void got.push([kind, impl as BootInterface]) });
    expect(got.map(([k, i]) => [k, i.name])).toEqual([['boot', 'ipxe']]);
    const schema = got[0]![1].driverInfoSchema as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['deploy_kernel', 'deploy_ramdisk', 'kernel_append_params']));
  });

  it('validate names the missing or wrong field', async () => {
    await expectDriverError(boot.validate(task(root, { deploy_ramdisk: 'deploy.initrd.gz' })), 'MissingParameterValue', 'deploy_kernel');
    await expectDriverError(boot.validate(task(root, { deploy_kernel: 'deploy.vmlinuz' })), 'MissingParameterValue', 'deploy_ramdisk');
    await expectDriverError(
      boot.validate(task(root, { deploy_kernel: 'nope.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz' })),
      'InvalidParameterValue',
      'deploy_kernel',
    );
    await expectDriverError(
      boot.validate(task(root, { deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: '../etc/shadow' })),
      'InvalidParameterValue',
      'deploy_ramdisk',
    );
    await expectDriverError(
      boot.validate(task(root, { deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz' }, [port('52:54:00:aa:bb:02', false)])),
      'MissingParameterValue',
      'ports',
    );
    await boot.validate(task(root, { deploy_kernel: 'http://x/k', deploy_ramdisk: 'deploy.initrd.gz' }));
  });

  it('validate refuses what the boot route would not serve: a symlink out of the root, a directory', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'ironplan-ipxe-out-'));
    try {
      await writeFile(join(outside, 'secret'), 's');
      await symlink(join(outside, 'secret'), join(root, 'escape.vmlinuz'));
      await mkdir(join(root, 'images'));
      await expectDriverError(boot.validate(task(root, { deploy_kernel: 'escape.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz' })), 'InvalidParameterValue', 'deploy_kernel');
      await expectDriverError(boot.validate(task(root, { deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'images' })), 'InvalidParameterValue', 'deploy_ramdisk');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('prepareRamdisk writes boot.ipxe and a deploy script per pxe_enabled port; clean-up removes them', async () => {
    const t = task(root, { deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'http://img/initrd.gz', kernel_append_params: 'ipa-debug=1' });
    await boot.prepareRamdisk(t);
    expect(await readdir(join(root, 'nodes'))).toEqual(['52-54-00-aa-bb-01.ipxe']);
    const script = await readFile(join(root, 'nodes', '52-54-00-aa-bb-01.ipxe'), 'utf8');
    expect(script).toBe(
      renderDeployScript({
        kernelUrl: `${API}/boot/deploy.vmlinuz`,
        initrdUrl: 'http://img/initrd.gz',
        apiUrl: `${API}/`,
        mac: '52:54:00:aa:bb:01',
        extraArgs: 'ipa-debug=1',
        bootId: 'boot-1',
      }),
    );
    expect(script).toContain('BOOTIF=01-52-54-00-aa-bb-01');
    // The agent gives its boot back on lookup: a ramdisk of an earlier boot is refused the token.
    expect(script).toContain('ipa-boot-id=boot-1');
    expect(await readFile(join(root, 'boot.ipxe'), 'utf8')).toBe(renderChainScript(API));
    // no temp files left behind by the atomic writes
    expect((await readdir(root)).filter((f) => f.includes('.tmp'))).toEqual([]);

    await boot.cleanUpRamdisk(t);
    expect(existsSync(join(root, 'nodes', '52-54-00-aa-bb-01.ipxe'))).toBe(false);
    await boot.cleanUpRamdisk(t); // idempotent
  });

  it('prepareInstance replaces the deploy script by local boot; cleanUpInstance removes it', async () => {
    const t = task(root, { deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz' });
    await boot.prepareRamdisk(t);
    await boot.prepareInstance(t);
    expect(await readFile(join(root, 'nodes', '52-54-00-aa-bb-01.ipxe'), 'utf8')).toBe(renderLocalBootScript());
    await boot.cleanUpInstance(t);
    expect(await readdir(join(root, 'nodes'))).toEqual([]);
    // A UEFI node is handed back to its firmware's boot order (no BIOS drive to sanboot).
    const uefi = task(root, { deploy_kernel: 'deploy.vmlinuz', deploy_ramdisk: 'deploy.initrd.gz', boot_mode: 'uefi' });
    await boot.prepareInstance(uefi);
    expect(await readFile(join(root, 'nodes', '52-54-00-aa-bb-01.ipxe'), 'utf8')).toBe(renderLocalBootScript('exit'));
    await boot.cleanUpInstance(uefi);
  });

  it('prepareRamdisk refuses to run without the deploy images', async () => {
    await expectDriverError(boot.prepareRamdisk(task(root, {})), 'MissingParameterValue', 'deploy_kernel');
    expect(existsSync(join(root, 'nodes'))).toBe(false);
  });
});
