// Ironic's v1 microversions, as one table: what each version adds (fields of the resources, endpoints,
// provision and power targets, query parameters, state names, behaviours) and how ironplan has it. Every
// version check of the v1 API and the table in engine/http/README.md derive from it, so a feature's version
// is written once. To claim a newer version: implement what it adds, add its row, raise MAX_VERSION.
// Source: Ironic 21.4's ironic/api/controllers/v1 (versions.py, utils.py and the controllers), checked
// against a running Ironic 21.4 (test/http/fixtures/ironic-21.4-fields.json, test/http/versions.test.ts).

/** The oldest version: an absent version header means it, as in Ironic. */
export const MIN_VERSION = 1;
/** The newest version ironplan answers: Metal3's baseline, 1.89. */
export const MAX_VERSION = 89;

export type Kind = 'field' | 'endpoint' | 'provision' | 'power' | 'query' | 'state' | 'behaviour';

/**
 * How ironplan has a change: as Ironic specifies (`yes`); present but always Ironic's "none" value, since
 * ironplan has no such feature (`none`); not at all (`no`); or answered at every version, before the one
 * that adds it (`any-version`; the note says why).
 */
export type Support = 'yes' | 'none' | 'no' | 'any-version';

export type Method = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface Change<K extends Kind = Kind, O extends string = string, N extends string = string> {
  kind: K;
  /** Whose: a resource for fields and states, a collection for query parameters, the API for endpoints. */
  of: O;
  /** The field, path, target, parameter, state or behaviour. */
  name: N;
  support: Support;
  /**
   * The answer to a request using it below its version. Fields are hidden in answers and refused with 406
   * in requests; other kinds say (a status for every method, or one per method).
   */
  below?: number | Partial<Record<Method, number>>;
  /** A state's name below its version (null: Ironic's NOSTATE). */
  older?: string | null;
  /** A behaviour, in words. */
  what?: string;
  /** How ironplan has it, where `support` alone does not say. */
  note?: string;
}

export interface Microversion {
  minor: number;
  title: string;
  changes: readonly Change[];
}

type Opts = Pick<Change, 'below' | 'older' | 'note' | 'what'> & { support?: Support };

function many<const K extends Kind, const O extends string, const N extends string>(kind: K, of: O, names: readonly N[], opts: Opts = {}): Array<Change<K, O, N>> {
  const { support = 'yes', ...rest } = opts;
  return names.map((name) => ({ kind, of, name, support, ...rest }));
}
const fields = <const O extends string, const N extends string>(of: O, names: readonly N[], opts?: Opts) => many('field', of, names, opts);
const endpoints = <const N extends string>(names: readonly N[], opts?: Opts) => many('endpoint', 'v1', names, { below: 404, ...opts });
const targets = <const K extends 'provision' | 'power', const N extends string>(kind: K, names: readonly N[], opts?: Opts) => many(kind, 'node', names, { below: 406, ...opts });
const queries = <const O extends string, const N extends string>(of: O, names: readonly N[], opts?: Opts) => many('query', of, names, { below: 406, ...opts });
const behaviour = <const N extends string>(name: N, what: string, opts?: Opts) => many('behaviour', 'node', [name], { what, ...opts });

function version<const G extends ReadonlyArray<readonly Change[]>>(minor: number, title: string, ...groups: G): { minor: number; title: string; changes: Array<G[number][number]> } {
  return { minor, title, changes: groups.flat() };
}

/** Interface fields of a driver's detail: the default and the enabled implementations of each kind. */
const driverInterfaceFields = <const K extends string>(kinds: readonly K[]) => kinds.flatMap((k) => [`default_${k}_interface` as const, `enabled_${k}_interfaces` as const]);

