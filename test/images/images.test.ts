// The manager's image preparation with real files and a real qemu-img: a qcow2 converted once to raw and
// served from the boot root, the bounded cache evicting the least recently used, and a checksum mismatch
// failing the deploy before the node's power (let alone its disk) is touched.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDeploy } from '../../drivers/agent/deploy.js';
import type { Task } from '../../drivers/types.js';
import { ImageCache } from '../../engine/images/cache.js';
import { sniffFormat } from '../../engine/images/convert.js';
import { IMAGE_CACHE_DIR, ManagerImages } from '../../engine/images/service.js';

const run = promisify(execFile);
const MIB = 1 << 20;
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

let dir: string;
let raw: Buffer;
let qcow2: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ironplan-images-'));
  // 8 MiB with data at both ends and a hole between: the qcow2 is much smaller than the raw.
  raw = Buffer.alloc(8 * MIB);
  randomBytes(MIB).copy(raw, 0);
  randomBytes(MIB).copy(raw, 7 * MIB);
  await writeFile(join(dir, 'src.raw'), raw);
  qcow2 = join(dir, 'src.qcow2');
  await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', join(dir, 'src.raw'), qcow2]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const log = { debug() {}, info() {}, warn() {}, error() {} };

/** A task for AgentDeploy whose power interface records every call (the only thing it may touch). */
function taskFor(images: ManagerImages, instance_info: Record<string, unknown>, powerCalls: string[]): Task {
  const node = { uuid: '7c1c6b7e-1f0e-4a53-9a0b-5d7a4c9f1e21', name: 'n1', instance_uuid: null, instance_info, driver_internal_info: {}, provision_state: 'deploying' };
  return {
    node,
    ports: [],
    log,
    settings: { apiUrl: 'http://10.0.2.2:6385', bootRoot: join(dir, 'boot'), deployCallbackTimeoutSec: 60, automatedClean: false, stateDir: dir },
    driver: { power: { setPowerState: async (_t: Task, s: string) => void powerCalls.push(s) }, boot: {} },
    agent: {},
    images,
    saveInternalInfo: async (patch: Record<string, unknown>) => void Object.assign(node.driver_internal_info, patch),
  } as unknown as Task;
}

