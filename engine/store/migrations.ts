// Versioned schema migrations, applied in order by Kysely's Migrator; each runs in its own transaction.
import { type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type SqlDialectName = 'sqlite' | 'postgres';

const migrations = (dialect: SqlDialectName): Record<string, Migration> => ({
  '0001_initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('nodes')
        .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.unique())
        .addColumn('driver', 'varchar(255)', (c) => c.notNull())
        .addColumn('driver_info', 'text', (c) => c.notNull())
        .addColumn('interfaces', 'text', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('resource_class', 'varchar(80)')
        .addColumn('traits', 'text', (c) => c.notNull())
        .addColumn('power_state', 'varchar(15)')
        .addColumn('target_power_state', 'varchar(15)')
        .addColumn('provision_state', 'varchar(15)', (c) => c.notNull())
        .addColumn('target_provision_state', 'varchar(15)')
        .addColumn('maintenance', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('maintenance_reason', 'text')
        .addColumn('last_error', 'text')
        .addColumn('reservation', 'varchar(255)')
        .addColumn('instance_uuid', 'varchar(36)', (c) => c.unique())
        .addColumn('instance_info', 'text', (c) => c.notNull())
        .addColumn('driver_internal_info', 'text', (c) => c.notNull())
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('managed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('provision_deadline', 'varchar(40)')
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .addColumn('provision_updated_at', 'varchar(40)')
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('nodes_provision_state').on('nodes').column('provision_state').execute();
      await db.schema.createIndex('nodes_reservation').on('nodes').column('reservation').execute();

      await db.schema
        .createTable('ports')
        .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('node_uuid', 'varchar(36)', (c) => c.notNull().references('nodes.uuid').onDelete('cascade'))
        .addColumn('address', 'varchar(18)', (c) => c.notNull().unique())
        .addColumn('pxe_enabled', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .execute();
      await db.schema.createIndex('ports_node_uuid').on('ports').column('node_uuid').execute();

      await db.schema
        .createTable('deployments')
        .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
        .addColumn('node_uuid', 'varchar(36)')
        .addColumn('image_source', 'text', (c) => c.notNull())
        .addColumn('image_checksum', 'varchar(200)', (c) => c.notNull())
        .addColumn('root_device', 'text')
        .addColumn('user_data', 'text')
        .addColumn('meta_data', 'text')
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .execute();

      await db.schema
        .createTable('specs')
        .addColumn('kind', 'varchar(20)', (c) => c.notNull())
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)', (c) => c.notNull())
        .addPrimaryKeyConstraint('specs_pk', ['kind', 'name'])
        .execute();

      const events = db.schema.createTable('events');
      await (dialect === 'postgres'
        ? events.addColumn('id', 'serial', (c) => c.primaryKey())
        : events.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      )
        .addColumn('time', 'varchar(40)', (c) => c.notNull())
        .addColumn('type', 'varchar(20)', (c) => c.notNull())
        .addColumn('node_uuid', 'varchar(36)')
        .addColumn('node_name', 'varchar(255)')
        .addColumn('from_state', 'varchar(40)')
        .addColumn('to_state', 'varchar(40)')
        .addColumn('verb', 'varchar(40)')
        .addColumn('actor', 'varchar(255)', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('apply_id', 'varchar(64)')
        .addColumn('data', 'text')
        .execute();
      await db.schema.createIndex('events_node_uuid').on('events').column('node_uuid').execute();

      await db.schema
        .createTable('plans')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('applies')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('plan_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('conductor', 'varchar(255)', (c) => c.notNull())
        .addColumn('started_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('finished_at', 'varchar(40)')
        .addColumn('error', 'text')
        .execute();

      await db.schema
        .createTable('apply_actions')
        .addColumn('apply_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('action_id', 'varchar(512)', (c) => c.notNull())
        .addColumn('status', 'varchar(20)', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('started_at', 'varchar(40)')
        .addColumn('finished_at', 'varchar(40)')
        .addPrimaryKeyConstraint('apply_actions_pk', ['apply_id', 'action_id'])
        .execute();

      await db.schema
        .createTable('conductors')
        .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('hostname', 'varchar(255)', (c) => c.notNull())
        .addColumn('started_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('heartbeat_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('online', 'integer', (c) => c.notNull())
        .execute();
    },
  },
  '0002_meta': {
    async up(db: Kysely<any>) {
      // Small counters, e.g. the revision of the desired set: bumped by every spec write, so a plan's
      // inputs digest need not hash every spec's text.
      await db.schema
        .createTable('meta')
        .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('value', 'integer', (c) => c.notNull())
        .execute();
    },
  },
  '0003_managers': {
    async up(db: Kysely<any>) {
      // Several managers over one database: each says which conductor group it serves, where its RPC
      // listener is, and what drivers it loaded (the API reads those instead of loading drivers itself).
      await db.schema.alterTable('conductors').addColumn('conductor_group', 'varchar(255)', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.alterTable('conductors').addColumn('rpc_url', 'text').execute();
      await db.schema.alterTable('conductors').addColumn('catalog', 'text').execute();
      await db.schema.alterTable('conductors').addColumn('boot_url', 'text').execute();
      await db.schema.alterTable('nodes').addColumn('conductor_group', 'varchar(255)', (c) => c.notNull().defaultTo('')).execute();
      // Which manager recorded each event: the log then shows who worked on a node, and when it changed hands.
      await db.schema.alterTable('events').addColumn('conductor', 'varchar(255)').execute();
    },
  },
  '0004_chassis': {
    async up(db: Kysely<any>) {
      // Ironic's chassis (API 1.1): a described group of nodes. A node names at most one; a chassis
      // holding nodes cannot be deleted (the API checks, and the reference keeps it so).
      await db.schema
        .createTable('chassis')
        .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('description', 'varchar(255)')
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .execute();
      await db.schema.alterTable('nodes').addColumn('chassis_uuid', 'varchar(36)', (c) => c.references('chassis.uuid')).execute();
      await db.schema.createIndex('nodes_chassis_uuid').on('nodes').column('chassis_uuid').execute();
    },
  },
  '0005_portgroups': {
    async up(db: Kysely<any>) {
      // Ironic's port groups (API 1.23): a node's bonded ports. Names and MAC addresses are unique, as in
      // Ironic's schema; a port names at most one group of its node. internal_info (ports and groups) is
      // where the network interface records an attached VIF (tenant_vif_port_id, API 1.28).
      await db.schema
        .createTable('portgroups')
        .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.unique())
        .addColumn('node_uuid', 'varchar(36)', (c) => c.notNull().references('nodes.uuid').onDelete('cascade'))
        .addColumn('address', 'varchar(18)', (c) => c.unique())
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('internal_info', 'text', (c) => c.notNull())
        .addColumn('mode', 'varchar(255)', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('standalone_ports_supported', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .execute();
      await db.schema.createIndex('portgroups_node_uuid').on('portgroups').column('node_uuid').execute();
      await db.schema.alterTable('ports').addColumn('portgroup_uuid', 'varchar(36)', (c) => c.references('portgroups.uuid')).execute();
      await db.schema.alterTable('ports').addColumn('internal_info', 'text', (c) => c.notNull().defaultTo('{}')).execute();
      await db.schema.createIndex('ports_portgroup_uuid').on('ports').column('portgroup_uuid').execute();
    },
  },
  '0006_node_fields': {
    async up(db: Kysely<any>) {
      // The node fields of Ironic's API 1.42 to 1.83 that are stored (fault, protection, ownership,
      // retirement, network data, boot mode, shard, parent). Booleans as 0/1, JSON as text, as elsewhere.
      const nodes = () => db.schema.alterTable('nodes');
      for (const name of ['fault', 'protected_reason', 'owner', 'lessee', 'retired_reason', 'boot_mode', 'shard', 'parent_node']) {
        await nodes().addColumn(name, 'varchar(255)').execute();
      }
      await nodes().addColumn('description', 'text').execute();
      await nodes().addColumn('automated_clean', 'integer').execute();
      await nodes().addColumn('secure_boot', 'integer').execute();
      await nodes().addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await nodes().addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await nodes().addColumn('network_data', 'text', (c) => c.notNull().defaultTo('{}')).execute();
      for (const col of ['owner', 'lessee', 'shard', 'parent_node']) await db.schema.createIndex(`nodes_${col}`).on('nodes').column(col).execute();
    },
  },
  '0007_resources': {
    async up(db: Kysely<any>) {
      // Ironic's allocations (API 1.52): a request for a node by resource class and traits. The node names
      // its allocation (allocation_uuid) and carries its UUID as instance_uuid, as in Ironic; the unique
      // instance_uuid keeps two allocations off one node even if two pickers race.
      await db.schema
        .createTable('allocations')
        .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.unique())
        .addColumn('node_uuid', 'varchar(36)', (c) => c.unique().references('nodes.uuid').onDelete('cascade'))
        .addColumn('state', 'varchar(15)', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('resource_class', 'varchar(80)')
        .addColumn('traits', 'text', (c) => c.notNull())
        .addColumn('candidate_nodes', 'text', (c) => c.notNull())
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('owner', 'varchar(255)')
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .execute();
      await db.schema.alterTable('nodes').addColumn('allocation_uuid', 'varchar(36)').execute();

      // Deploy templates (API 1.55): named (a CUSTOM_ trait) lists of deploy steps.
      await db.schema
        .createTable('deploy_templates')
        .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
        .addColumn('steps', 'text', (c) => c.notNull())
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .execute();

      // Volume connectors and targets (API 1.32): a node's storage initiators and the volumes it boots or
      // attaches. Unique as in Ironic's schema: (type, connector_id) and (node, boot_index).
      await db.schema
        .createTable('volume_connectors')
        .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('node_uuid', 'varchar(36)', (c) => c.notNull().references('nodes.uuid').onDelete('cascade'))
        .addColumn('type', 'varchar(32)', (c) => c.notNull())
        .addColumn('connector_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .addUniqueConstraint('volume_connectors_type_id', ['type', 'connector_id'])
        .execute();
      await db.schema
        .createTable('volume_targets')
        .addColumn('uuid', 'varchar(36)', (c) => c.primaryKey())
        .addColumn('node_uuid', 'varchar(36)', (c) => c.notNull().references('nodes.uuid').onDelete('cascade'))
        .addColumn('volume_type', 'varchar(64)', (c) => c.notNull())
        .addColumn('properties', 'text', (c) => c.notNull())
        .addColumn('boot_index', 'integer', (c) => c.notNull())
        .addColumn('volume_id', 'varchar(36)', (c) => c.notNull())
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .addUniqueConstraint('volume_targets_node_boot_index', ['node_uuid', 'boot_index'])
        .execute();
    },
  },
  '0008_secrets': {
    async up(db: Kysely<any>) {
      // The keys secrets are sealed under (engine/secrets): a process with another key refuses to start.
      await db.schema
        .createTable('secret_keys')
        .addColumn('kid', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('check_value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .execute();
    },
  },
  '0009_ports_tail': {
    async up(db: Kysely<any>) {
      // Ironic's later port fields: the switch port it is cabled to (local_link_connection, JSON text),
      // Smart NICs (1.53, 0/1) and names (1.88, unique among ports as Ironic's uniq_ports0name).
      const ports = () => db.schema.alterTable('ports');
      await ports().addColumn('local_link_connection', 'text', (c) => c.notNull().defaultTo('{}')).execute();
      await ports().addColumn('is_smartnic', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await ports().addColumn('name', 'varchar(255)').execute();
      await db.schema.createIndex('ports_name').on('ports').column('name').unique().execute();

      // With them, the other table Ironic's API gained late (1.81): what a node's last inspection found.
      await db.schema
        .createTable('node_inventory')
        .addColumn('node_uuid', 'varchar(36)', (c) => c.primaryKey().references('nodes.uuid').onDelete('cascade'))
        .addColumn('inventory', 'text', (c) => c.notNull())
        .addColumn('plugin_data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .execute();
    },
  },
  '0010_bios': {
    async up(db: Kysely<any>) {
      // Ironic's bios_settings: the manager's cache of a node's BIOS settings (the API reads it, never the
      // BMC). The registry fields (API 1.74) are nullable: a BMC without an attribute registry has none.
      // JSON (allowable_values) as text, booleans as 0/1, as elsewhere.
      await db.schema
        .createTable('bios_settings')
        .addColumn('node_uuid', 'varchar(36)', (c) => c.notNull().references('nodes.uuid').onDelete('cascade'))
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('value', 'text')
        .addColumn('attribute_type', 'varchar(255)')
        .addColumn('allowable_values', 'text')
        .addColumn('lower_bound', 'integer')
        .addColumn('upper_bound', 'integer')
        .addColumn('min_length', 'integer')
        .addColumn('max_length', 'integer')
        .addColumn('read_only', 'integer')
        .addColumn('reset_required', 'integer')
        .addColumn('unique', 'integer')
        .addColumn('created_at', 'varchar(40)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(40)')
        .addPrimaryKeyConstraint('bios_settings_pkey', ['node_uuid', 'name'])
        .execute();
    },
  },
});

export function migrationProvider(dialect: SqlDialectName): MigrationProvider {
  return {
    async getMigrations() {
      return migrations(dialect);
    },
  };
}
