// The manager's image preparation for agent deploys (contract ImageService): raw images from any format
// qemu-img reads, cached per source checksum and served from the boot root, and per-node config drives.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DriverError, type ImageService, type RawImage, type ServiceSettings, type Task } from '../../contract/types.js';
import { buildConfigDriveIso, configDriveFiles, type ConfigDriveContent } from '../configdrive.js';
import { ImageCache, cacheKey, type CacheEntry } from './cache.js';
import { SNIFF_BYTES, convertToRaw, imageInfo, sniffFormat } from './convert.js';
import { downloadVerified, fileDigest, parseChecksum, readHead } from './fetch.js';

/** Sub-directories of the boot root this service writes (served under /boot/<dir>/). */
export const IMAGE_CACHE_DIR = 'images';
export const CONFIGDRIVE_DIR = 'configdrive';
/** Default bound of the converted-image cache. */
export const DEFAULT_IMAGE_CACHE_BYTES = 20 * 1024 ** 3;

interface InstanceImage {
  image_source?: string;
  image_checksum?: string;
  image_os_hash_algo?: string;
  image_os_hash_value?: string;
  image_disk_format?: string;
  configdrive?: unknown;
}

/** The image's checksum as `<algo>:<hex>`: image_checksum, else Glance's os_hash pair. */
export function sourceChecksum(ii: InstanceImage): string {
  if (ii.image_checksum) return ii.image_checksum;
  if (ii.image_os_hash_algo && ii.image_os_hash_value) return `${ii.image_os_hash_algo}:${ii.image_os_hash_value}`;
  throw new DriverError('MissingParameterValue', 'instance_info.image_checksum (or image_os_hash_algo and image_os_hash_value) is required to deploy', 'instance_info.image_checksum');
}

export class ManagerImages implements ImageService {
  readonly cache: ImageCache;
  /** One conversion per source checksum at a time: concurrent deploys of one image share it. */
  private readonly inflight = new Map<string, Promise<CacheEntry>>();

  constructor(private readonly settings: Pick<ServiceSettings, 'bootRoot' | 'bootUrl' | 'apiUrl'> & { imageCacheBytes?: number }) {
    this.cache = new ImageCache(join(settings.bootRoot, IMAGE_CACHE_DIR), settings.imageCacheBytes ?? DEFAULT_IMAGE_CACHE_BYTES);
  }

  private url(rel: string): string {
    return `${(this.settings.bootUrl ?? this.settings.apiUrl).replace(/\/+$/, '')}/boot/${rel}`;
  }

  async rawImage(task: Task): Promise<RawImage> {
    const ii = task.node.instance_info as InstanceImage;
    if (!ii.image_source) throw new DriverError('MissingParameterValue', 'instance_info.image_source is required to deploy', 'instance_info.image_source');
    const checksum = sourceChecksum(ii);
    parseChecksum(checksum);
    const format = ii.image_disk_format?.toLowerCase() ?? (await this.sniff(ii.image_source, task));
    // A raw image from a URL the agent can reach is streamed as is (it verifies the disk against the checksum).
    if (format === 'raw' && /^https?:/i.test(ii.image_source)) return { url: ii.image_source, checksum, converted: false };
    const entry = await this.converted(ii.image_source, checksum, task);
    return { url: this.url(`${IMAGE_CACHE_DIR}/${entry.file}`), checksum: entry.checksum, converted: true };
  }

  /**
   * The format the image's head announces. An http image the manager cannot read (a URL only the nodes
   * reach) is taken as raw, as before conversion existed: the agent still verifies what it wrote.
   */
  private async sniff(source: string, task: Task): Promise<string> {
    try {
      return sniffFormat(await readHead(source, SNIFF_BYTES));
    } catch (e) {
      if (!/^https?:/i.test(source)) throw e;
      task.log.warn({ node: task.node.uuid, source, err: String(e) }, 'images: cannot read the image head from the manager; streaming it as raw (set instance_info.image_disk_format to say)');
      return 'raw';
    }
  }

  /** The cached raw image of `source`, made once: download, verify, inspect, convert, digest. */
  converted(source: string, checksum: string, task?: Pick<Task, 'log'>): Promise<CacheEntry> {
    const key = cacheKey(checksum);
    const running = this.inflight.get(key);
    if (running) return running;
    const p = (async () => {
      const hit = await this.cache.get(key);
      if (hit) return hit;
      const src = await this.cache.scratch('source');
      const raw = await this.cache.scratch('raw');
      this.cache.pin(key);
      try {
        await downloadVerified(source, src, checksum);
        const info = await imageInfo(src);
        task?.log.info({ source, format: info.format, virtual_size: info.virtualSize }, 'images: converting to raw');
        if (info.format === 'raw') await rename(src, raw);
        else await convertToRaw(src, raw, info);
        const digest = await fileDigest(raw);
        const { size } = await stat(raw);
        return await this.cache.put(key, raw, { source_checksum: checksum, source_format: info.format, checksum: digest, size });
      } finally {
        this.cache.unpin(key);
        await rm(src, { force: true });
        await rm(raw, { force: true });
      }
    })().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  async configDrive(task: Task): Promise<string | null> {
    const cd = (task.node.instance_info as InstanceImage).configdrive;
    if (cd === undefined || cd === null || cd === '') return null;
    if (typeof cd === 'string' && /^https?:\/\//i.test(cd)) return cd;
    await this.removeConfigDrive(task);
    const dir = join(this.settings.bootRoot, CONFIGDRIVE_DIR);
    await mkdir(dir, { recursive: true });
    // The name is the only guard on user data served without authentication, as Ironic's temp URLs are.
    const name = `${task.node.uuid}-${randomBytes(16).toString('hex')}.iso`;
    const tmp = join(dir, `.tmp-${name}`);
    try {
      if (typeof cd === 'string') await writeFile(tmp, decodeIso(cd), { mode: 0o644 });
      else if (typeof cd === 'object' && !Array.isArray(cd)) {
        const { node } = task;
        await buildConfigDriveIso(configDriveFiles(cd as ConfigDriveContent, { uuid: node.uuid, name: node.name, instance_uuid: node.instance_uuid }), tmp);
      } else throw new DriverError('InvalidParameterValue', 'instance_info.configdrive must be an object, a URL or a base64 ISO', 'instance_info.configdrive');
      await rename(tmp, join(dir, name));
    } finally {
      await rm(tmp, { force: true });
    }
    return this.url(`${CONFIGDRIVE_DIR}/${name}`);
  }

  async removeConfigDrive(task: Task): Promise<void> {
    const dir = join(this.settings.bootRoot, CONFIGDRIVE_DIR);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names) if (n.startsWith(`${task.node.uuid}-`)) await rm(join(dir, n), { force: true });
  }
}

/** Ironic's string form: a base64 ISO, gzipped or not. */
function decodeIso(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0) throw new DriverError('InvalidParameterValue', 'instance_info.configdrive is neither a URL nor base64 data', 'instance_info.configdrive');
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}