describe('images', () => {
  it('tells formats by their magic', async () => {
    expect(sniffFormat((await readFile(qcow2)).subarray(0, 512))).toBe('qcow2');
    expect(sniffFormat(raw.subarray(0, 512))).toBe('raw');
  });

  it('converts a real qcow2 to raw once per checksum and serves it from the boot root', async () => {
    const images = new ManagerImages({ bootRoot: join(dir, 'boot'), apiUrl: 'http://10.0.2.2:6385', bootUrl: 'http://10.0.2.2:8081', imageFileRoots: [dir] });
    const source = pathToFileURL(qcow2).href;
    const checksum = sha256(await readFile(qcow2));
    const task = taskFor(images, { image_source: source, image_checksum: checksum }, []);
    const got = await images.rawImage(task);
    expect(got.converted).toBe(true);
    expect(got.checksum).toBe(sha256(raw));
    const file = got.url.replace('http://10.0.2.2:8081/boot/', '');
    expect(file.startsWith(`${IMAGE_CACHE_DIR}/`)).toBe(true);
    expect((await readFile(join(dir, 'boot', file))).equals(raw)).toBe(true);
    // Cached: the second deploy converts nothing (the entry's file is the same inode, only touched).
    const before = (await readdir(join(dir, 'boot', IMAGE_CACHE_DIR))).sort();
    const again = await images.rawImage(task);
    expect(again).toEqual(got);
    expect((await readdir(join(dir, 'boot', IMAGE_CACHE_DIR))).sort()).toEqual(before);
  });

  it("takes Glance's os_hash pair when there is no image_checksum", async () => {
    const images = new ManagerImages({ bootRoot: join(dir, 'boot6'), apiUrl: 'http://10.0.2.2:6385', imageFileRoots: [dir] });
    const digest = createHash('sha256').update(await readFile(qcow2)).digest('hex');
    const ii = { image_source: pathToFileURL(qcow2).href, image_os_hash_algo: 'sha256', image_os_hash_value: digest };
    await new AgentDeploy().validate(taskFor(images, ii, []));
    expect((await images.rawImage(taskFor(images, ii, []))).checksum).toBe(sha256(raw));
    const wrong = { ...ii, image_os_hash_value: '1'.repeat(64) };
    await expect(images.rawImage(taskFor(images, wrong, []))).rejects.toThrow(/image checksum mismatch/);
  });

  it('a raw http image is streamed by the agent as is', async () => {
    const images = new ManagerImages({ bootRoot: join(dir, 'boot2'), apiUrl: 'http://10.0.2.2:6385' });
    const task = taskFor(images, { image_source: 'http://images.example/x.raw', image_checksum: sha256(raw), image_disk_format: 'raw' }, []);
    expect(await images.rawImage(task)).toEqual({ url: 'http://images.example/x.raw', checksum: sha256(raw), converted: false });
  });

  it('a checksum mismatch fails the deploy before the node is powered or its disk written, naming both digests', async () => {
    const images = new ManagerImages({ bootRoot: join(dir, 'boot3'), apiUrl: 'http://10.0.2.2:6385', imageFileRoots: [dir] });
    const wrong = `sha256:${'0'.repeat(64)}`;
    const powerCalls: string[] = [];
    const task = taskFor(images, { image_source: pathToFileURL(qcow2).href, image_checksum: wrong }, powerCalls);
    await expect(new AgentDeploy().deploy(task)).rejects.toThrow(/image checksum mismatch: .* has sha256:[0-9a-f]{64}, the deployment says sha256:0{64}; nothing was converted or written/);
    expect(powerCalls).toEqual([]);
    expect(task.node.driver_internal_info).toEqual({});
    // Nothing converted nor left behind in the cache.
    expect(existsSync(join(dir, 'boot3', IMAGE_CACHE_DIR)) ? await readdir(join(dir, 'boot3', IMAGE_CACHE_DIR)) : []).toEqual([]);
  });

  it('a file image outside the allowed directories is refused before it is read', async () => {
    const images = new ManagerImages({ bootRoot: join(dir, 'boot5'), apiUrl: 'http://10.0.2.2:6385', imageFileRoots: [join(dir, 'allowed')] });
    const task = taskFor(images, { image_source: pathToFileURL(qcow2).href, image_checksum: sha256(raw) }, []);
    await expect(images.rawImage(task)).rejects.toThrow(/is not under a directory file images may come from/);
    const etc = taskFor(images, { image_source: 'file:///etc/shadow', image_checksum: sha256(raw) }, []);
    await expect(images.rawImage(etc)).rejects.toThrow(/not under a directory/);
  });

  it('an image with a backing file is refused', async () => {
    const overlay = join(dir, 'overlay.qcow2');
    await run('qemu-img', ['create', '-f', 'qcow2', '-F', 'qcow2', '-b', qcow2, overlay]);
    const images = new ManagerImages({ bootRoot: join(dir, 'boot4'), apiUrl: 'http://10.0.2.2:6385', imageFileRoots: [dir] });
    const task = taskFor(images, { image_source: pathToFileURL(overlay).href, image_checksum: sha256(await readFile(overlay)) }, []);
    await expect(images.rawImage(task)).rejects.toThrow(/backing file/);
    // Declared raw, the same bytes are only bytes: served as they are, never read as qcow2 (nor its backing file).
    const asRaw = taskFor(images, { image_source: pathToFileURL(overlay).href, image_checksum: sha256(await readFile(overlay)), image_disk_format: 'raw' }, []);
    const got = await images.rawImage(asRaw);
    expect(got.checksum).toBe(sha256(await readFile(overlay)));
  });

  it('the cache keeps its size bound by evicting the least recently used entries', async () => {
    const cache = new ImageCache(join(dir, 'lru'), 3 * MIB);
    const put = async (key: string, at: number) => {
      const p = await cache.scratch(key);
      await writeFile(p, Buffer.alloc(MIB, 1));
      await cache.put(key, p, { source_checksum: key, source_format: 'qcow2', checksum: key, size: MIB });
      const t = new Date(at * 1000);
      await utimes(join(dir, 'lru', `${key}.raw`), t, t);
    };
    await put('a', 1000);
    await put('b', 2000);
    await put('c', 3000);
    // Using a makes it the most recent: b is now the least recently used.
    expect(await cache.get('a')).not.toBeNull();
    await put('d', 4000);
    expect((await cache.list()).map((e) => e.key).sort()).toEqual(['a', 'c', 'd']);
    expect(await cache.get('b')).toBeNull();
    // A pinned entry (being converted or streamed) survives even when it is the oldest: d goes instead.
    cache.pin('c');
    await put('e', 5000);
    expect((await cache.list()).map((e) => e.key).sort()).toEqual(['a', 'c', 'e']);
    cache.unpin('c');
  });
});
