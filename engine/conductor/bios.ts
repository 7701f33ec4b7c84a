// BIOS settings as Ironic's conductor handles them: the settings are read from the node's bios interface
// (task.driver.management.bios) when the node is verified and after cleaning, and cached in bios_settings,
// which is all the API reads. Changes are the manual clean steps bios.apply_configuration and
// bios.factory_reset, run before the deploy interface's part of the clean.
import type { CleanStep, Task } from '../../contract/types.js';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import { invalidParameter } from '../errors.js';
import { listBiosSettings, syncBiosSettings } from '../store/bios.js';
import { now } from '../store/store.js';
import type { TaskManager } from './task-manager.js';
import { errorMessage } from './task-manager.js';

export const BIOS_STEPS = ['apply_configuration', 'factory_reset'] as const;

/**
 * Reads the settings and makes the cache match. A BMC that cannot answer leaves the cache as it was and
 * fails nothing (Ironic only logs it): the settings are a view, not a condition of the node's state.
 */
export async function cacheBiosSettings(tm: TaskManager, task: Task): Promise<void> {
  const bios = task.driver.management.bios;
  if (!bios) return;
  try {
    const settings = await bios.getSettings(task);
    await tm.store.transaction((tx) => syncBiosSettings(tx.db, task.node.uuid, settings, now()));
  } catch (err) {
    tm.log.warn({ node: task.node.uuid, err: errorMessage(err) }, 'could not cache the BIOS settings');
  }
}

interface SettingArg {
  name: string;
  value: string | number | boolean | null;
}

/** The settings list of an apply_configuration step; the error names the field of the step at `at`. */
function settingsArg(step: CleanStep, at: string): SettingArg[] {
  const settings = step.args?.settings;
  if (!Array.isArray(settings) || settings.length === 0) throw invalidParameter(`${at}.args.settings`, 'must be a non-empty list of {"name": ..., "value": ...}');
  settings.forEach((s: unknown, j) => {
    const o = s as Partial<SettingArg> | null;
    if (typeof o !== 'object' || o === null || typeof o.name !== 'string' || !o.name) throw invalidParameter(`${at}.args.settings[${j}].name`, 'must be a non-empty string');
    if (!['string', 'number', 'boolean'].includes(typeof o.value) && o.value !== null) throw invalidParameter(`${at}.args.settings[${j}].value`, 'must be a string, number, boolean or null');
  });
  return settings as SettingArg[];
}

/**
 * Refuses (400 naming the field) a manual clean's bios steps the node cannot run, before it is accepted:
 * no bios interface, an unknown step, a malformed settings list, or a setting name the cached settings
 * do not have (when there is a cache; without one the firmware itself refuses the name while cleaning).
 */
export async function checkBiosSteps(tm: TaskManager, node: NodeRecord, steps: CleanStep[]): Promise<void> {
  const bios = tm.registry.driverFor(node).management.bios;
  let known: Set<string> | undefined;
  for (const [i, s] of steps.entries()) {
    if (s.interface !== 'bios') continue;
    const at = `clean_steps[${i}]`;
    if (!bios) throw invalidParameter(at, `step "bios.${s.step}": the driver of node ${node.uuid} has no BIOS interface`);
    if (!(BIOS_STEPS as readonly string[]).includes(s.step) || (s.step === 'factory_reset' && !bios.factoryReset)) {
      const offered = BIOS_STEPS.filter((n) => n !== 'factory_reset' || bios.factoryReset).map((n) => `bios.${n}`).join(', ');
      throw invalidParameter(at, `step "${s.step}" of interface "bios" is not supported by the node's BIOS (supported: ${offered})`);
    }
    if (s.step !== 'apply_configuration') continue;
    const settings = settingsArg(s, at);
    known ??= new Set((await listBiosSettings(tm.store.db, node.uuid)).map((r) => r.name));
    const j = settings.findIndex((x) => known!.size > 0 && !known!.has(x.name));
    if (j >= 0) throw invalidParameter(`${at}.args.settings[${j}].name`, `node ${node.uuid} has no BIOS setting "${settings[j]!.name}"`);
  }
}

/**
 * Runs a manual clean's bios steps in order. Settings the firmware only takes at its next boot (a Redfish
 * @Redfish.Settings object) are followed by a reboot, as Ironic's redfish BIOS does, so that the cache
 * refreshed after cleaning shows them.
 */
export async function runBiosSteps(task: Task, steps: CleanStep[]): Promise<void> {
  const bios = task.driver.management.bios;
  for (const s of steps) {
    if (s.interface !== 'bios' || !bios) continue;
    if (s.step === 'factory_reset' && bios.factoryReset) {
      await bios.factoryReset(task);
    } else if (s.step === 'apply_configuration') {
      const { pending } = await bios.applySettings(task, settingsArg(s, 'clean_steps'));
      if (pending.length) await task.driver.power.reboot(task);
    }
  }
}
