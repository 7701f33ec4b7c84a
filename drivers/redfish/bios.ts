// BIOS settings through the Bios resource: Attributes are what is in effect; new values are PATCHed to
// the @Redfish.Settings SettingsObject (the pending settings the firmware applies at its next boot), or to
// the Bios resource itself on a BMC that has no separate settings object.
import { DriverError, type BiosInterface, type BiosSetting, type Task } from '../types.js';
import type { Json } from './client.js';
import { readSystem, type RedfishDeps } from './system.js';

export function createRedfishBios(deps: RedfishDeps): BiosInterface {
  const readBios = async (task: Task) => {
    const { conn, system } = await readSystem(deps, task);
    const path: string | undefined = system.Bios?.['@odata.id'];
    if (!path) throw new DriverError('UnsupportedDriverExtension', `BMC ${conn.origin}: system ${system['@odata.id']} has no Bios resource`);
    return { conn, path, bios: await deps.client.get(conn, path, task.log) };
  };

  return {
    async getSettings(task) {
      const attributes: Json = (await readBios(task)).bios.Attributes ?? {};
      return Object.entries(attributes).map(([name, value]) => ({ name, value: value as BiosSetting['value'] }));
    },

    async applySettings(task, settings) {
      const { conn, path, bios } = await readBios(task);
      const attributes: Json = bios.Attributes ?? {};
      // Refused before anything is written: a firmware would reject (or, worse, ignore) an unknown name.
      const unknown = settings.filter((s) => !(s.name in attributes)).map((s) => s.name);
      if (unknown.length) throw new DriverError('InvalidParameterValue', `BIOS of ${conn.origin} has no setting ${unknown.map((n) => `"${n}"`).join(', ')}`, 'settings');
      const target: string = bios['@Redfish.Settings']?.SettingsObject?.['@odata.id'] ?? path;
      await deps.client.patch(conn, target, { Attributes: Object.fromEntries(settings.map((s) => [s.name, s.value])) }, task.log);
      return { pending: target === path ? [] : settings };
    },
  };
}
