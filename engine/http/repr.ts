// Records as Ironic's v1 API shows them, at the request's microversion: each view is built whole, then
// cut to the fields that version has (versions-table.ts). ironplan's node has six driver interfaces; the
// four Ironic kinds it has no implementation for are reported with Ironic's own names for "none" (noop,
// no-console, no-raid), which is what an Ironic node configured without them shows.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { PortRecord } from '../../contract/generated/port-record.js';
import type { ChassisRecord } from '../generated/chassis-record.js';
import type { PortgroupRecord } from '../generated/portgroup-record.js';
import { EngineError } from '../errors.js';
import { NotAcceptable } from './version.js';
import { fieldSetAt, fieldsAt, findEntry, since, stateAt, type OfKind } from './versions-table.js';

/** Interface kinds ironplan implements, as `<kind>_interface` fields. */
export const OWN_KINDS = ['boot', 'deploy', 'inspect', 'management', 'power', 'vendor'] as const;
export type OwnKind = (typeof OWN_KINDS)[number];

/** Interface kinds Ironic has and ironplan does not: each has only the no-op implementation. */
export const NOOP_INTERFACES: Readonly<Record<string, string>> = {
  console_interface: 'no-console',
  network_interface: 'noop',
  raid_interface: 'no-raid',
  storage_interface: 'noop',
  bios_interface: 'no-bios',
  firmware_interface: 'no-firmware',
};

/**
 * Ironic's rescue interface, which ironplan derives from the deploy interface rather than stores: Ironic's
 * fake deploy rescues at once ("fake"); the agent path has no rescue ramdisk flow ("no-rescue").
 */
export function rescueInterface(n: Pick<NodeRecord, 'interfaces'>): string {
  return n.interfaces.deploy === 'fake' ? 'fake' : 'no-rescue';
}

/** What a node's representation shows that is not in its record: the manager that owns it (API 1.49). */
export interface NodeExtras {
  conductor?: string | null;
}

export const NODE_LIST_FIELDS = ['uuid', 'name', 'instance_uuid', 'power_state', 'provision_state', 'maintenance', 'links'];
export const PORT_LIST_FIELDS = ['uuid', 'address', 'links'];
export const CHASSIS_LIST_FIELDS = ['uuid', 'description', 'links'];
export const PORTGROUP_LIST_FIELDS = ['uuid', 'address', 'name', 'links'];

/** The collection whose `fields` parameter selects fields of a resource. */
const COLLECTION: Record<string, OfKind<'query'>> = { node: 'nodes', port: 'ports', chassis: 'chassis', portgroup: 'portgroups', allocation: 'allocations', deploy_template: 'deploy_templates', volume_connector: 'volume_connectors', volume_target: 'volume_targets', driver: 'drivers' };

/**
 * The `fields` query parameter, as Ironic checks it: 406 before 1.8 or for a field of a later version,
 * 400 for a name that is no field of the resource.
 */
export function parseFields(raw: string | undefined, of: 'node' | 'port' | 'chassis' | 'portgroup' | 'allocation' | 'deploy_template' | 'volume_connector' | 'volume_target' | 'driver', v: number): string[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const needs = since('query', COLLECTION[of]!, 'fields');
  if (v < needs) throw new NotAcceptable(`Request not acceptable: ?fields requires API version 1.${needs} or later (this request is 1.${v}).`);
  const fields = raw.split(',').map((f) => f.trim()).filter(Boolean);
  const allowed = fieldsAt(of, v);
  const later = fields.filter((f) => !allowed.includes(f) && findEntry('field', of, f));
  if (later.length) throw new NotAcceptable(`Request not acceptable: field(s) "${later.join(', ')}" are not in API version 1.${v}.`);
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

/** The fields asked for, and links always, as Ironic's sanitize_dict keeps them (?fields=uuid has links). */
export function pick(obj: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of [...fields, 'links']) if (f in obj) out[f] = obj[f];
  return out;
}

/** A view cut to what version `v` has of the resource, in the view's own order. */
export function atVersion(full: Record<string, unknown>, of: OfKind<'field'>, v: number): Record<string, unknown> {
  const allowed = fieldSetAt(of, v);
  const out: Record<string, unknown> = {};
  for (const k in full) if (allowed.has(k)) out[k] = full[k];
  if ('provision_state' in out) out.provision_state = stateAt(out.provision_state as string | null, v);
  return out;
}

/** The full v1 node of an already redacted record. */
export function nodeDetail(n: NodeRecord, v: number, base: string, extras: NodeExtras = {}): Record<string, unknown> {
  const full: Record<string, unknown> = {
    uuid: n.uuid,
    name: n.name,
    driver: n.driver,
    driver_info: n.driver_info,
    driver_internal_info: n.driver_internal_info,
    extra: n.extra,
    instance_info: n.instance_info,
    instance_uuid: n.instance_uuid,
    allocation_uuid: n.allocation_uuid ?? null,
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
    chassis_uuid: n.chassis_uuid,
    network_interface: NOOP_INTERFACES.network_interface,
    resource_class: n.resource_class,
    boot_interface: n.interfaces.boot,
    console_interface: NOOP_INTERFACES.console_interface,
    deploy_interface: n.interfaces.deploy,
    inspect_interface: n.interfaces.inspect,
    management_interface: n.interfaces.management,
    power_interface: n.interfaces.power,
    raid_interface: NOOP_INTERFACES.raid_interface,
    vendor_interface: n.interfaces.vendor,
    storage_interface: NOOP_INTERFACES.storage_interface,
    traits: n.traits,
    rescue_interface: rescueInterface(n),
    bios_interface: NOOP_INTERFACES.bios_interface,
    fault: n.fault,
    deploy_step: {},
    conductor_group: n.conductor_group,
    automated_clean: n.automated_clean,
    protected: n.protected,
    protected_reason: n.protected_reason,
    conductor: extras.conductor ?? null,
    owner: n.owner,
    description: n.description,
    retired: n.retired,
    retired_reason: n.retired_reason,
    lessee: n.lessee,
    network_data: n.network_data,
    boot_mode: n.boot_mode,
    secure_boot: n.secure_boot,
    shard: n.shard,
    parent_node: n.parent_node,
    firmware_interface: NOOP_INTERFACES.firmware_interface,
    service_step: {},
    created_at: n.created_at,
    updated_at: n.updated_at,
    links: links(base, `nodes/${n.uuid}`),
    ports: links(base, `nodes/${n.uuid}/ports`),
    portgroups: links(base, `nodes/${n.uuid}/portgroups`),
    states: links(base, `nodes/${n.uuid}/states`),
    volume: links(base, `nodes/${n.uuid}/volume`),
  };
  return atVersion(full, 'node', v);
}