export const MICROVERSIONS = [
  version(1, 'The API as versioning began (Kilo)',
    fields('node', ['uuid', 'driver', 'driver_info', 'extra', 'instance_info', 'instance_uuid', 'last_error', 'maintenance',
      'maintenance_reason', 'power_state', 'target_power_state', 'properties', 'provision_state', 'target_provision_state',
      'provision_updated_at', 'reservation', 'chassis_uuid', 'created_at', 'updated_at', 'links', 'ports']),
    fields('node', ['console_enabled'], { support: 'none', note: 'always false: no console' }),
    fields('states', ['last_error', 'power_state', 'provision_state', 'provision_updated_at', 'target_power_state', 'target_provision_state']),
    fields('states', ['console_enabled'], { support: 'none', note: 'always false' }),
    fields('port', ['uuid', 'address', 'node_uuid', 'extra', 'created_at', 'updated_at', 'links']),
    fields('chassis', ['uuid', 'description', 'extra', 'created_at', 'updated_at', 'links', 'nodes']),
    fields('driver', ['name', 'hosts', 'links']),
    fields('v1', ['chassis', 'nodes', 'ports', 'drivers']),
    endpoints(['/v1/nodes', '/v1/ports', '/v1/chassis', '/v1/drivers'], { note: 'nodes: CRUD, states, power, provision, boot device, validate, maintenance, vendor passthru; ports, chassis: CRUD; drivers: list, show, properties' }),
    endpoints(['/v1/drivers/{driver}/vendor_passthru'], { note: 'driver-level passthru: methods and calls, through a manager that has the hardware type (fake: fake_driver_method)' }),
    targets('provision', ['active', 'deleted', 'rebuild']),
    targets('power', ['power on', 'power off', 'rebooting']),
    queries('nodes', ['chassis_uuid', 'instance_uuid', 'associated', 'maintenance', 'marker', 'limit', 'sort_key', 'sort_dir']),
    queries('ports', ['node', 'node_uuid', 'address', 'marker', 'limit', 'sort_key', 'sort_dir']),
    queries('chassis', ['marker', 'limit', 'sort_key', 'sort_dir']),
  ),
  version(2, 'The "available" state name', many('state', 'node', ['available'], { older: null })),
  version(3, 'node.driver_internal_info', fields('node', ['driver_internal_info'])),
  version(4, 'The manageable state', targets('provision', ['manage', 'provide'])),
  version(5, 'Node names',
    fields('node', ['name']),
    behaviour('names', 'a node is named by uuid or name in URLs and ?node=; below, a name in a URL is 404 and one in a body or ?node= is 406'),
  ),
  version(6, 'Inspection',
    targets('provision', ['inspect']),
    fields('node', ['inspection_started_at', 'inspection_finished_at'], { support: 'none', note: 'always null: inspection times are not recorded' }),
  ),
  version(7, 'node.clean_step', fields('node', ['clean_step'], { support: 'none', note: 'always {}: cleaning progress is in events' })),
  version(8, 'Field selection', queries('nodes', ['fields']), queries('ports', ['fields']), queries('chassis', ['fields'])),
  version(9, 'Filter nodes by provision state', queries('nodes', ['provision_state'])),
  version(10, 'Node names of RFC 3986 unreserved characters', behaviour('rfc3986-names', 'names of letters, digits and . _ ~ -; below, hostname-safe names only (400 otherwise)')),
  version(11, 'New nodes start in enroll', behaviour('enroll', 'a created node is in enroll; below, it is created available (as Ironic: set at creation, no cleaning)')),
  version(12, 'RAID',
    fields('node', ['raid_config', 'target_raid_config'], { support: 'none', note: 'always {}: no RAID interface' }),
    fields('states', ['raid_config', 'target_raid_config'], { support: 'none', note: 'always {}' }),
    endpoints(['/v1/nodes/{node}/states/raid'], { note: 'no-raid: 400, as Ironic answers a node without a RAID interface' }),
    endpoints(['/v1/drivers/{driver}/raid/logical_disk_properties'], { note: "Ironic's RAID config schema's logical disk properties (the raid interface is no-raid: nothing applies them)" }),
  ),
  version(13, 'Abort', targets('provision', ['abort'])),
  version(14, 'Links to node states and driver properties', fields('node', ['states']), fields('driver', ['properties'])),
  version(15, 'Manual cleaning', targets('provision', ['clean'], { note: 'with clean_steps' })),
  version(16, 'Filter nodes by driver', queries('nodes', ['driver'])),
  version(17, 'Adoption', targets('provision', ['adopt'], { note: 'from manageable: power and deploy interfaces validated, then active without a deploy' })),
  version(18, 'port.internal_info', fields('port', ['internal_info'], { note: 'read-only; tenant_vif_port_id of an attached VIF' })),
  version(19, 'Port network fields',
    fields('port', ['pxe_enabled']),
    fields('port', ['local_link_connection'], { support: 'none', note: 'only {} is accepted' }),
  ),
  version(20, 'node.network_interface', fields('node', ['network_interface'], { support: 'none', note: '"noop"' })),
  version(21, 'Resource classes', fields('node', ['resource_class']), queries('nodes', ['resource_class'])),
  version(22, 'The ramdisk agent\'s lookup and heartbeat',
    endpoints(['/v1/lookup', '/v1/heartbeat/{node}'], { support: 'any-version', note: 'the shell agent sends no version header' }),
    fields('v1', ['lookup', 'heartbeat']),
  ),
  version(23, 'Port groups',
    endpoints(['/v1/portgroups'], { note: 'CRUD, /detail; the API service writes port groups itself (no driver work with the noop network interface)' }),
    fields('portgroup', ['uuid', 'name', 'address', 'node_uuid', 'extra', 'internal_info', 'standalone_ports_supported', 'created_at', 'updated_at', 'links', 'ports']),
    fields('v1', ['portgroups']),
    queries('portgroups', ['node', 'address', 'marker', 'limit', 'sort_key', 'sort_dir', 'fields']),
  ),
  version(24, 'Port group links',
    fields('node', ['portgroups']),
    fields('port', ['portgroup_uuid']),
    endpoints(['/v1/nodes/{node}/portgroups', '/v1/portgroups/{portgroup}/ports']),
    queries('ports', ['portgroup']),
  ),
  version(25, 'Unset a node\'s chassis', behaviour('unset-chassis', 'chassis_uuid may be removed from a node; below, 406')),
  version(26, 'Port group mode and properties',
    // Checked against a running Ironic 21.4: it refuses them in requests below 1.26 (406) but still shows
    // them in answers; ironplan hides them below 1.26, as the api-ref and every other field of the table.
    fields('portgroup', ['mode', 'properties'], { note: 'hidden below 1.26 (Ironic 21.4 shows them from 1.23)' }),
  ),
  version(27, 'Soft power off and soft reboot',
    targets('power', ['soft power off', 'soft rebooting'], { note: 'fake: at once; ipmi: `ipmitool power soft`, confirmed off (soft rebooting: then power on); a power interface without soft power: 400' }),
    behaviour('power-timeout', 'a power change may give a timeout; below, 406', { below: 406, note: 'seconds the BMC has to confirm (default 60; soft power off 600, as Ironic)' }),
  ),
  version(28, 'VIFs', endpoints(['/v1/nodes/{node}/vifs'], { note: 'list, attach, detach: recorded on a free port or port group (internal_info.tenant_vif_port_id), as Ironic\'s flat network records them; no network service is told' })),
  version(29, 'Inject NMI', endpoints(['/v1/nodes/{node}/management/inject_nmi'], { note: 'ipmi: `ipmitool chassis power diag`; redfish: InjectNmi; fake-hardware: 400, as Ironic\'s fake management has none' })),
  version(30, 'Hardware types in the drivers API',
    fields('driver', ['type', ...driverInterfaceFields(['boot', 'console', 'deploy', 'inspect', 'management', 'network', 'power', 'raid', 'vendor'])]),
    queries('drivers', ['type', 'detail']),
  ),
  version(31, 'Node interface fields',
    fields('node', ['boot_interface', 'deploy_interface', 'inspect_interface', 'management_interface', 'power_interface', 'vendor_interface']),
    fields('node', ['console_interface', 'raid_interface'], { support: 'none', note: '"no-console", "no-raid"' }),
  ),
  version(32, 'Volumes',
    fields('node', ['volume']),
    endpoints(['/v1/volume'], { below: { GET: 404, POST: 405, PATCH: 405, DELETE: 405 }, note: 'connectors and targets: CRUD (change and delete with the node powered off, through its manager), ?node, ?detail; a node\'s at /v1/nodes/{node}/volume; recorded only: the storage interface is noop' }),
    fields('volume_connector', ['uuid', 'node_uuid', 'type', 'connector_id', 'extra', 'created_at', 'updated_at', 'links']),
    fields('volume_target', ['uuid', 'node_uuid', 'volume_type', 'properties', 'boot_index', 'volume_id', 'extra', 'created_at', 'updated_at', 'links']),
    fields('v1', ['volume']),
    queries('volume_connectors', ['node', 'detail', 'fields', 'marker', 'limit', 'sort_key', 'sort_dir']),
    queries('volume_targets', ['node', 'detail', 'fields', 'marker', 'limit', 'sort_key', 'sort_dir']),
  ),
  version(33, 'node.storage_interface',
    fields('node', ['storage_interface'], { support: 'none', note: '"noop"' }),
    fields('driver', driverInterfaceFields(['storage']), { support: 'none', note: '"noop"' }),
  ),
  version(34, 'port.physical_network', fields('port', ['physical_network'], { support: 'none', note: 'always null' })),
  version(35, 'A config drive with rebuild', behaviour('rebuild-configdrive', 'configdrive may be given with "rebuild"; below, only with "active" (400)', { below: 400 })),
  version(36, 'The agent\'s version in heartbeats', behaviour('agent-version', 'heartbeats may carry agent_version', { support: 'any-version', note: 'the agent endpoints answer at any version' })),
  version(37, 'Node traits',
    fields('node', ['traits']),
    endpoints(['/v1/nodes/{node}/traits'], { below: { GET: 406, PUT: 405, DELETE: 404 } }),
  ),
  version(38, 'Rescue',
    targets('provision', ['rescue', 'unrescue'], { note: 'rescue needs rescue_password; fake deploy rescues at once, the agent path answers 400 (no rescue interface)' }),
    fields('node', ['rescue_interface'], { note: 'follows the deploy interface: "fake" with fake deploy, else "no-rescue"; read-only' }),
    fields('driver', driverInterfaceFields(['rescue']), { note: 'from the deploy interfaces' }),
  ),
  version(39, 'The "inspect wait" state name', many('state', 'node', ['inspect wait'], { older: 'inspecting' })),
  version(40, 'BIOS settings',
    fields('node', ['bios_interface'], { support: 'none', note: '"no-bios"' }),
    fields('driver', driverInterfaceFields(['bios']), { support: 'none', note: '"no-bios"' }),
    endpoints(['/v1/nodes/{node}/bios'], { note: 'the settings the manager cached on manage and after cleaning (fake-hardware, redfish); changed by the clean steps bios.apply_configuration, bios.factory_reset' }),
  ),
  version(41, 'Abort of inspection', behaviour('abort-inspect-wait', '"abort" from inspect wait; below, 406', { below: 406 })),
  version(42, 'node.fault',
    fields('node', ['fault'], { note: '"power failure": set with maintenance after 3 failed power syncs in a row, cleared when the BMC answers again' }),
    queries('nodes', ['fault']),
  ),
  version(43, 'The detail query parameter',
    // Ironic answers 400 below 1.43; ironplan's Terraform provider has always sent ?detail=true (a deployed
    // provider must keep working), and no Ironic client relies on the 400.
    many('query', 'nodes', ['detail'], { below: 400, support: 'any-version', note: "ironplan's Terraform provider sends it (Ironic: 400 below 1.43)" }),
    many('query', 'ports', ['detail'], { below: 400, support: 'any-version', note: 'as on /v1/nodes' }),
    many('query', 'chassis', ['detail'], { below: 400, support: 'any-version', note: 'as on /v1/nodes' }),
    many('query', 'portgroups', ['detail'], { below: 400, support: 'any-version', note: 'as on /v1/nodes' }),
  ),
  version(44, 'node.deploy_step', fields('node', ['deploy_step'], { support: 'none', note: 'always {}: deploy progress is in events' })),
  version(45, 'Reset interfaces on a driver change', behaviour('reset-interfaces', '?reset_interfaces=true on PATCH /v1/nodes/{node} with a new driver resets its interfaces to the driver\'s defaults; below, 406', { below: 406, note: 'no parameter: reset too (ironplan\'s behaviour before 1.45)' })),
  version(46, 'node.conductor_group', fields('node', ['conductor_group'], { note: 'only managers of the group handle the node' }), queries('nodes', ['conductor_group'])),
  version(47, 'node.automated_clean', fields('node', ['automated_clean'], { note: 'false skips automated cleaning' })),
  version(48, 'Protected nodes',
    fields('node', ['protected', 'protected_reason'], { note: 'only an active (or rescued) node is made protected' }),
    behaviour('protected', 'a protected node refuses undeploy, rebuild and deletion (403)'),
  ),
  version(49, 'Conductors',
    endpoints(['/v1/conductors'], { support: 'any-version', note: 'ironplan\'s managers; operators need them before ironplan claims 1.49' }),
    fields('v1', ['conductors']),
    fields('node', ['conductor'], { note: 'the owning manager by the hash ring (its id, as /v1/conductors names it)' }),
    queries('nodes', ['conductor'], { note: 'the hash ring\'s owner, filtered as pages are read (full pages until the last)' }),
  ),
  version(50, 'node.owner', fields('node', ['owner'], { note: 'stored and filtered on; a project token sees and acts on the nodes its project owns or leases (engine/http/policy-rules.ts)' }), queries('nodes', ['owner'])),
  version(51, 'node.description', fields('node', ['description']), queries('nodes', ['description_contains'])),
  version(52, 'Allocations',
    endpoints(['/v1/allocations'], { below: { GET: 404, POST: 405, PATCH: 405, DELETE: 405 }, note: 'create (picked by the manager: an available node of the resource class with every trait, at random; one conditional write, so racing allocations never share a node), list, show (UUID or name), delete (frees the node)' }),
    endpoints(['/v1/nodes/{node}/allocation'], { note: 'show and delete a node\'s allocation' }),
    fields('allocation', ['uuid', 'name', 'node_uuid', 'state', 'last_error', 'resource_class', 'traits', 'candidate_nodes', 'extra', 'created_at', 'updated_at', 'links']),
    fields('node', ['allocation_uuid']),
    fields('v1', ['allocations']),
    queries('allocations', ['node', 'resource_class', 'state', 'marker', 'limit', 'sort_key', 'sort_dir', 'fields']),
  ),
  version(53, 'Smart NIC ports', fields('port', ['is_smartnic'], { note: 'stored; a local_link_connection given on create with it needs port_id and hostname (400), as Ironic 21.4 checks' })),
  version(54, 'Network events',
    endpoints(['/v1/events'], { note: 'POST: validated and logged, as Ironic does; GET is ironplan\'s event log (also /v1/events/stream), at any version' }),
    fields('v1', ['events']),
  ),
  version(55, 'Deploy templates',
    endpoints(['/v1/deploy_templates'], { below: { GET: 404, POST: 405, PATCH: 405, DELETE: 405 }, note: 'CRUD, /detail; a deploy whose instance_info.traits name a template records its steps (events), which ironplan\'s deploy interfaces run as no-ops' }),
    fields('deploy_template', ['uuid', 'name', 'steps', 'extra', 'created_at', 'updated_at', 'links']),
    fields('v1', ['deploy_templates']),
    queries('deploy_templates', ['marker', 'limit', 'sort_key', 'sort_dir', 'fields', 'detail']),
  ),
  version(56, 'Config drives built from their parts', behaviour('configdrive-dict', 'configdrive may be an object of meta_data, network_data and user_data; below, a string only', { support: 'any-version', note: "ironplan's Terraform provider sends one; kept with its digest (the deploy interfaces write no config drive)" })),
  version(57, 'Allocation updates', behaviour('allocation-patch', 'PATCH /v1/allocations/{allocation} changes name and extra; below, 405', { below: 405 })),
  version(58, 'Allocation backfill', behaviour('allocation-backfill', 'an allocation may name the deployed node it records (node); below, 400', { below: 400 })),
  version(59, 'Vendor data in config drives', behaviour('configdrive-vendor-data', 'a configdrive object may carry vendor_data', { support: 'any-version', note: 'as 1.56' })),
  version(60, 'Allocation owner', fields('allocation', ['owner']), queries('allocations', ['owner'])),
  version(61, 'Retired nodes',
    fields('node', ['retired', 'retired_reason'], { note: 'a retired node refuses provide and ends cleaning manageable' }),
    queries('nodes', ['retired']),
  ),
  version(62, 'The agent token', behaviour('agent-token', 'lookup answers an agent_token the heartbeats must carry', { support: 'any-version', note: 'the agent endpoints answer at any version' })),
  version(63, 'Indicators', endpoints(['/v1/nodes/{node}/management/indicators'], { support: 'none', note: 'an empty list: the management interfaces have no indicators' })),
  version(64, 'network_type in a port\'s local_link_connection', behaviour('port-network-type', 'local_link_connection may carry network_type; below, 406', { note: 'stored, with switch_id, port_id, switch_info and hostname, checked as Ironic\'s schema (switch_id a MAC address or datapath_id); ironplan configures no switch' })),
  version(65, 'node.lessee', fields('node', ['lessee'], { note: 'as owner' }), queries('nodes', ['lessee'])),
  version(66, 'node.network_data', fields('node', ['network_data'], { note: 'stored and shown; config drives are built from the one given with the deploy' })),
  version(67, 'VIF attachment to a given port', behaviour('vif-port-uuid', 'a VIF attachment may name port_uuid or portgroup_uuid', { note: 'only that port (or group) is considered; naming both is a 400 from 1.67, and below the names are used as Ironic\'s conductor uses them' })),
  version(68, 'agent_verify_ca in heartbeats', behaviour('agent-verify-ca', 'heartbeats may carry agent_verify_ca', { support: 'any-version', note: 'accepted and unused: the agent endpoints answer at any version, and the manager never calls the agent (its commands ride on heartbeat replies)' })),
  version(69, 'Deploy steps', behaviour('deploy-steps', 'deploy_steps may be given with "active" and "rebuild"; below, 406', { below: 406, support: 'none', note: 'only []: no interface offers optional deploy steps' })),
  version(70, 'Cleaning without the ramdisk', behaviour('disable-ramdisk', 'disable_ramdisk may be given with "clean" (and "service"); below, 406', { below: 406, note: 'only steps that need no ramdisk: the agent\'s clean steps all do (400), fake deploy\'s reboot does not' })),
  version(71, 'Scope-based roles', behaviour('scoped-rbac', 'a signifier of scope-based roles (system and project scopes)', { note: 'a signifier changing no request or answer; ironplan\'s tokens are system-scoped (admin, reader) or project-scoped (owner/lessee policy, engine/http/policy-rules.ts)' })),
  version(72, 'The agent\'s status in heartbeats', behaviour('agent-status', 'heartbeats may carry agent_status and agent_status_message', { support: 'any-version', note: 'the agent endpoints answer at any version' })),
  version(73, 'The deploy and undeploy verbs', targets('provision', ['deploy', 'undeploy'])),
  version(74, 'The BIOS registry', behaviour('bios-registry', 'BIOS settings carry their registry (attribute_type, allowable_values, ...) with ?detail', { below: 400, support: 'none', note: '?detail and ?fields are checked as Ironic checks them (400 below 1.74, not both); the list is empty (no-bios)' })),
  version(75, 'Boot mode and secure boot',
    fields('node', ['boot_mode', 'secure_boot'], { support: 'none', note: 'null: the BMC is not asked' }),
    fields('states', ['boot_mode', 'secure_boot'], { support: 'none', note: 'null' }),
  ),
  version(76, 'Changing boot mode and secure boot', endpoints(['/v1/nodes/{node}/states/boot_mode', '/v1/nodes/{node}/states/secure_boot'], { support: 'none', note: '400: the management interfaces cannot change them' })),
  version(77, 'Field selection of drivers', queries('drivers', ['fields'])),
  version(78, 'Node history', endpoints(['/v1/nodes/{node}/history'], { note: "the node's events: failures as ERROR, the rest INFO" })),
  // Beyond MAX_VERSION: what ironplan already has (or must refuse) from later versions. A request gets it
  // from its version, so not until MAX_VERSION reaches it, unless the row says it is answered at any version.
  version(79, 'Allocations prefer a node named as the allocation', behaviour('allocation-name-match', 'an allocation with a name prefers the node of that name', { support: 'any-version', note: 'the manager prefers it at every version, as Ironic 21.4\'s conductor does (1.79 only signals it)' })),
  version(80, 'Project-scoped node creation and deletion', behaviour('project-create-delete', 'a signifier: a project-scoped admin may create and delete nodes it owns', { support: 'none', note: 'project tokens (owner/lessee policy) exist, but only system admins create and delete nodes' })),
  version(81, 'Node inventory', endpoints(['/v1/nodes/{node}/inventory'], { note: 'the last inspection\'s (agent or BMC), in Ironic\'s layout as far as ironplan inspects: cpu, memory, interfaces; the largest disk\'s local_gb in plugin_data; 404 when never inspected' })),
  version(82, 'Shards',
    fields('node', ['shard']),
    queries('nodes', ['shard', 'sharded']),
    endpoints(['/v1/shards']),
    fields('v1', ['shards']),
  ),
  version(83, 'Child nodes',
    fields('node', ['parent_node']),
    queries('nodes', ['parent_node', 'include_children'], { note: 'from 1.83 child nodes are listed only with include_children=true or parent_node' }),
    endpoints(['/v1/nodes/{node}/children']),
  ),
  version(84, 'The ramdisk\'s continue_inspection callback', endpoints(['/v1/continue_inspection'], { support: 'any-version', note: 'the agent endpoints answer at any version (Ironic takes it at 1.1 too, for ramdisks that send no version): the inventory (Ironic\'s layout) finishes the node\'s in-band inspection at once and is kept whole; 202 with lookup\'s answer' })),
  version(85, 'The unhold verb', targets('provision', ['unhold'], { note: 'no step holds, so no node is in a hold state: 400' })),
  version(86, 'Firmware',
    fields('node', ['firmware_interface'], { support: 'none', note: '"no-firmware"' }),
    fields('driver', driverInterfaceFields(['firmware']), { support: 'none', note: '"no-firmware"' }),
    endpoints(['/v1/nodes/{node}/firmware'], { support: 'none', note: 'an empty list (no-firmware)' }),
  ),
  version(87, 'Servicing',
    targets('provision', ['service'], { note: 'with service_steps; fake deploy offers deploy.reboot' }),
    fields('node', ['service_step'], { support: 'none', note: 'always {}' }),
  ),
  version(88, 'Port names', fields('port', ['name'], { note: 'a logical name, unique among ports (409); GET, PATCH and DELETE /v1/ports/{name} from 1.88' })),
  version(89, 'Virtual media', endpoints(['/v1/nodes/{node}/vmedia'], { support: 'none', note: '400: the management interfaces have no virtual media' })),
] as const;

