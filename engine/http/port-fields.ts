// The port fields Ironic checks beyond their types: local_link_connection (API 1.19, network_type from
// 1.64), is_smartnic (1.53) and name (1.88). Ironic's rules: api/controllers/v1/utils.py
// (LOCAL_LINK_CONN_SCHEMA, local_link_normalize) and port.py (a Smart NIC needs port_id and hostname).
import type { FastifyRequest } from 'fastify';
import type { LocalLinkConnection } from '../../contract/generated/port-record.js';
import { invalid } from '../errors.js';
import { isLogicalName, isMacAddress } from './names.js';
import { requireVersion } from './version.js';


const LINK_KEYS = ['switch_id', 'port_id', 'switch_info', 'hostname', 'network_type'] as const;
const DATAPATH_ID = /^[0-9a-f]{16}$/i;

/**
 * A local_link_connection as Ironic's schema takes it: empty, or switch_id and port_id, or port_id and
 * hostname (a Smart NIC), or network_type "unmanaged"; no other keys, all strings. switch_id is a MAC
 * address or an OpenFlow datapath_id, kept lower case. network_type needs 1.64 (406 below).
 */
export function checkLocalLink(req: FastifyRequest, v: unknown): LocalLinkConnection {
  const schemaError = (why: string) => invalid(`Schema error for local_link_connection: ${why}`, 'local_link_connection');
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw schemaError(`${JSON.stringify(v)} is not of type 'object'`);
  const link = { ...(v as Record<string, unknown>) };
  for (const [k, val] of Object.entries(link)) {
    if (!(LINK_KEYS as readonly string[]).includes(k)) throw schemaError(`additional property '${k}' is not allowed (allowed: ${LINK_KEYS.join(', ')})`);
    if (typeof val !== 'string') throw schemaError(`${k}: ${JSON.stringify(val)} is not of type 'string'`);
  }
  if (link.network_type !== undefined) {
    requireVersion(req, 'behaviour', 'node', 'port-network-type', 'network_type in local_link_connection');
    if (link.network_type !== 'managed' && link.network_type !== 'unmanaged') throw schemaError(`network_type: '${link.network_type}' is not one of ['managed', 'unmanaged']`);
  }
  const has = (k: string) => link[k] !== undefined;
  const shaped = !Object.keys(link).length || (has('switch_id') && has('port_id')) || (has('port_id') && has('hostname')) || link.network_type === 'unmanaged';
  if (!shaped) throw schemaError('it needs switch_id and port_id, or port_id and hostname (a Smart NIC), or network_type "unmanaged"');
  if (typeof link.switch_id === 'string') {
    if (!isMacAddress(link.switch_id) && !DATAPATH_ID.test(link.switch_id)) throw invalid(`Expected a MAC address or OpenFlow datapath ID but received ${link.switch_id}.`, 'local_link_connection');
    link.switch_id = link.switch_id.toLowerCase();
  }
  return link as LocalLinkConnection;
}

/** The strings Ironic's boolean fields take (oslo strutils.bool_from_string, strict). */
export const TRUE_STRINGS: readonly string[] = ['true', '1', 'yes', 'on', 't', 'y'];
export const FALSE_STRINGS: readonly string[] = ['false', '0', 'no', 'off', 'f', 'n'];

/** Ironic's args.boolean: a JSON boolean or one of its boolean strings. */
export function checkBoolean(field: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  const s = typeof v === 'string' ? v.toLowerCase() : undefined;
  if (s && TRUE_STRINGS.includes(s)) return true;
  if (s && FALSE_STRINGS.includes(s)) return false;
  throw invalid(`Invalid boolean value for ${field}: ${JSON.stringify(v)}`, field);
}

/** A Smart NIC port's link must say where its host is (Ironic checks it on create, when a link is given). */
export function checkSmartNic(isSmartnic: boolean, link: LocalLinkConnection): void {
  if (isSmartnic && !(link.port_id !== undefined && link.hostname !== undefined)) {
    throw invalid('Smart NIC port must have port_id and hostname in local_link_connection', 'is_smartnic');
  }
}

/** A port's name: a logical name (as a node's), or null. */
export function checkPortName(v: unknown): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || !isLogicalName(v)) throw invalid(`Expected a logical name but received ${JSON.stringify(v)}.`, 'name');
  return v;
}
