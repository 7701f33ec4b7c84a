// Disk image formats: what a few bytes of a file's head say it is, what `qemu-img info` says it is,
// and the one conversion the agent needs (anything qemu-img reads -> raw, Ironic's force_raw_images).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DriverError } from '../../contract/types.js';

const run = promisify(execFile);

/** Bytes of an image's head enough for sniffFormat (VDI's magic sits at 0x40). */
export const SNIFF_BYTES = 512;

/**
 * The container format the head of an image announces, or 'raw' when none does. Raw images have no
 * header: anything else is assumed raw, as qemu-img's own probe does.
 */
export function sniffFormat(head: Buffer): string {
  const at = (off: number, magic: string | Buffer) => {
    const m = typeof magic === 'string' ? Buffer.from(magic, 'latin1') : magic;
    return head.length >= off + m.length && head.subarray(off, off + m.length).equals(m);
  };
  if (at(0, 'QFI\xfb')) return 'qcow2';
  if (at(0, 'QED\0')) return 'qed';
  if (at(0, 'KDMV') || at(0, '# Disk DescriptorFile')) return 'vmdk';
  if (at(0, 'vhdxfile')) return 'vhdx';
  if (at(0, 'conectix')) return 'vpc';
  if (at(0x40, Buffer.from([0x7f, 0x10, 0xda, 0xbe]))) return 'vdi';
  return 'raw';
}

export interface ImageInfo {
  format: string;
  virtualSize: number;
  backingFile: string | null;
}

/**
 * `qemu-img info` of a local file: of the declared `format` when there is one (a raw image whose bytes
 * look like another format must stay raw), else as qemu-img probes it.
 */
export async function imageInfo(path: string, format?: string): Promise<ImageInfo> {
  let stdout: string;
  try {
    ({ stdout } = await run('qemu-img', ['info', '--output=json', ...(format ? ['-f', format] : []), path], { maxBuffer: 4 << 20 }));
  } catch (e) {
    throw new DriverError('ImageError', `qemu-img cannot read the image: ${(e as { stderr?: string }).stderr?.trim() || String(e)}`);
  }
  const j = JSON.parse(stdout) as { format: string; 'virtual-size': number; 'backing-filename'?: string; 'full-backing-filename'?: string };
  return { format: j.format, virtualSize: j['virtual-size'], backingFile: j['full-backing-filename'] ?? j['backing-filename'] ?? null };
}

/**
 * Converts `src` (of `format`, as inspected) to a raw file at `dst`. An image naming a backing file is
 * refused: qemu-img would read that file from the manager's own filesystem into the node's disk.
 */
export async function convertToRaw(src: string, dst: string, info: ImageInfo): Promise<void> {
  if (info.backingFile) {
    throw new DriverError('ImageError', `the image names a backing file (${info.backingFile}); only self-contained images are deployed`);
  }
  try {
    await run('qemu-img', ['convert', '-f', info.format, '-O', 'raw', src, dst], { maxBuffer: 4 << 20 });
  } catch (e) {
    throw new DriverError('ImageError', `qemu-img convert from ${info.format} failed: ${(e as { stderr?: string }).stderr?.trim() || String(e)}`);
  }
}