type Row = (typeof MICROVERSIONS)[number]['changes'][number];
/** The names the table has for a kind of change of a resource: `since('field', 'node', 'traitz')` does not compile. */
export type NameOf<K extends Kind, O extends string> = Extract<Row, { kind: K; of: O }>['name'];
export type OfKind<K extends Kind> = Extract<Row, { kind: K }>['of'];

export type Entry = Change & { since: number };

const key = (kind: string, of: string, name: string) => `${kind}\u0000${of}\u0000${name}`;
const INDEX = new Map<string, Entry>();
for (const mv of MICROVERSIONS as readonly Microversion[]) {
  for (const c of mv.changes) {
    const k = key(c.kind, c.of, c.name);
    if (INDEX.has(k)) throw new Error(`versions table: ${c.kind} ${c.of} ${c.name} is listed twice`);
    INDEX.set(k, { ...c, since: mv.minor });
  }
}

/** The row of a change named at run time (a query parameter, a target, a body's field), if the table has it. */
export function findEntry(kind: Kind, of: string, name: string): Entry | undefined {
  return INDEX.get(key(kind, of, name));
}

/** The minor version that adds a change. */
export function since<K extends Kind, O extends OfKind<K>>(kind: K, of: O, name: NameOf<K, O>): number {
  return INDEX.get(key(kind, of, name as string))!.since;
}

