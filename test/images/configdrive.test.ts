// The config drive end to end without a VM: the manager's ISO (real xorriso), and the agent's shell code
// (the ramdisk's busybox) putting it in a new MBR partition at the end of a disk file.
import { execFile } from 'node:child_process';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfigDriveIso, configDriveFiles } from '../../engine/configdrive.js';

const run = promisify(execFile);
const RAMDISK = join(import.meta.dirname, '..', '..', 'drivers', 'agent', 'ramdisk');
const AGENT = join(RAMDISK, 'agent.sh');
const CONFIGDRIVE_SH = join(RAMDISK, 'configdrive.sh');

/** The agent's write_configdrive on a disk file, under the ramdisk's busybox; prints ERR <why> on refusal. */
async function writeConfigdrive(disk: string, imageBytes: number): Promise<string> {
  const script = `. "${AGENT}"; . "${CONFIGDRIVE_SH}"; WORK=${dir}; write_configdrive ${disk} ${imageBytes} http://127.0.0.1:${port}/cd.iso || echo "ERR $CD_ERROR"`;
  const { stdout } = await run('busybox', ['sh', '-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', IRONPLAN_AGENT_SOURCE_ONLY: '1' }, encoding: 'utf8' });
  return stdout;
}

/** A GPT disk image as a partitioning tool writes one: protective MBR, header and entries at both ends. */
function gptImage(totalSectors: number, parts: Array<{ first: number; last: number }>): Buffer {
  const img = Buffer.alloc(totalSectors * 512);
  const last = totalSectors - 1;
  img[446 + 4] = 0xee;
  img.writeUInt32LE(1, 446 + 8);
  img.writeUInt32LE(last, 446 + 12);
  img[510] = 0x55;
  img[511] = 0xaa;
  const entries = Buffer.alloc(128 * 128);
  parts.forEach((p, i) => {
    randomBytes(16).copy(entries, i * 128); // type (any non-zero GUID)
    randomBytes(16).copy(entries, i * 128 + 16);
    entries.writeBigUInt64LE(BigInt(p.first), i * 128 + 32);
    entries.writeBigUInt64LE(BigInt(p.last), i * 128 + 40);
  });
  const header = (my: number, alt: number, entriesLba: number) => {
    const h = Buffer.alloc(512);
    h.write('EFI PART', 0, 'latin1');
    h.writeUInt32LE(0x00010000, 8);
    h.writeUInt32LE(92, 12);
    h.writeBigUInt64LE(BigInt(my), 24);
    h.writeBigUInt64LE(BigInt(alt), 32);
    h.writeBigUInt64LE(34n, 40);
    h.writeBigUInt64LE(BigInt(last - 33), 48);
    randomBytes(16).copy(h, 56);
    h.writeBigUInt64LE(BigInt(entriesLba), 72);
    h.writeUInt32LE(128, 80);
    h.writeUInt32LE(128, 84);
    h.writeUInt32LE(crc32(entries), 88);
    h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
    return h;
  };
  header(1, last, 2).copy(img, 512);
  entries.copy(img, 2 * 512);
  entries.copy(img, (last - 32) * 512);
  header(last, 1, last - 32).copy(img, last * 512);
  return img;
}

