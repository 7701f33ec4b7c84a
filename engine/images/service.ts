// The manager's image preparation for agent deploys (contract ImageService): raw images from any format
// qemu-img reads, cached per source checksum and served from the boot root, and per-node config drives.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { confine } from '../../contract/boot-root.js';
import { imageChecksumOf, type ImageChecksumFields } from '../../contract/image-checksum.js';
import { DriverError, type ImageService, type RawImage, type ServiceSettings, type Task, type VirtualMediaBoot } from '../../contract/types.js';
import { buildConfigDriveIso, configDriveFiles, type ConfigDriveContent } from '../configdrive.js';
import { ImageCache, cacheKey, type CacheEntry } from './cache.js';
import { SNIFF_BYTES, convertToRaw, imageInfo, sniffFormat } from './convert.js';
import { download, fileDigest, parseChecksum, readHead } from './fetch.js';
import { buildVmediaIso, staticNetworkArgs } from './vmedia-iso.js';

/** Sub-directories of the boot root this service writes (served under /boot/<dir>/). */
export const IMAGE_CACHE_DIR = 'image-cache';
export const CONFIGDRIVE_DIR = 'configdrive';
export const VMEDIA_DIR = 'vmedia';
/** Default bound of the converted-image cache. */
export const DEFAULT_IMAGE_CACHE_BYTES = 20 * 1024 ** 3;

interface InstanceImage extends ImageChecksumFields {
  image_source?: string;
  image_disk_format?: string;
  configdrive?: unknown;
}

/** The image's checksum as `<algo>:<hex>`: image_checksum, else Glance's os_hash pair. */
export function sourceChecksum(ii: InstanceImage): string {
  const checksum = imageChecksumOf(ii);
  if (checksum) return checksum;
  throw new DriverError('MissingParameterValue', 'instance_info.image_checksum (or image_os_hash_algo and image_os_hash_value) is required to deploy', 'instance_info.image_checksum');
}

export class ManagerImages implements ImageService {
  readonly cache: ImageCache;
  /** One conversion per source checksum at a time: concurrent deploys of one image share it. */
  private readonly inflight = new Map<string, Promise<CacheEntry>>();

  constructor(private readonly settings: Pick<ServiceSettings, 'bootRoot' | 'bootUrl' | 'apiUrl' | 'imageCacheBytes' | 'imageFileRoots'>) {
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
    this.checkSource(ii.image_source);
    const format = ii.image_disk_format?.toLowerCase() ?? (await this.sniff(ii.image_source, task));
    // A raw image from a URL the agent can reach is streamed as is (it verifies the disk against the checksum).
    if (format === 'raw' && /^https?:/i.test(ii.image_source)) return { url: ii.image_source, checksum, converted: false };
    const entry = await this.converted(ii.image_source, checksum, task, ii.image_disk_format?.toLowerCase());
    return { url: this.url(`${IMAGE_CACHE_DIR}/${entry.file}`), checksum: entry.checksum, converted: true };
  }

  /** http(s) anywhere; file:// only under the allowed roots, or any API user could read the manager's files. */
  private checkSource(source: string): void {
    if (/^https?:\/\//i.test(source)) return;
    if (source.startsWith('file:')) {
      const path = resolve(fileURLToPath(source));
      if ((this.settings.imageFileRoots ?? []).some((root) => path.startsWith(resolve(root) + sep))) return;
      throw new DriverError('InvalidParameterValue', `instance_info.image_source ${source} is not under a directory file images may come from`, 'instance_info.image_source');
    }
    throw new DriverError('InvalidParameterValue', `instance_info.image_source must be an http(s) URL, not ${source}`, 'instance_info.image_source');
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
  converted(source: string, checksum: string, task?: Pick<Task, 'log'>, declaredFormat?: string): Promise<CacheEntry> {
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
        await download(source, src, checksum);
        const info = await imageInfo(src, declaredFormat);
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
    return this.writeNodeFile(CONFIGDRIVE_DIR, task, async (tmp) => {
      if (typeof cd === 'string') await writeFile(tmp, decodeIso(cd), { mode: 0o644 });
      else if (typeof cd === 'object' && !Array.isArray(cd)) {
        const { node } = task;
        await buildConfigDriveIso(configDriveFiles(cd as ConfigDriveContent, { uuid: node.uuid, name: node.name, instance_uuid: node.instance_uuid, network_data: node.network_data }), tmp);
      } else throw new DriverError('InvalidParameterValue', 'instance_info.configdrive must be an object, a URL or a base64 ISO', 'instance_info.configdrive');
    });
  }

  removeConfigDrive(task: Task): Promise<void> {
    return this.removeNodeFiles(CONFIGDRIVE_DIR, task);
  }

  async virtualMediaIso(task: Task, boot: VirtualMediaBoot): Promise<string> {
    const cd = (task.node.instance_info as InstanceImage).configdrive as ConfigDriveContent | undefined;
    // The node's network_data (Ironic's DHCP-less deploy), else the one given with the config drive.
    const nodeNet = task.node.network_data && Object.keys(task.node.network_data).length ? task.node.network_data : undefined;
    const network = staticNetworkArgs(nodeNet ?? (cd && typeof cd === 'object' ? cd.network_data : undefined), boot.mac);
    const scratch: string[] = [];
    try {
      const kernel = await this.bootFile(boot.kernel, 'kernel', scratch);
      const initrd = await this.bootFile(boot.ramdisk, 'ramdisk', scratch);
      return await this.writeNodeFile(VMEDIA_DIR, task, (tmp) => buildVmediaIso({ kernel, initrd, kernelArgs: `${boot.kernelArgs} ${network}`, out: tmp }));
    } finally {
      for (const f of scratch) await rm(f, { force: true });
    }
  }

  removeVirtualMediaIso(task: Task): Promise<void> {
    return this.removeNodeFiles(VMEDIA_DIR, task);
  }

  /** A boot root file name (confined to the root) or an http(s) URL fetched into a scratch file. */
  private async bootFile(ref: string, what: string, scratch: string[]): Promise<string> {
    if (/^https?:\/\//i.test(ref)) {
      const path = await this.cache.scratch(what);
      scratch.push(path);
      await download(ref, path);
      return path;
    }
    const file = await confine(this.settings.bootRoot, ref);
    if (!file) throw new DriverError('InvalidParameterValue', `deploy ${what} ${ref} is not a file in the boot root`, `driver_info.deploy_${what}`);
    return file.path;
  }

  /**
   * Writes a per-node file served from the boot root under an unguessable name (the only guard on what is
   * served without authentication, as Ironic's temporary URLs are), replacing the node's earlier ones.
   */
  private async writeNodeFile(sub: string, task: Task, write: (tmp: string) => Promise<void>): Promise<string> {
    await this.removeNodeFiles(sub, task);
    const dir = join(this.settings.bootRoot, sub);
    await mkdir(dir, { recursive: true });
    const name = `${task.node.uuid}-${randomBytes(16).toString('hex')}.iso`;
    const tmp = join(dir, `.tmp-${name}`);
    try {
      await write(tmp);
      await rename(tmp, join(dir, name));
    } finally {
      await rm(tmp, { force: true });
    }
    return this.url(`${sub}/${name}`);
  }

  private async removeNodeFiles(sub: string, task: Task): Promise<void> {
    const dir = join(this.settings.bootRoot, sub);
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