/** A list entry: the short form unless detail or explicit fields were asked for. */
export function nodeView(n: NodeRecord, v: number, base: string, opts: { detail?: boolean; fields?: readonly string[] } & NodeExtras = {}): Record<string, unknown> {
  if (opts.fields) return pick(nodeDetail(n, v, base, opts), opts.fields);
  if (opts.detail) return nodeDetail(n, v, base, opts);
  const short = {
    uuid: n.uuid,
    name: n.name,
    instance_uuid: n.instance_uuid,
    power_state: n.power_state,
    provision_state: n.provision_state,
    maintenance: n.maintenance,
    links: links(base, `nodes/${n.uuid}`),
  };
  return atVersion(short, 'node', v);
}

export function portDetail(p: PortRecord, v: number, base: string): Record<string, unknown> {
  const full: Record<string, unknown> = {
    uuid: p.uuid,
    address: p.address,
    node_uuid: p.node_uuid,
    extra: p.extra,
    pxe_enabled: p.pxe_enabled,
    local_link_connection: p.local_link_connection ?? {},
    internal_info: p.internal_info ?? {},
    portgroup_uuid: p.portgroup_uuid ?? null,
    physical_network: null,
    is_smartnic: p.is_smartnic ?? false,
    name: p.name ?? null,
    created_at: p.created_at,
    updated_at: p.updated_at,
    links: links(base, `ports/${p.uuid}`),
  };
  return atVersion(full, 'port', v);
}

export function portView(p: PortRecord, v: number, base: string, opts: { detail?: boolean; fields?: readonly string[] } = {}): Record<string, unknown> {
  if (opts.fields) return pick(portDetail(p, v, base), opts.fields);
  if (opts.detail) return portDetail(p, v, base);
  return { uuid: p.uuid, address: p.address, links: links(base, `ports/${p.uuid}`) };
}

export function chassisDetail(c: ChassisRecord, v: number, base: string): Record<string, unknown> {
  const full: Record<string, unknown> = {
    uuid: c.uuid,
    description: c.description,
    extra: c.extra,
    created_at: c.created_at,
    updated_at: c.updated_at,
    links: links(base, `chassis/${c.uuid}`),
    // A list of links, as the api-ref documents it (Ironic 21.4 nests it in one more list, a bug).
    nodes: links(base, `chassis/${c.uuid}/nodes`),
  };
  return atVersion(full, 'chassis', v);
}

export function chassisView(c: ChassisRecord, v: number, base: string, opts: { detail?: boolean; fields?: readonly string[] } = {}): Record<string, unknown> {
  if (opts.fields) return pick(chassisDetail(c, v, base), opts.fields);
  if (opts.detail) return chassisDetail(c, v, base);
  return pick(chassisDetail(c, v, base), CHASSIS_LIST_FIELDS);
}

export function portgroupDetail(pg: PortgroupRecord, v: number, base: string): Record<string, unknown> {
  const full: Record<string, unknown> = {
    uuid: pg.uuid,
    name: pg.name,
    address: pg.address,
    node_uuid: pg.node_uuid,
    extra: pg.extra,
    internal_info: pg.internal_info,
    mode: pg.mode,
    properties: pg.properties,
    standalone_ports_supported: pg.standalone_ports_supported,
    created_at: pg.created_at,
    updated_at: pg.updated_at,
    links: links(base, `portgroups/${pg.uuid}`),
    ports: links(base, `portgroups/${pg.uuid}/ports`),
  };
  return atVersion(full, 'portgroup', v);
}

export function portgroupView(pg: PortgroupRecord, v: number, base: string, opts: { detail?: boolean; fields?: readonly string[] } = {}): Record<string, unknown> {
  if (opts.fields) return pick(portgroupDetail(pg, v, base), opts.fields);
  if (opts.detail) return portgroupDetail(pg, v, base);
  return pick(portgroupDetail(pg, v, base), PORTGROUP_LIST_FIELDS);
}

/** Ironic's GET /v1/nodes/{id}/states. */
export function nodeStates(n: NodeRecord, v: number): Record<string, unknown> {
  const full: Record<string, unknown> = {
    console_enabled: false,
    last_error: n.last_error,
    power_state: n.power_state,
    provision_state: n.provision_state,
    provision_updated_at: n.provision_updated_at,
    raid_config: {},
    target_power_state: n.target_power_state,
    target_provision_state: n.target_provision_state,
    target_raid_config: {},
    boot_mode: n.boot_mode,
    secure_boot: n.secure_boot,
  };
  return atVersion(full, 'states', v);
}
