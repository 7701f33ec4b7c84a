import type { Task } from '../types.js';
import type { FakeDriverInfo } from '../../contract/generated/drivers/fake.js';
import { loadDriverSchema } from '../schema.js';

export const fakeDriverInfoSchema = loadDriverSchema('fake.schema.json');

export function fakeInfo(task: Task): Required<FakeDriverInfo> {
  const di = task.node.driver_info as FakeDriverInfo;
  return {
    fake_power_delay_ms: di.fake_power_delay_ms ?? 0,
    fake_agent_delay_ms: di.fake_agent_delay_ms ?? 0,
    fake_fail: di.fake_fail ?? 'none',
    fake_initial_power_state: di.fake_initial_power_state ?? 'power off',
  };
}

export const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());