/** Reads a GPT header at `lba` and checks both its CRCs against `disk`. */
function readGpt(disk: Buffer, lba: number) {
  const h = disk.subarray(lba * 512, lba * 512 + 512);
  const size = h.readUInt32LE(12);
  const copy = Buffer.from(h.subarray(0, size));
  copy.writeUInt32LE(0, 16);
  const entriesLba = Number(h.readBigUInt64LE(72));
  const entries = disk.subarray(entriesLba * 512, entriesLba * 512 + 128 * 128);
  return {
    signature: h.subarray(0, 8).toString('latin1'),
    headerCrcOk: crc32(copy) === h.readUInt32LE(16),
    entriesCrcOk: crc32(entries) === h.readUInt32LE(88),
    my: Number(h.readBigUInt64LE(24)),
    alternate: Number(h.readBigUInt64LE(32)),
    lastUsable: Number(h.readBigUInt64LE(48)),
    entries,
  };
}
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
    expect(await writeConfigdrive(disk, 33 * MIB)).not.toContain('ERR');
    const written = await readFile(disk);
    const e = 446 + 16;
    expect(written[e + 4]).toBe(0x83);
    const start = written.readUInt32LE(e + 8);
    const count = written.readUInt32LE(e + 12);
    expect(count).toBe(64 * 2048);
    expect(start).toBe(Math.floor((size / 512 - 34 - count) / 2048) * 2048);
    expect(written.subarray(start * 512, start * 512 + iso.length).equals(iso)).toBe(true);
    // The image's own partition is untouched.
    expect(written.readUInt32LE(446 + 8)).toBe(2048);
  });

  it('the agent adds it to a GPT image: a new entry, the backup moved to the end of the disk, every CRC right', async () => {
    // A 40 MiB GPT image (as cloud images are: an ESP and a root partition) on a 256 MiB disk.
    const imageSectors = 40 * 2048;
    const image = gptImage(imageSectors, [{ first: 2048, last: 4095 }, { first: 4096, last: imageSectors - 34 }]);
    const disk = join(dir, 'gpt.raw');
    const size = 256 * MIB;
    const fh = await open(disk, 'w');
    await fh.write(image, 0, image.length, 0);
    await fh.truncate(size);
    await fh.close();
    expect(await writeConfigdrive(disk, image.length)).not.toContain('ERR');
    const d = await readFile(disk);
    const last = size / 512 - 1;
    const primary = readGpt(d, 1);
    expect(primary).toMatchObject({ signature: 'EFI PART', headerCrcOk: true, entriesCrcOk: true, my: 1, alternate: last, lastUsable: last - 33 });
    const backup = readGpt(d, last);
    expect(backup).toMatchObject({ signature: 'EFI PART', headerCrcOk: true, entriesCrcOk: true, my: last, alternate: 1 });
    expect(backup.entries.equals(primary.entries)).toBe(true);
    // Entry 3 is the config drive: Linux filesystem type, named config-2, 64 MiB below the backup area.
    const e = primary.entries.subarray(2 * 128, 3 * 128);
    expect(e.subarray(0, 16).toString('hex')).toBe('af3dc60f838472478e793d69d8477de4');
    const first = Number(e.readBigUInt64LE(32));
    expect(Number(e.readBigUInt64LE(40)) - first + 1).toBe(64 * 2048);
    expect(Number(e.readBigUInt64LE(40))).toBeLessThanOrEqual(last - 33);
    expect(e.subarray(56, 72).toString('utf16le')).toBe('config-2');
    expect(d.subarray(first * 512, first * 512 + iso.length).equals(iso)).toBe(true);
    // The image's own partitions are as they were, and the protective MBR now spans the whole disk.
    expect(primary.entries.subarray(0, 2 * 128).equals(image.subarray(1024, 1024 + 256))).toBe(true);
    expect(d.readUInt32LE(446 + 12)).toBe(last);
  });

  it('the agent refuses a disk without room after the image', async () => {
    const disk = join(dir, 'small.raw');
    const fh = await open(disk, 'w');
    const mbr = Buffer.alloc(512);
    mbr[446 + 4] = 0x83;
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    await fh.write(mbr, 0, 512, 0);
    await fh.truncate(96 * MIB);
    await fh.close();
    expect(await writeConfigdrive(disk, 40 * MIB)).toContain('ERR no room after the image');
  });
});

describe("a config drive's network_data", () => {
  const node = { uuid: 'n-1', name: 'web-1', instance_uuid: null };
  const nodeNetwork = { links: [{ id: 'eth0', ethernet_mac_address: '52:54:00:00:00:01' }], networks: [], services: [] };

  it("is the node's own (Ironic API 1.66) when the deployment gives none", () => {
    const files = configDriveFiles({ user_data: '#cloud-config\n' }, { ...node, network_data: nodeNetwork });
    expect(JSON.parse(files.get('openstack/latest/network_data.json')!)).toEqual(nodeNetwork);
  });

  it("is the deployment's when it gives one, and absent when neither does", () => {
    const given = { links: [], networks: [], services: [{ type: 'dns', address: '10.0.0.53' }] };
    expect(JSON.parse(configDriveFiles({ network_data: given }, { ...node, network_data: nodeNetwork }).get('openstack/latest/network_data.json')!)).toEqual(given);
    expect(configDriveFiles({}, { ...node, network_data: {} }).has('openstack/latest/network_data.json')).toBe(false);
  });
});
