// The config drive: its digest (kept in instance_info beside the masked content, so clients such as the
// Terraform provider can tell whether the user data they hold is what the node was deployed with) and the
// OpenStack config drive ISO the manager builds from it for the agent to write after the image.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The instance_info key that holds the config drive's digest. */
export const CONFIGDRIVE_DIGEST_KEY = 'configdrive_sha256';

/** JSON with object keys sorted, so equal values digest alike whatever order their keys came in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * `sha256:<hex>` of a config drive as given to deploy or rebuild: a string (an encoded ISO or a URL) is
 * digested as is, an object ({user_data, meta_data, network_data}) as canonical JSON.
 */
export function configdriveDigest(configdrive: unknown): string {
  const text = typeof configdrive === 'string' ? configdrive : canonicalJson(configdrive);
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** What a config drive object (Ironic's configdrive as JSON) may hold. */
export interface ConfigDriveContent {
  user_data?: string | Record<string, unknown> | unknown[] | null;
  meta_data?: Record<string, unknown> | null;
  network_data?: Record<string, unknown> | null;
  vendor_data?: Record<string, unknown> | null;
}

/** The node facts meta_data.json defaults to when the deployment's meta_data leaves them out. */
export interface ConfigDriveNode {
  uuid: string;
  name: string | null;
  instance_uuid: string | null;
  /** The node's own network_data (Ironic API 1.66): used when the deployment gives none, as Ironic does. */
  network_data?: Record<string, unknown> | null;
}

/**
 * The files of an OpenStack config drive (openstack/latest/...), as cloud-init's ConfigDrive source reads
 * them. meta_data.json always carries uuid and hostname (cloud-init names the machine from them); the
 * deployment's own meta_data wins over those defaults. user_data given as JSON is written as JSON.
 */
export function configDriveFiles(cd: ConfigDriveContent, node: ConfigDriveNode): Map<string, string> {
  const files = new Map<string, string>();
  const uuid = node.instance_uuid ?? node.uuid;
  const hostname = node.name ?? uuid;
  const meta = { uuid, hostname, name: hostname, ...(cd.meta_data ?? {}) };
  files.set('openstack/latest/meta_data.json', canonicalJson(meta));
  if (cd.user_data != null) files.set('openstack/latest/user_data', typeof cd.user_data === 'string' ? cd.user_data : JSON.stringify(cd.user_data));
  const network = cd.network_data ?? (node.network_data && Object.keys(node.network_data).length ? node.network_data : null);
  if (network != null) files.set('openstack/latest/network_data.json', canonicalJson(network));
  if (cd.vendor_data != null) files.set('openstack/latest/vendor_data.json', canonicalJson(cd.vendor_data));
  return files;
}

/** Writes `files` as an ISO 9660 image labelled config-2 (Rock Ridge and Joliet names) at `out`. */
export async function buildConfigDriveIso(files: Map<string, string>, out: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ironplan-configdrive-'));
  try {
    for (const [rel, text] of files) {
      await mkdir(dirname(join(work, rel)), { recursive: true });
      await writeFile(join(work, rel), text, { mode: 0o600 });
    }
    await run('xorriso', ['-as', 'mkisofs', '-quiet', '-o', out, '-V', 'config-2', '-J', '-r', work], { maxBuffer: 4 << 20 });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
