// Builds the few objects the ipmitool interfaces need, around a real ipmi_sim.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { Logger, Task } from '../../drivers/types.js';
import { startBmc, type RunningBmc } from '../../lab/bmc.js';

export const USERNAME = 'admin';
export const PASSWORD = 'lab-secret-7f3a';
export const FAKE_CHASSIS = fileURLToPath(new URL('../../lab/bmc/fake-chassis.sh', import.meta.url));

export interface LogEntry {
  level: string;
  obj: object | string;
  msg?: string;
}

/** A Task carrying only what the ipmitool interfaces read: node.driver_info and a logger. */
export function makeTask(driverInfo: Record<string, unknown>): { task: Task; logs: LogEntry[] } {
  const logs: LogEntry[] = [];
  const record = (level: string) => (obj: object | string, msg?: string) => void logs.push({ level, obj, msg });
  const log: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  const node = { uuid: '1be26c0b-03f2-4d2e-ae87-c02d7f33c123', name: 'lab-node', driver: 'ipmi', driver_info: driverInfo } as unknown as NodeRecord;
  const task = { node, ports: [], log } as unknown as Task;
  return { task, logs };
}

export function driverInfoFor(bmc: { address: string; port: number }, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ipmi_address: bmc.address,
    ipmi_port: bmc.port,
    ipmi_username: USERNAME,
    ipmi_password: PASSWORD,
    ipmi_timeout: 3,
    ipmi_retries: 1,
    ...overrides,
  };
}

export interface FakeLab {
  bmc: RunningBmc;
  chassisDir: string;
  readChassis(file: 'power' | 'boot' | 'calls.log'): Promise<string>;
  stop(): Promise<void>;
}

export async function startFakeLab(): Promise<FakeLab> {
  const root = await mkdtemp(join(tmpdir(), 'ironplan-ipmi-'));
  const chassisDir = join(root, 'chassis');
  const bmc = await startBmc({
    chassisControl: FAKE_CHASSIS,
    stateDir: join(root, 'bmc'),
    username: USERNAME,
    password: PASSWORD,
    env: { FAKE_CHASSIS_DIR: chassisDir },
  });
  return {
    bmc,
    chassisDir,
    readChassis: async (file) => (await readFile(join(chassisDir, file), 'utf8').catch(() => '')).trim(),
    stop: async () => {
      await bmc.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A UDP port on 127.0.0.1 with nothing listening: the kernel picked it as free, and we let it go. */
export async function silentPort(): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(0, '127.0.0.1', () => done()));
  const { port } = socket.address();
  await new Promise<void>((done) => socket.close(() => done()));
  return port;
}
