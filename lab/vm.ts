// The VM side of the emulated lab: configuration for lab/vm-chassis.sh (the program ipmi_sim's
// chassis_control runs), and helpers to drive it, read the serial console and stop the VM.
import { execFile } from 'node:child_process';
import { chmod, mkdir, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../contract/paths.js';

const run = promisify(execFile);

export interface VmConfig {
  /** Holds vm.conf, the chassis wrapper, the pid file and the remembered boot device. */
  stateDir: string;
  /** Raw disk image the VM boots from and the agent writes to (virtio, /dev/vda). */
  disk: string;
  /** MAC of the VM's single virtio NIC, e.g. 52:54:00:12:34:56. */
  mac: string;
  /** What QEMU's DHCP hands iPXE, e.g. http://10.0.2.2:PORT/boot/boot.ipxe. */
  bootfile?: string;
  /** Serial console log; appended across power cycles. Defaults to <stateDir>/console.log. */
  consoleLog?: string;
  memoryMb?: number;
  qemu?: string;
  /** Extra -netdev user options, e.g. restrict=on,guestfwd=... */
  netdevOpts?: string;
  /** Direct kernel boot instead of firmware + iPXE when the boot device is pxe (faster tests). */
  kernel?: string;
  initrd?: string;
  append?: string;
  /** bios (SeaBIOS, the default) or uefi (OVMF, with a per-VM copy of its variable store). */
  firmware?: 'bios' | 'uefi';
  /** An ISO in the VM's CD drive (virtual media); boot device `cdrom` boots it. */
  cdrom?: string;
}

/** Debian's ovmf: the firmware code (read-only) and the variable store template each VM copies. */
export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS.fd';

export interface VmLab {
  config: Required<Pick<VmConfig, 'stateDir' | 'disk' | 'mac' | 'consoleLog'>> & VmConfig;
  /** Executable to give ipmi_sim as chassis_control (it is followed by the MC address). */
  chassisControl: string;
  confPath: string;
}

/** lab/vm-chassis.sh: a shell script, so never copied into dist/; the package root has it either way. */
export function chassisProgramPath(): string {
  return join(packageRoot, 'lab', 'vm-chassis.sh');
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Writes <stateDir>/vm.conf and a <stateDir>/chassis wrapper that points vm-chassis.sh at it, so
 * several VMs (each with their own BMC) can share the one program.
 */
export async function writeVmConfig(cfg: VmConfig): Promise<VmLab> {
  const stateDir = resolve(cfg.stateDir);
  await mkdir(stateDir, { recursive: true });
  const config = { ...cfg, stateDir, disk: resolve(cfg.disk), consoleLog: resolve(cfg.consoleLog ?? join(stateDir, 'console.log')) };
  const vars: Record<string, string | number | undefined> = {
    STATE_DIR: config.stateDir,
    DISK: config.disk,
    MAC: config.mac.toLowerCase(),
    BOOTFILE: config.bootfile,
    CONSOLE_LOG: config.consoleLog,
    MEMORY: config.memoryMb,
    QEMU: config.qemu,
    NETDEV_OPTS: config.netdevOpts,
    KERNEL: config.kernel && resolve(config.kernel),
    INITRD: config.initrd && resolve(config.initrd),
    APPEND: config.append,
    FIRMWARE: config.firmware,
    OVMF_CODE: config.firmware === 'uefi' ? OVMF_CODE : undefined,
    OVMF_VARS: config.firmware === 'uefi' ? OVMF_VARS : undefined,
    CDROM: config.cdrom && resolve(config.cdrom),
  };
  const confPath = join(stateDir, 'vm.conf');
  const conf = Object.entries(vars)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${shQuote(String(v))}`)
    .join('\n');
  await writeFile(confPath, `# written by lab/vm.ts\n${conf}\n`);
  const chassisControl = join(stateDir, 'chassis');
  await writeFile(chassisControl, `#!/bin/sh\nIRONPLAN_VM_CONF=${shQuote(confPath)} exec ${shQuote(chassisProgramPath())} "$@"\n`);
  await chmod(chassisControl, 0o755);
  return { config, chassisControl, confPath };
}

/** Runs the chassis program the way ipmi_sim does (`<prog> 0x20 get power`); returns its stdout. */
export async function chassis(lab: VmLab, ...args: string[]): Promise<string> {
  const { stdout } = await run(lab.chassisControl, ['0x20', ...args], { timeout: 10_000 });
  return stdout.trim();
}

export async function setBootDevice(lab: VmLab, device: 'pxe' | 'default' | string): Promise<void> {
  await chassis(lab, 'set', 'boot', device);
}

export async function powerOn(lab: VmLab): Promise<void> {
  await chassis(lab, 'set', 'power', '1');
}

export async function isPoweredOn(lab: VmLab): Promise<boolean> {
  return (await chassis(lab, 'get', 'power')) === 'power:1';
}

/** Hard power off (what `set power 0` does); safe to call when already off. */
export async function stopVm(lab: VmLab): Promise<void> {
  await chassis(lab, 'set', 'power', '0');
}

export async function waitForPowerOff(lab: VmLab, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await isPoweredOn(lab)) {
    if (Date.now() > deadline) throw new Error(`VM still powered on after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Current size of the console log: pass it as `since` to look only at what comes next. */
export async function consoleOffset(lab: VmLab): Promise<number> {
  try {
    return (await stat(lab.config.consoleLog)).size;
  } catch {
    return 0;
  }
}

export async function readConsole(lab: VmLab, since = 0): Promise<string> {
  let fh;
  try {
    fh = await open(lab.config.consoleLog, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await fh.stat();
    if (size <= since) return '';
    const buf = Buffer.alloc(size - since);
    await fh.read(buf, 0, buf.length, since);
    return buf.toString('latin1');
  } finally {
    await fh.close();
  }
}

export interface WaitForConsoleOptions {
  timeoutMs: number;
  /** Byte offset in the log to start looking from (see consoleOffset). */
  since?: number;
  pollMs?: number;
}

/** Resolves with the console text once it holds the marker; rejects with the log tail on timeout. */
export async function waitForConsole(lab: VmLab, marker: string | RegExp, opts: WaitForConsoleOptions): Promise<string> {
  const deadline = Date.now() + opts.timeoutMs;
  const matches = (t: string): boolean => (typeof marker === 'string' ? t.includes(marker) : marker.test(t));
  for (;;) {
    const text = await readConsole(lab, opts.since ?? 0);
    if (matches(text)) return text;
    if (Date.now() > deadline) {
      throw new Error(`console did not show ${String(marker)} within ${opts.timeoutMs} ms; last output:\n${text.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}

/** An empty (sparse) raw disk for the VM. */
export async function createDisk(path: string, sizeBytes: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, 'w');
  try {
    await fh.truncate(sizeBytes);
  } finally {
    await fh.close();
  }
}

/** Powers the VM off and removes its state directory (console log included, unless kept elsewhere). */
export async function destroyVm(lab: VmLab, opts: { keepState?: boolean } = {}): Promise<void> {
  await stopVm(lab).catch(() => {});
  if (!opts.keepState) await rm(lab.config.stateDir, { recursive: true, force: true });
}

export async function readVmPid(lab: VmLab): Promise<number | null> {
  try {
    const pid = Number.parseInt(await readFile(join(lab.config.stateDir, 'qemu.pid'), 'utf8'), 10);
    return Number.isFinite(pid) ? pid : null;
  } catch {
    return null;
  }
}
