import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBmc } from '../../lab/bmc.js';
import { FAKE_CHASSIS, PASSWORD, USERNAME, startFakeLab, type FakeLab } from './helpers.js';

let lab: FakeLab;
let scratch: string;

beforeAll(async () => {
  lab = await startFakeLab();
  scratch = await mkdtemp(join(tmpdir(), 'ironplan-bmc-'));
}, 60_000);

afterAll(async () => {
  await lab?.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe('startBmc', () => {
  it('fails on a port another BMC already holds rather than running deaf', async () => {
    const attempt = startBmc({
      chassisControl: FAKE_CHASSIS,
      stateDir: join(scratch, 'second'),
      username: USERNAME,
      password: PASSWORD,
      env: { FAKE_CHASSIS_DIR: join(scratch, 'chassis') },
      port: lab.bmc.port,
    });
    const outcome = await attempt.then(
      async (bmc) => {
        await bmc.stop();
        return 'started';
      },
      (err: Error) => err.message,
    );
    expect(outcome).toMatch(/port \d+ taken/);
  });

  it('stops ipmi_sim for good', async () => {
    const other = await startFakeLab();
    expect(other.bmc.port).not.toBe(lab.bmc.port);
    await other.stop();
    expect(() => process.kill(other.bmc.pid, 0)).toThrow();
  });
});
