// The redfish management interface: the boot override (Boot.BootSourceOverrideTarget / Enabled / Mode),
// Secure Boot where the system has the resource, NMI, and the BIOS settings (bios.ts).
import { bootModeOf } from '../../contract/boot-mode.js';
import { BOOT_DEVICES, DriverError, type BiosInterface, type BootDevice, type BootMode, type ManagementInterface, type Task } from '../types.js';
import { readSystem, reset, type RedfishDeps } from './system.js';
import type { Json } from './client.js';

/** Ironic's redfish names; `safe` has no Redfish target. */
const TARGET: Partial<Record<BootDevice, string>> = { pxe: 'Pxe', disk: 'Hdd', cdrom: 'Cd', bios: 'BiosSetup', uefihttp: 'UefiHttp' };
const DEVICE: Record<string, BootDevice> = Object.fromEntries(Object.entries(TARGET).map(([d, t]) => [t, d as BootDevice]));
const MODE: Record<BootMode, string> = { uefi: 'UEFI', bios: 'Legacy' };

export function createRedfishManagement(deps: RedfishDeps, bios: BiosInterface): ManagementInterface {
  const patchBoot = async (task: Task, boot: Json): Promise<void> => {
    const conn = deps.driverInfo.connectionOf(task);
    await deps.client.patch(conn, await deps.client.systemPath(conn, task.log), { Boot: boot }, task.log);
  };

  const secureBootPath = async (task: Task) => {
    const { conn, system } = await readSystem(deps, task);
    const path: string | undefined = system.SecureBoot?.['@odata.id'];
    return { conn, path };
  };

  return {
    name: 'redfish',
    driverInfoSchema: deps.driverInfo.schema,
    bios,

    async validate(task) {
      deps.driverInfo.connectionOf(task);
    },

    async getBootDevice(task) {
      const boot: Json = (await readSystem(deps, task)).system.Boot ?? {};
      const enabled = boot.BootSourceOverrideEnabled as string | undefined;
      if (!enabled || enabled === 'Disabled') return { boot_device: null, persistent: null };
      return { boot_device: DEVICE[boot.BootSourceOverrideTarget as string] ?? null, persistent: enabled === 'Continuous' };
    },

    async setBootDevice(task, device, persistent) {
      const target = TARGET[device];
      if (!target) throw new DriverError('UnsupportedDevice', `boot device "${String(device)}" is not one the redfish interface sets (${Object.keys(TARGET).join(', ')})`);
      // A uefi node's boot goes with its mode (as ipmi's efiboot option): a BMC left in Legacy would boot
      // the CD or disk through the CSM, or not at all on UEFI-only firmware. Bios nodes keep the BMC's mode.
      const mode = bootModeOf(task.node) === 'uefi' ? { BootSourceOverrideMode: MODE.uefi } : {};
      await patchBoot(task, { BootSourceOverrideTarget: target, BootSourceOverrideEnabled: persistent ? 'Continuous' : 'Once', ...mode });
    },

    async getSupportedBootDevices(task) {
      const allowed: string[] | undefined = (await readSystem(deps, task)).system.Boot?.['BootSourceOverrideTarget@Redfish.AllowableValues'];
      const devices = allowed ? allowed.map((t) => DEVICE[t]).filter((d): d is BootDevice => d !== undefined) : Object.keys(TARGET);
      return BOOT_DEVICES.filter((d) => devices.includes(d));
    },

    async injectNmi(task) {
      const { conn, system } = await readSystem(deps, task);
      await reset(deps, conn, system, ['Nmi'], task.log);
    },

    async getBootMode(task) {
      const mode = (await readSystem(deps, task)).system.Boot?.BootSourceOverrideMode as string | undefined;
      return mode === 'UEFI' ? 'uefi' : mode === 'Legacy' ? 'bios' : null;
    },

    async setBootMode(task, mode) {
      if (!MODE[mode]) throw new DriverError('InvalidParameterValue', `boot mode "${String(mode)}" is not uefi or bios`);
      await patchBoot(task, { BootSourceOverrideMode: MODE[mode] });
    },

    async getSecureBootState(task) {
      const { conn, path } = await secureBootPath(task);
      if (!path) return null;
      return (await deps.client.get(conn, path, task.log)).SecureBootEnable === true;
    },

    async setSecureBootState(task, enabled) {
      const { conn, path } = await secureBootPath(task);
      if (!path) throw new DriverError('UnsupportedDriverExtension', `BMC ${conn.origin}: the system has no SecureBoot resource`);
      await deps.client.patch(conn, path, { SecureBootEnable: enabled }, task.log);
    },
  };
}
