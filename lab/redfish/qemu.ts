// The lab BMC's machine as a QEMU VM driven through QMP: power on starts QEMU with the boot order of the
// override (-boot order=n|c|d), ForceOff is `quit`, GracefulShutdown is `system_powerdown` (ACPI; the
// guest decides), ForceRestart is `system_reset` (a restart with another boot order than the running one
// is quit + start), Nmi is `inject-nmi`, and the virtual CD is `blockdev-change-medium` / `eject` on the
// VM's IDE CD drive. Off is "no QEMU process", as vm-chassis.sh has it for the IPMI lab. Under UEFI
// (firmware: 'uefi') the VM runs OVMF with a per-VM variable store, and the override is given as the
// devices' bootindex, which OVMF follows (it ignores -boot order).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OVMF_CODE, OVMF_VARS, type VmConfig } from '../vm.js';
import type { BootTarget, Machine, RedfishPowerState, ResetType } from './machine.js';
import type { Inventory } from './profile.js';
import { QmpClient } from './qmp.js';

/**
 * The lab's VM configuration (lab/vm.ts), so a VM is described once whichever BMC plays its controller:
 * disk, MAC, DHCP bootfile, console log, memory, and a direct kernel boot for network boots when given.
 */
export type QemuMachineOptions = VmConfig & {
  /** false: the NIC has no option ROM, so the firmware cannot network-boot at all (virtual media only). */
  nicBootRom?: boolean;
  /**
   * What a media URL is, seen from where the BMC runs: the lab's BMC is on the host, where the address
   * the guest reaches the host by (QEMU user networking's 10.0.2.2) is the loopback.
   */
  mediaUrl?: (url: string) => string;
};

const BOOT_ORDER: Record<BootTarget, string> = { None: 'c', Hdd: 'c', BiosSetup: 'c', Pxe: 'n', UefiHttp: 'n', Cd: 'd' };
const CD_DEVICE = 'cd0';
const DEFAULT_MEMORY_MB = 128;

export class QemuMachine implements Machine {
  private proc: ChildProcess | null = null;
  private qmp: QmpClient | null = null;
  private order: string | null = null;
  /** The medium in the CD drive, kept across power cycles as a BMC keeps it attached. */
  private media: string | null = null;
  private readonly socketPath: string;
  /** The serial console log (lab/vm.ts readConsole and waitForConsole read the same file). */
  readonly consoleLog: string;

  constructor(private readonly opts: QemuMachineOptions) {
    this.socketPath = join(resolve(opts.stateDir), 'qmp.sock');
    this.consoleLog = resolve(opts.consoleLog ?? join(opts.stateDir, 'console.log'));
  }

  /** QEMU's pid while the VM is on. */
  get pid(): number | null {
    return this.proc?.pid ?? null;
  }

  async powerState(): Promise<RedfishPowerState> {
    return this.proc ? 'On' : 'Off';
  }

