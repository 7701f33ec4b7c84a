// Table shapes as stored: JSON documents in text columns and booleans as 0/1 integers, so SQLite and
// PostgreSQL share one code path through Kysely.
import type { Generated } from 'kysely';

export interface NodesTable {
  uuid: string;
  name: string | null;
  driver: string;
  driver_info: string;
  interfaces: string;
  properties: string;
  resource_class: string | null;
  conductor_group: string;
  /** The chassis the node is in (0004_chassis). */
  chassis_uuid: string | null;
  traits: string;
  power_state: string | null;
  target_power_state: string | null;
  provision_state: string;
  target_provision_state: string | null;
  maintenance: number;
  maintenance_reason: string | null;
  last_error: string | null;
  reservation: string | null;
  instance_uuid: string | null;
  instance_info: string;
  driver_internal_info: string;
  extra: string;
  managed: number;
  provision_deadline: string | null;
  created_at: string;
  updated_at: string | null;
  provision_updated_at: string | null;
  version: number;
  /** The allocation holding the node (0007_resources). */
  allocation_uuid?: string | null;
  /** Ironic's later node fields (0006_node_fields); booleans as 0/1, network_data as JSON. */
  fault: string | null;
  automated_clean: number | null;
  protected: number;
  protected_reason: string | null;
  owner: string | null;
  lessee: string | null;
  description: string | null;
  retired: number;
  retired_reason: string | null;
  network_data: string;
  boot_mode: string | null;
  secure_boot: number | null;
  shard: string | null;
  parent_node: string | null;
}

export interface PortsTable {
  uuid: string;
  node_uuid: string;
  address: string;
  pxe_enabled: number;
  extra: string;
  /** The port group the port is in (0005_portgroups). */
  portgroup_uuid: string | null;
  /** JSON object (0005_portgroups). */
  internal_info: string;
  /** JSON object (0009_ports_tail). */
  local_link_connection: string;
  /** 0/1 (0009_ports_tail). */
  is_smartnic: number;
  /** Unique (0009_ports_tail). */
  name: string | null;
  created_at: string;
  updated_at: string | null;
}

/** What a node's last inspection found (0009_ports_tail): JSON objects. */
export interface NodeInventoryTable {
  node_uuid: string;
  inventory: string;
  plugin_data: string;
  created_at: string;
}

/** Ironic's port groups: a node's bonded ports (0005_portgroups). */
export interface PortgroupsTable {
  uuid: string;
  name: string | null;
  node_uuid: string;
  address: string | null;
  /** JSON objects. */
  extra: string;
  internal_info: string;
  properties: string;
  mode: string;
  standalone_ports_supported: number;
  created_at: string;
  updated_at: string | null;
}

/** Ironic's chassis: a described group of nodes. */
export interface ChassisTable {
  uuid: string;
  description: string | null;
  /** JSON object. */
  extra: string;
  created_at: string;
  updated_at: string | null;
}

export interface DeploymentsTable {
  uuid: string;
  name: string;
  node_uuid: string | null;
  image_source: string;
  image_checksum: string;
  root_device: string | null;
  user_data: string | null;
  meta_data: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface SpecsTable {
  kind: string;
  name: string;
  body: string;
  updated_at: string;
}

export interface EventsTable {
  id: Generated<number>;
  time: string;
  type: string;
  node_uuid: string | null;
  node_name: string | null;
  from_state: string | null;
  to_state: string | null;
  verb: string | null;
  actor: string;
  reason: string | null;
  apply_id: string | null;
  conductor: string | null;
  data: string | null;
}

export interface PlansTable {
  id: string;
  body: string;
  created_at: string;
}

export interface AppliesTable {
  id: string;
  plan_id: string;
  status: string;
  conductor: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

export interface ApplyActionsTable {
  apply_id: string;
  action_id: string;
  status: string;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

export interface ConductorsTable {
  id: string;
  hostname: string;
  started_at: string;
  heartbeat_at: string;
  online: number;
  conductor_group: Generated<string>;
  rpc_url: string | null;
  /** Where the manager serves its boot files (null: the API serves them, all-in-one). */
  boot_url: string | null;
  /** CatalogData as JSON: the hardware types and interfaces the manager loaded. */
  catalog: string | null;
}

export interface MetaTable {
  key: string;
  value: number;
}

/** Which keys have sealed this database's secrets, each with a check value (0008_secrets). */
export interface SecretKeysTable {
  kid: string;
  /** A known text sealed under the key: a process given another key with the same id fails to open it. */
  check_value: string;
  created_at: string;
}

export interface Database {
  secret_keys: SecretKeysTable;
  meta: MetaTable;
  nodes: NodesTable;
  ports: PortsTable;
  portgroups: PortgroupsTable;
  node_inventory: NodeInventoryTable;
  chassis: ChassisTable;
  deployments: DeploymentsTable;
  specs: SpecsTable;
  events: EventsTable;
  plans: PlansTable;
  applies: AppliesTable;
  apply_actions: ApplyActionsTable;
  conductors: ConductorsTable;
  allocations: AllocationsTable;
  deploy_templates: DeployTemplatesTable;
  volume_connectors: VolumeConnectorsTable;
  volume_targets: VolumeTargetsTable;
}

/** 0007_resources: JSON columns are text. */
export interface AllocationsTable {
  uuid: string;
  name: string | null;
  node_uuid: string | null;
  state: string;
  last_error: string | null;
  resource_class: string | null;
  traits: string;
  candidate_nodes: string;
  extra: string;
  owner: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface DeployTemplatesTable {
  uuid: string;
  name: string;
  steps: string;
  extra: string;
  created_at: string;
  updated_at: string | null;
}

export interface VolumeConnectorsTable {
  uuid: string;
  node_uuid: string;
  type: string;
  connector_id: string;
  extra: string;
  created_at: string;
  updated_at: string | null;
}

export interface VolumeTargetsTable {
  uuid: string;
  node_uuid: string;
  volume_type: string;
  properties: string;
  boot_index: number;
  volume_id: string;
  extra: string;
  created_at: string;
  updated_at: string | null;
}
