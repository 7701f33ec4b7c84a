// Confinement of requested names to the served root. TFTP has no authentication, so a name from the
// wire must never reach a file outside root, whether by '..', an absolute path or a symlink.
import { open, realpath, readlink, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';
import { sep, join } from 'node:path';
import { ErrorCode, type ErrorCodeValue } from './protocol.js';

export class TftpRequestError extends Error {
  constructor(readonly code: ErrorCodeValue, message: string) {
    super(message);
    this.name = 'TftpRequestError';
  }
}

/**
 * Normalises a requested name to a root-relative path with '/' separators.
 * A leading '/' is dropped, so '/pxelinux.0' means '<root>/pxelinux.0' (what tftpd-hpa -s does via
 * chroot). Any '..' segment is refused outright rather than resolved: a client asking for it is
 * either confused or probing. Backslashes are ordinary characters on Linux and left alone.
 */
export function normalizeRequestPath(name: string): string {
  if (name.includes('\0')) throw new TftpRequestError(ErrorCode.ACCESS_VIOLATION, 'NUL in file name');
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) throw new TftpRequestError(ErrorCode.ACCESS_VIOLATION, 'Access violation: ".." in path');
  if (segments.length === 0) throw new TftpRequestError(ErrorCode.ACCESS_VIOLATION, 'Access violation: empty file name');
  return segments.join('/');
}

function inside(realRoot: string, candidate: string): boolean {
  return candidate === realRoot || candidate.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}

export interface OpenedFile {
  handle: FileHandle;
  size: number;
  realPath: string;
}

/**
 * Opens a root-relative path for reading after resolving symlinks and checking the result is still
 * under realRoot. The file is opened by its resolved name with O_NOFOLLOW and, on Linux, the path
 * the kernel reports for the open descriptor is checked again, which closes the window in which a
 * path component could be swapped for a symlink between the check and the open.
 */
export async function openConfined(realRoot: string, relPath: string): Promise<OpenedFile> {
  let real: string;
  try {
    real = await realpath(join(realRoot, relPath));
  } catch (err) {
    throw fsError(err);
  }
  if (!inside(realRoot, real)) throw new TftpRequestError(ErrorCode.ACCESS_VIOLATION, 'Access violation: outside root');
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    throw fsError(err);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new TftpRequestError(ErrorCode.ACCESS_VIOLATION, 'Access violation: not a regular file');
    if (process.platform === 'linux') {
      const actual = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => real);
      if (!inside(realRoot, actual)) throw new TftpRequestError(ErrorCode.ACCESS_VIOLATION, 'Access violation: outside root');
    }
    return { handle, size: st.size, realPath: real };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err instanceof TftpRequestError ? err : fsError(err);
  }
}

function fsError(err: unknown): TftpRequestError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new TftpRequestError(ErrorCode.FILE_NOT_FOUND, 'File not found');
  if (code === 'EACCES' || code === 'EPERM' || code === 'ELOOP') return new TftpRequestError(ErrorCode.ACCESS_VIOLATION, 'Access violation');
  return new TftpRequestError(ErrorCode.NOT_DEFINED, `Cannot open file: ${code ?? String(err)}`);
}