  /** A QMP command on the running VM (tests look at query-status and query-block through it). */
  async execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (!this.qmp) throw new Error('the VM is powered off');
    return this.qmp.execute<T>(command, args);
  }

  async reset(type: ResetType, boot: BootTarget): Promise<void> {
    const on = this.proc !== null;
    switch (type) {
      case 'On':
      case 'ForceOn':
        if (!on) await this.start(boot);
        return;
      case 'PushPowerButton':
        return on ? this.reset('GracefulShutdown', boot) : this.start(boot);
      case 'ForceOff':
        return this.stop();
      case 'GracefulShutdown':
        if (on) await this.execute('system_powerdown');
        return;
      case 'ForceRestart':
      case 'GracefulRestart':
        if (!on) return;
        if (BOOT_ORDER[boot] !== this.order) {
          await this.stop();
          await this.start(boot);
        } else await this.execute('system_reset');
        return;
      case 'Nmi':
        if (on) await this.execute('inject-nmi');
        return;
    }
  }

  /** One vCPU (QEMU's default -smp), the configured memory, the disk image's size and the NIC's MAC. */
  async hardware(): Promise<Partial<Inventory>> {
    const memoryMb = this.opts.memoryMb ?? DEFAULT_MEMORY_MB;
    return {
      processors: [{ Id: 'CPU0', TotalCores: 1, TotalThreads: 1, InstructionSet: 'x86-64', ProcessorArchitecture: 'x86', Model: 'QEMU TCG CPU' }],
      memoryGiB: memoryMb / 1024,
      dimmsMiB: [memoryMb],
      disksBytes: [(await stat(this.opts.disk)).size],
      macs: [this.opts.mac],
    };
  }

  async insertMedia(image: string): Promise<void> {
    this.media = await this.localCopy(image);
    if (this.proc) await this.execute('blockdev-change-medium', { id: CD_DEVICE, filename: this.media, format: 'raw', 'read-only-mode': 'read-only' });
  }

  async ejectMedia(): Promise<void> {
    this.media = null;
    if (this.proc) await this.execute('eject', { id: CD_DEVICE, force: true });
  }

  async close(): Promise<void> {
    await this.stop();
  }

  private async start(boot: BootTarget): Promise<void> {
    await mkdir(this.opts.stateDir, { recursive: true });
    await rm(this.socketPath, { force: true });
    this.order = BOOT_ORDER[boot];
    const o = this.opts;
    const netdev = ['user,id=n0', o.bootfile && `bootfile=${o.bootfile}`, o.netdevOpts].filter(Boolean).join(',');
    // As vm-chassis.sh does: a network boot with a kernel given is a direct kernel boot (faster tests).
    const direct = this.order === 'n' && o.kernel ? ['-kernel', resolve(o.kernel), ...(o.initrd ? ['-initrd', resolve(o.initrd)] : []), '-append', o.append ?? ''] : [];
    const uefi = o.firmware === 'uefi';
    // SeaBIOS goes by -boot order (a bootindex would override it); OVMF by bootindex only.
    const bootindex = (order: string) => (uefi && !direct.length && this.order === order ? ',bootindex=1' : '');
    const firmware: string[] = [];
    if (uefi) {
      const vars = join(resolve(o.stateDir), 'OVMF_VARS.fd');
      if (!(await stat(vars).catch(() => null))) await copyFile(OVMF_VARS, vars);
      firmware.push('-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,unit=1,file=${vars}`);
    }
    const args = [
      '-machine', 'pc,accel=tcg', '-m', String(this.opts.memoryMb ?? DEFAULT_MEMORY_MB), '-display', 'none', '-monitor', 'none', '-no-reboot',
      '-qmp', `unix:${this.socketPath},server=on,wait=off`,
      ...firmware,
      '-netdev', netdev, '-device', `virtio-net-pci,netdev=n0,mac=${this.opts.mac}${o.nicBootRom === false ? ',romfile=' : ''}${bootindex('n')}`,
      '-drive', `file=${resolve(this.opts.disk)},if=none,id=disk0,format=raw`, '-device', `virtio-blk-pci,drive=disk0${bootindex('c')}`,
      '-drive', `if=none,id=cdrom0,media=cdrom,readonly=on${this.media ? `,file=${this.media},format=raw` : ''}`,
      '-device', `ide-cd,drive=cdrom0,id=${CD_DEVICE}${bootindex('d')}`,
      '-chardev', `file,id=s0,path=${this.consoleLog},append=on`, '-serial', 'chardev:s0',
      ...(direct.length ? direct : uefi ? [] : ['-boot', `order=${this.order}`]),
    ];
    const out = createWriteStream(join(this.opts.stateDir, 'qemu.out'), { flags: 'a' });
    await new Promise((r) => out.once('open', r));
    const proc = spawn(this.opts.qemu ?? 'qemu-system-x86_64', args, { stdio: ['ignore', out, out] });
    this.proc = proc;
    // A guest that powers itself off (or a crash) ends the process: the machine is off.
    proc.once('exit', () => {
      if (this.proc === proc) {
        this.proc = null;
        this.qmp?.close();
        this.qmp = null;
      }
      out.end();
    });
    try {
      this.qmp = await QmpClient.open(this.socketPath);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise((r) => proc.once('exit', r));
    await this.qmp?.execute('quit').catch(() => {});
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }

  /** The BMC fetches an http(s) image into its state directory; file:// URLs and paths are used as they are. */
  private async localCopy(image: string): Promise<string> {
    if (image.startsWith('file://')) return fileURLToPath(image);
    if (!/^https?:\/\//.test(image)) return resolve(image);
    const res = await fetch(this.opts.mediaUrl?.(image) ?? image);
    if (!res.ok) throw new Error(`cannot fetch ${image}: HTTP ${res.status}`);
    await mkdir(this.opts.stateDir, { recursive: true });
    const path = join(this.opts.stateDir, `media-${Date.now()}.iso`);
    await writeFile(path, Buffer.from(await res.arrayBuffer()));
    return path;
  }
}