/** Every row of a kind of change of `of`, in table order. */
export function entriesOf(kind: Kind, of: string): Entry[] {
  return [...INDEX.values()].filter((e) => e.kind === kind && e.of === of);
}

/** The names of a kind of change of `of` that version `v` has. */
export function namesAt(kind: Kind, of: string, v: number): string[] {
  return entriesOf(kind, of)
    .filter((e) => e.since <= v)
    .map((e) => e.name);
}

const fieldCache = new Map<string, readonly string[]>();
/** The fields of a resource's representation at version `v` (asked for every node of a list: kept). */
export function fieldsAt(of: OfKind<'field'>, v: number): readonly string[] {
  const k = `${of}\u0000${v}`;
  let out = fieldCache.get(k);
  if (!out) fieldCache.set(k, (out = namesAt('field', of, v)));
  return out;
}

const fieldSetCache = new Map<string, ReadonlySet<string>>();
/** fieldsAt as a set, for cutting representations field by field. */
export function fieldSetAt(of: OfKind<'field'>, v: number): ReadonlySet<string> {
  const k = `${of}\u0000${v}`;
  let out = fieldSetCache.get(k);
  if (!out) fieldSetCache.set(k, (out = new Set(fieldsAt(of, v))));
  return out;
}

/** A provision state as version `v` names it (Ironic renames two states for older clients). */
export function stateAt(state: string | null, v: number): string | null {
  if (state === null) return null;
  const e = findEntry('state', 'node', state);
  return e && e.since > v ? (e.older ?? null) : state;
}
