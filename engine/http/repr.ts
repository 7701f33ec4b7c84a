// Records as Ironic's v1 API shows them. ironplan's node has six driver interfaces; the four Ironic
// kinds it has no implementation for are reported with Ironic's own names for "none" (noop, no-console,
// no-raid), which is what an Ironic node configured without them shows.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { PortRecord } from '../../contract/generated/port-record.js';
import { EngineError } from '../errors.js';
import { SECRET_MASK } from '../drivers/registry.js';

/** Interface kinds ironplan implements, as `<kind>_interface` fields. */
export const OWN_KINDS = ['boot', 'deploy', 'inspect', 'management', 'power', 'vendor'] as const;
export type OwnKind = (typeof OWN_KINDS)[number];

/** Interface kinds Ironic has and ironplan does not: each has only the no-op implementation. */
export const NOOP_INTERFACES: Record<string, { value: string; since: number }> = {
  console_interface: { value: 'no-console', since: 31 },
  network_interface: { value: 'noop', since: 31 },
  raid_interface: { value: 'no-raid', since: 31 },
  storage_interface: { value: 'noop', since: 33 },
};

/** Every node field of the v1 API and the minor version that introduced it (within our range). */
const NODE_FIELDS: Array<[string, number]> = [
  ['uuid', 0], ['name', 0], ['driver', 0], ['driver_info', 0], ['driver_internal_info', 0], ['extra', 0],
  ['instance_info', 0], ['instance_uuid', 0], ['last_error', 0], ['maintenance', 0], ['maintenance_reason', 0],
  ['power_state', 0], ['target_power_state', 0], ['properties', 0], ['provision_state', 0],
  ['target_provision_state', 0], ['provision_updated_at', 0], ['reservation', 0], ['console_enabled', 0],
  ['clean_step', 0], ['inspection_started_at', 0], ['inspection_finished_at', 0], ['raid_config', 0],
  ['target_raid_config', 0], ['chassis_uuid', 0], ['network_interface', 0], ['resource_class', 0],
  ['boot_interface', 0], ['console_interface', 0], ['deploy_interface', 0], ['inspect_interface', 0],
  ['management_interface', 0], ['power_interface', 0], ['raid_interface', 0], ['vendor_interface', 0],
  ['storage_interface', NOOP_INTERFACES.storage_interface!.since], ['traits', 37], ['created_at', 0], ['updated_at', 0], ['links', 0], ['ports', 0],
  ['portgroups', 0], ['states', 0], ['volume', 32],
];

const PORT_FIELDS: Array<[string, number]> = [
  ['uuid', 0], ['address', 0], ['node_uuid', 0], ['extra', 0], ['pxe_enabled', 0], ['local_link_connection', 0],
  ['internal_info', 0], ['portgroup_uuid', 0], ['physical_network', 34], ['created_at', 0], ['updated_at', 0], ['links', 0],
];

export const NODE_LIST_FIELDS = ['uuid', 'name', 'instance_uuid', 'power_state', 'provision_state', 'maintenance', 'links'];
export const PORT_LIST_FIELDS = ['uuid', 'address', 'links'];

export function nodeFieldsAt(v: number): string[] {
  return NODE_FIELDS.filter(([, since]) => since <= v).map(([f]) => f);
}
export function portFieldsAt(v: number): string[] {
  return PORT_FIELDS.filter(([, since]) => since <= v).map(([f]) => f);
}

/** The `fields` query parameter, checked against what the version has (Ironic answers 400 otherwise). */
export function parseFields(raw: string | undefined, allowed: string[]): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const fields = raw.split(',').map((f) => f.trim()).filter(Boolean);
  const bad = fields.filter((f) => !allowed.includes(f));
  if (bad.length) throw new EngineError('InvalidParameter', `Field(s) "${bad.join(', ')}" are not valid`, 'fields');
  return fields;
}

/** Ironic's self and bookmark links of a resource path such as "nodes/<uuid>/ports". */
export function links(base: string, path: string) {
  return [
    { href: `${base}/v1/${path}`, rel: 'self' },
    { href: `${base}/${path}`, rel: 'bookmark' },
  ];
}

