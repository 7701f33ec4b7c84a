// An emulated BMC for tests and the lab: OpenIPMI's ipmi_sim on 127.0.0.1, driving a chassis_control
// program (a fake that records state, or one that starts QEMU). Recipe: shared/notes/hardware-lab.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { accessSync, constants, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { IpmiConnection } from '../drivers/ipmi/driver-info.js';
import { IpmitoolClient } from '../drivers/ipmi/ipmitool.js';
import { parsePowerStatus } from '../drivers/ipmi/parse.js';

export interface StartBmcOptions {
  /** chassis_control program; ipmi_sim runs it through sh as `<program> 0x20 get power` etc. */
  chassisControl: string;
  /** Wiped on start: users stored by a previous run would override the configured ones. */
  stateDir: string;
  username: string;
  password: string;
  /** Extra environment for ipmi_sim, inherited by the chassis_control program (e.g. FAKE_CHASSIS_DIR). */
  env?: Record<string, string>;
  /** A fixed UDP port; by default a free one is picked (and re-picked on collision). */
  port?: number;
  /** How long to wait for the BMC to answer `power status` after starting. */
  readyTimeoutMs?: number;
}

export interface RunningBmc {
  address: string;
  port: number;
  pid: number;
  stateDir: string;
  /** Ends ipmi_sim (TERM, then KILL) and resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

const ADDRESS = '127.0.0.1';
/** Below Linux's ephemeral range (32768+), so client sockets of other programs do not collide. */
const PORT_RANGE = { min: 20000, max: 32000 };
const START_ATTEMPTS = 8;
/** Generous: on a loaded 2-core CI machine ipmi_sim has taken seconds to reach its bind(). */
const BIND_WAIT_MS = 15_000;

export async function startBmc(options: StartBmcOptions): Promise<RunningBmc> {
  const chassisControl = checkedProgram(options.chassisControl);
  const stateDir = resolve(options.stateDir);
  await rm(stateDir, { recursive: true, force: true });
  await mkdir(join(stateDir, 'sim'), { recursive: true });
  await writeFile(join(stateDir, 'bmc.emu'), renderBmcEmu());

  let lastProblem = '';
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = options.port ?? (await findFreeUdpPort());
    await writeFile(join(stateDir, 'lan.conf'), renderLanConf({ ...options, chassisControl, port }));
    const child = spawnSim(stateDir, options.env);
    const bound = await waitUntilBound(child, port);
    if (bound === 'bound') {
      const bmc = runningBmc(child, port, stateDir);
      try {
        await waitUntilAnswering(port, options, options.readyTimeoutMs ?? 15_000);
      } catch (err) {
        await bmc.stop();
        throw err;
      }
      return bmc;
    }
    await stopProcess(child);
    const log = (await readFile(join(stateDir, 'ipmi_sim.log'), 'utf8').catch(() => '')).trim();
    lastProblem =
      bound === 'exited'
        ? `ipmi_sim exited at once: ${log}`
        : bound === 'taken'
          ? `port ${port} taken`
          : `ipmi_sim did not bind port ${port} within ${BIND_WAIT_MS} ms${log ? `: ${log}` : ''}`;
    // ipmi_sim does not fail when its port is taken (it runs on, deaf), hence the explicit check.
    if (options.port !== undefined) break;
  }
  throw new Error(`could not start ipmi_sim in ${stateDir}: ${lastProblem}`);
}

export function renderLanConf(o: { chassisControl: string; port: number; username: string; password: string }): string {
  const auths = 'none md2 md5 straight';
  return [
    'name "lab"',
    'set_working_mc 0x20',
    '  startlan 1',
    `    addr ${ADDRESS} ${o.port}`,
    '    priv_limit admin',
    `    allowed_auths_callback ${auths}`,
    `    allowed_auths_user ${auths}`,
    `    allowed_auths_operator ${auths}`,
    `    allowed_auths_admin ${auths}`,
    `    guid ${randomBytes(16).toString('hex')}`,
    '  endlan',
    // ipmi_sim hands this string to sh -c: single quotes keep a path with spaces in one word.
    `  chassis_control "'${o.chassisControl}' 0x20"`,
    `user 2 true ${quoteConf(o.username)} ${quoteConf(o.password)} admin 10 ${auths}`,
    '',
  ].join('\n');
}

