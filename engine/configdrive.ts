// The config drive (user data) is a secret kept in instance_info and always shown masked. Its digest is
// recorded beside it so clients (the Terraform provider's import and refresh) can tell whether the user
// data they hold is what the node was deployed with, without the service ever showing the content.
import { createHash } from 'node:crypto';

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