/** instance_info as users see it: the config drive may hold secrets, as in Ironic. */
const noop = (field: string) => NOOP_INTERFACES[field]!.value;

/** The full v1 node of an already redacted record. */
export function nodeDetail(n: NodeRecord, v: number, base: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    uuid: n.uuid,
    name: n.name,
    driver: n.driver,
    driver_info: n.driver_info,
    driver_internal_info: n.driver_internal_info,
    extra: n.extra,
    instance_info: n.instance_info,
    instance_uuid: n.instance_uuid,
    last_error: n.last_error,
    maintenance: n.maintenance,
    maintenance_reason: n.maintenance_reason,
    power_state: n.power_state,
    target_power_state: n.target_power_state,
    properties: n.properties,
    provision_state: n.provision_state,
    target_provision_state: n.target_provision_state,
    provision_updated_at: n.provision_updated_at,
    reservation: n.reservation,
    console_enabled: false,
    clean_step: {},
    inspection_started_at: null,
    inspection_finished_at: null,
    raid_config: {},
    target_raid_config: {},
    chassis_uuid: null,
    network_interface: noop('network_interface'),
    resource_class: n.resource_class,
    boot_interface: n.interfaces.boot,
    console_interface: noop('console_interface'),
    deploy_interface: n.interfaces.deploy,
    inspect_interface: n.interfaces.inspect,
    management_interface: n.interfaces.management,
    power_interface: n.interfaces.power,
    raid_interface: noop('raid_interface'),
    vendor_interface: n.interfaces.vendor,
  };
  if (v >= NOOP_INTERFACES.storage_interface!.since) out.storage_interface = noop('storage_interface');
  if (v >= 37) out.traits = n.traits;
  out.created_at = n.created_at;
  out.updated_at = n.updated_at;
  out.links = links(base, `nodes/${n.uuid}`);
  out.ports = links(base, `nodes/${n.uuid}/ports`);
  out.portgroups = links(base, `nodes/${n.uuid}/portgroups`);
  out.states = links(base, `nodes/${n.uuid}/states`);
  if (v >= 32) out.volume = links(base, `nodes/${n.uuid}/volume`);
  return out;
}

export function pick(obj: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in obj) out[f] = obj[f];
  return out;
}

/** A list entry: the short form unless detail or explicit fields were asked for. */
export function nodeView(n: NodeRecord, v: number, base: string, opts: { detail?: boolean; fields?: string[] } = {}): Record<string, unknown> {
  if (opts.fields) return pick(nodeDetail(n, v, base), opts.fields);
  if (opts.detail) return nodeDetail(n, v, base);
  return {
    uuid: n.uuid,
    name: n.name,
    instance_uuid: n.instance_uuid,
    power_state: n.power_state,
    provision_state: n.provision_state,
    maintenance: n.maintenance,
    links: links(base, `nodes/${n.uuid}`),
  };
}

export function portDetail(p: PortRecord, v: number, base: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    uuid: p.uuid,
    address: p.address,
    node_uuid: p.node_uuid,
    extra: p.extra,
    pxe_enabled: p.pxe_enabled,
    local_link_connection: {},
    internal_info: {},
    portgroup_uuid: null,
  };
  if (v >= 34) out.physical_network = null;
  out.created_at = p.created_at;
  out.updated_at = p.updated_at;
  out.links = links(base, `ports/${p.uuid}`);
  return out;
}

export function portView(p: PortRecord, v: number, base: string, opts: { detail?: boolean; fields?: string[] } = {}): Record<string, unknown> {
  if (opts.fields) return pick(portDetail(p, v, base), opts.fields);
  if (opts.detail) return portDetail(p, v, base);
  return { uuid: p.uuid, address: p.address, links: links(base, `ports/${p.uuid}`) };
}

/** Ironic's GET /v1/nodes/{id}/states. */
export function nodeStates(n: NodeRecord): Record<string, unknown> {
  return {
    console_enabled: false,
    last_error: n.last_error,
    power_state: n.power_state,
    provision_state: n.provision_state,
    provision_updated_at: n.provision_updated_at,
    raid_config: {},
    target_power_state: n.target_power_state,
    target_provision_state: n.target_provision_state,
    target_raid_config: {},
  };
}