export function renderBmcEmu(): string {
  return [
    'mc_setbmc 0x20',
    'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr',
    'sel_enable 0x20 1000 0x0a',
    'mc_enable 0x20',
    '',
  ].join('\n');
}

function checkedProgram(path: string): string {
  const absolute = resolve(path);
  if (/["'\n\\]/.test(absolute)) throw new Error(`chassis_control path must not contain quotes, backslashes or newlines: ${absolute}`);
  accessSync(absolute, constants.X_OK);
  return absolute;
}

function quoteConf(value: string): string {
  if (/["\n\\]/.test(value)) throw new Error('BMC user names and passwords must not contain quotes, backslashes or newlines');
  return `"${value}"`;
}

function spawnSim(stateDir: string, env: Record<string, string> | undefined): ChildProcess {
  const log = openSync(join(stateDir, 'ipmi_sim.log'), 'a');
  try {
    return spawn('ipmi_sim', ['-c', 'lan.conf', '-f', 'bmc.emu', '-s', join(stateDir, 'sim'), '-n'], {
      cwd: stateDir,
      env: { ...process.env, ...env },
      // No pipes: a chassis program that inherits them could keep them open after ipmi_sim exits.
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
}

async function findFreeUdpPort(): Promise<number> {
  for (;;) {
    const port = randomInt(PORT_RANGE.min, PORT_RANGE.max);
    const socket = createSocket('udp4');
    const free = await new Promise<boolean>((done) => {
      socket.once('error', () => done(false));
      socket.bind(port, ADDRESS, () => done(true));
    });
    await new Promise<void>((done) => socket.close(() => done()));
    if (free) return port;
  }
}

/**
 * Whether this ipmi_sim, and only it, holds the UDP port, judged from /proc. ipmi_sim sets
 * SO_REUSEADDR, so a second one binds a taken port without error and the two then split the traffic.
 */
async function waitUntilBound(child: ChildProcess, port: number): Promise<'bound' | 'exited' | 'taken' | 'silent'> {
  const deadline = Date.now() + BIND_WAIT_MS;
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return 'exited';
    // Holders first, then our own sockets: read the other way round, a bind() landing between the two
    // reads made ipmi_sim's own socket look foreign (a CI failure under load).
    const holders = await udpInodesOnPort(portHex);
    const ours = await socketInodes(child.pid);
    if (holders.some((inode) => !ours.has(inode))) return 'taken';
    if (holders.length > 0) return 'bound';
    await sleep(20);
  }
  return child.exitCode !== null ? 'exited' : 'silent';
}

async function udpInodesOnPort(portHex: string): Promise<string[]> {
  const inodes: string[] = [];
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(portHex) && cols[9]) inodes.push(cols[9]);
    }
  }
  return inodes;
}

async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const fdDir = `/proc/${pid}/fd`;
  for (const fd of await readdir(fdDir).catch(() => [] as string[])) {
    const target = await readlink(join(fdDir, fd)).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  return inodes;
}

async function waitUntilAnswering(port: number, o: StartBmcOptions, timeoutMs: number): Promise<void> {
  // The driver's own client, so the lab is ready by exactly the call the ipmitool interfaces make.
  const client = new IpmitoolClient();
  const conn: IpmiConnection = { address: ADDRESS, port, username: o.username, password: o.password, cipherSuite: 3, retries: 0, timeoutSec: 2 };
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      await client.query(conn, ['power', 'status'], parsePowerStatus);
      return;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(50);
  }
  throw new Error(`ipmi_sim on ${ADDRESS}:${port} did not answer power status within ${timeoutMs} ms: ${lastError}`);
}

function runningBmc(child: ChildProcess, port: number, stateDir: string): RunningBmc {
  // If the owning process dies without calling stop() (a crashed test run), do not leave the BMC behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    address: ADDRESS,
    port,
    pid: child.pid!,
    stateDir,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopProcess(child);
    },
  };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const finished = await Promise.race([exited.then(() => true), sleep(2000).then(() => false)]);
  if (!finished) {
    child.kill('SIGKILL');
    await exited;
  }
}
