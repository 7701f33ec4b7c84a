// fake-hardware's BIOS: a simulated firmware setup per node, starting from a few settings a real server
// has, so GET /v1/nodes/{node}/bios lists something and bios.apply_configuration changes it. Like the
// simulated BMC's power state it lives in this process (a restart is a firmware with its defaults).
import { DriverError, type BiosInterface, type BiosSetting, type Task } from '../types.js';

const DEFAULTS: Readonly<Record<string, BiosSetting['value']>> = {
  BootMode: 'Uefi',
  ProcVirtualization: 'Enabled',
  ProcHyperThreading: 'Enabled',
  SriovGlobalEnable: 'Disabled',
  NumLock: 'On',
};

export class FakeBios implements BiosInterface {
  private readonly settings = new Map<string, Record<string, BiosSetting['value']>>();

  private of(task: Task): Record<string, BiosSetting['value']> {
    let s = this.settings.get(task.node.uuid);
    if (!s) this.settings.set(task.node.uuid, (s = { ...DEFAULTS }));
    return s;
  }

  async getSettings(task: Task): Promise<BiosSetting[]> {
    return Object.entries(this.of(task)).map(([name, value]) => ({ name, value }));
  }

  /** Applied at once (nothing pending): the simulated firmware needs no reboot. */
  async applySettings(task: Task, settings: BiosSetting[]): Promise<{ pending: BiosSetting[] }> {
    const current = this.of(task);
    const unknown = settings.filter((s) => !(s.name in current)).map((s) => `"${s.name}"`);
    if (unknown.length) throw new DriverError('InvalidParameterValue', `fake BIOS of node ${task.node.uuid} has no setting ${unknown.join(', ')}`, 'settings');
    for (const s of settings) current[s.name] = s.value;
    return { pending: [] };
  }

  async factoryReset(task: Task): Promise<void> {
    this.settings.set(task.node.uuid, { ...DEFAULTS });
  }
}
