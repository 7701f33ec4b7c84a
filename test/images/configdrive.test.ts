// The config drive end to end without a VM: the manager's ISO (real xorriso), and the agent's shell code
// (the ramdisk's busybox) putting it in a new MBR partition at the end of a disk file.
import { execFile } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfigDriveIso, configDriveFiles } from '../../engine/configdrive.js';

const run = promisify(execFile);
const AGENT = join(import.meta.dirname, '..', '..', 'drivers', 'agent', 'ramdisk', 'agent.sh');
const MIB = 1 << 20;

let dir: string;
let server: Server;
let port = 0;
let iso: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ironplan-cd-'));
  const files = configDriveFiles(
    { user_data: '#cloud-config\nssh_authorized_keys: [ssh-ed25519 AAAA k]\n', meta_data: { public_keys: { k: 'ssh-ed25519 AAAA k' } }, network_data: { links: [], networks: [], services: [] } },
    { uuid: 'n-uuid', name: 'web-1', instance_uuid: 'i-uuid' },
  );
  await buildConfigDriveIso(files, join(dir, 'cd.iso'));
  iso = await readFile(join(dir, 'cd.iso'));
  server = createServer((req, res) => {
    if (req.url === '/cd.iso') res.end(iso);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('config drive', () => {
  it('is an ISO 9660 volume labelled config-2 holding openstack/latest/{meta_data.json,user_data,network_data.json}', async () => {
    // The primary volume descriptor (sector 16) holds the volume id at byte 40.
    expect(iso.subarray(16 * 2048 + 1, 16 * 2048 + 6).toString()).toBe('CD001');
    expect(iso.subarray(16 * 2048 + 40, 16 * 2048 + 72).toString().trim()).toBe('config-2');
    const { stdout } = await run('xorriso', ['-indev', join(dir, 'cd.iso'), '-find', '/openstack', '-type', 'f'], { encoding: 'utf8' });
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual([
      "'/openstack/latest/meta_data.json'",
      "'/openstack/latest/network_data.json'",
      "'/openstack/latest/user_data'",
    ]);
    await run('xorriso', ['-osirrox', 'on', '-indev', join(dir, 'cd.iso'), '-extract', '/openstack', join(dir, 'x')]);
    const meta = JSON.parse(await readFile(join(dir, 'x', 'latest', 'meta_data.json'), 'utf8'));
    expect(meta).toMatchObject({ uuid: 'i-uuid', hostname: 'web-1', public_keys: { k: 'ssh-ed25519 AAAA k' } });
    expect(await readFile(join(dir, 'x', 'latest', 'user_data'), 'utf8')).toContain('#cloud-config');
  });

  it('the agent writes it to a new partition at the end of an MBR disk, after the image', async () => {
    const disk = join(dir, 'disk.raw');
    const size = 256 * MIB;
    const fh = await open(disk, 'w');
    const mbr = Buffer.alloc(512);
    // One partition from 1 MiB to 33 MiB, as the lab's image has.
    mbr[446 + 4] = 0x0e;
    mbr.writeUInt32LE(2048, 446 + 8);
    mbr.writeUInt32LE(65536, 446 + 12);
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    await fh.write(mbr, 0, 512, 0);
    await fh.truncate(size);
    await fh.close();
    const script = `. "${AGENT}"; WORK=${dir}; write_configdrive ${disk} ${33 * MIB} http://127.0.0.1:${port}/cd.iso || echo "ERR $CD_ERROR"`;
    const { stdout } = await run('busybox', ['sh', '-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', IRONPLAN_AGENT_SOURCE_ONLY: '1' }, encoding: 'utf8' });
    expect(stdout).not.toContain('ERR');
    const written = await readFile(disk);
    const e = 446 + 16;
    expect(written[e + 4]).toBe(0x83);
    const start = written.readUInt32LE(e + 8);
    const count = written.readUInt32LE(e + 12);
    expect(count).toBe(64 * 2048);
    expect(start).toBe(size / 512 - count);
    expect(written.subarray(start * 512, start * 512 + iso.length).equals(iso)).toBe(true);
    // The image's own partition is untouched.
    expect(written.readUInt32LE(446 + 8)).toBe(2048);
  });

  it('the agent refuses a disk without room after the image, and a GPT disk', async () => {
    const disk = join(dir, 'small.raw');
    const fh = await open(disk, 'w');
    const mbr = Buffer.alloc(512);
    mbr[446 + 4] = 0xee;
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    await fh.write(mbr, 0, 512, 0);
    await fh.truncate(96 * MIB);
    await fh.close();
    const sh = (image: number) =>
      run('busybox', ['sh', '-c', `. "${AGENT}"; WORK=${dir}; write_configdrive ${disk} ${image} http://127.0.0.1:${port}/cd.iso || echo "ERR $CD_ERROR"`], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', IRONPLAN_AGENT_SOURCE_ONLY: '1' },
        encoding: 'utf8',
      });
    expect((await sh(MIB)).stdout).toContain('ERR the image has a GPT partition table');
    const f2 = await open(disk, 'r+');
    await f2.write(Buffer.from([0x83]), 0, 1, 446 + 4);
    await f2.close();
    expect((await sh(40 * MIB)).stdout).toContain('ERR no room after the image');
  });
});
