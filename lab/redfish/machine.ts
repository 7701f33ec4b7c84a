// The machine behind the lab's Redfish BMC: what Reset, the boot override and virtual media act on.
// FakeMachine keeps it all in memory (fast driver tests); lab/redfish/qemu.ts maps it onto a QEMU VM.
import type { Inventory } from './profile.js';

export type RedfishPowerState = 'On' | 'Off' | 'PoweringOn' | 'PoweringOff';
export type ResetType = 'On' | 'ForceOn' | 'ForceOff' | 'ForceRestart' | 'GracefulShutdown' | 'GracefulRestart' | 'Nmi' | 'PushPowerButton';
export const RESET_TYPES: readonly ResetType[] = ['On', 'ForceOn', 'ForceOff', 'ForceRestart', 'GracefulShutdown', 'GracefulRestart', 'Nmi', 'PushPowerButton'];

/** The boot source a power on uses (BootSourceOverrideTarget, or None for the machine's own order). */
export type BootTarget = 'None' | 'Pxe' | 'Hdd' | 'Cd' | 'BiosSetup' | 'UefiHttp';

export interface Machine {
  powerState(): Promise<RedfishPowerState>;
  /** Carries out a reset; `boot` is where a power on (or restart) boots from. */
  reset(type: ResetType, boot: BootTarget): Promise<void>;
  insertMedia(image: string): Promise<void>;
  ejectMedia(): Promise<void>;
  close(): Promise<void>;
  /** What the machine is made of, when it knows (a VM: its memory, disk and NIC); the BMC reports it. */
  hardware?(): Promise<Partial<Inventory>>;
}

export interface FakeMachineOptions {
  /** How long PoweringOn/PoweringOff last, so a driver must poll until the state settles. */
  transitionMs?: number;
  /** A graceful shutdown takes this long (an OS shutting down). */
  gracefulMs?: number;
}

/** In-memory machine: every reset it saw is kept (`history`) for tests to check. */
export class FakeMachine implements Machine {
  state: RedfishPowerState = 'Off';
  readonly history: Array<{ type: ResetType; boot: BootTarget }> = [];
  media: string | null = null;
  nmis = 0;
  /** Where the last power on booted from. */
  bootedFrom: BootTarget | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly transitionMs: number;
  private readonly gracefulMs: number;

  constructor(opts: FakeMachineOptions = {}) {
    this.transitionMs = opts.transitionMs ?? 30;
    this.gracefulMs = opts.gracefulMs ?? 60;
  }

  async powerState(): Promise<RedfishPowerState> {
    return this.state;
  }

  async reset(type: ResetType, boot: BootTarget): Promise<void> {
    this.history.push({ type, boot });
    const on = this.state === 'On' || this.state === 'PoweringOn';
    switch (type) {
      case 'On':
      case 'ForceOn':
        if (!on) this.moveTo('PoweringOn', 'On', this.transitionMs, boot);
        return;
      case 'ForceOff':
        this.moveTo('PoweringOff', 'Off', this.transitionMs);
        return;
      case 'GracefulShutdown':
        if (on) this.moveTo('PoweringOff', 'Off', this.gracefulMs);
        return;
      case 'PushPowerButton':
        return this.reset(on ? 'GracefulShutdown' : 'On', boot);
      case 'ForceRestart':
      case 'GracefulRestart':
        if (on) this.moveTo('PoweringOn', 'On', this.transitionMs, boot);
        return;
      case 'Nmi':
        if (on) this.nmis++;
        return;
    }
  }

  async insertMedia(image: string): Promise<void> {
    this.media = image;
  }

  async ejectMedia(): Promise<void> {
    this.media = null;
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
  }

  private moveTo(during: RedfishPowerState, end: RedfishPowerState, ms: number, boot?: BootTarget): void {
    clearTimeout(this.timer);
    this.state = during;
    this.timer = setTimeout(() => {
      this.state = end;
      if (end === 'On') this.bootedFrom = boot ?? 'None';
    }, ms);
  }
}
