// The state store: every read and write of recorded state goes through here. One implementation over
// Kysely serves SQLite (the embedded default) and PostgreSQL; every state change is one transaction,
// node writes are version-checked (optimistic concurrency) and node locks are persisted reservations.
import { Kysely, Migrator, sql, type CompiledQuery, type Transaction, type Selectable } from 'kysely';
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { PortRecord } from '../../contract/generated/port-record.js';
import type { DeploymentRecord } from '../generated/deployment-record.js';
import type { CatalogData } from '../drivers/registry.js';
import type { Event } from '../generated/event.js';
import type { Plan } from '../generated/plan.js';
import type { NodeStateRow } from '../generated/node-states.js';
import type { ActionStatus, ApplyStatus } from '../generated/apply.js';
import type { Database, NodesTable, PortsTable, DeploymentsTable, EventsTable } from './tables.js';
import type { ChassisRecord } from '../generated/chassis-record.js';
import * as chassis from './chassis.js';
import type { PortgroupRecord } from '../generated/portgroup-record.js';
import * as portgroups from './portgroups.js';
import * as applies from './applies.js';
import * as inventory from './inventory.js';
import type { NodeInventory } from '../generated/node-inventory.js';
import { migrationProvider, type SqlDialectName } from './migrations.js';
import { EngineError, nodeLocked, notFound } from '../errors.js';
import { isUuid } from '../ids.js';
import type { SecretBox } from '../secrets/box.js';

/** Text matched literally inside a LIKE pattern whose escape character is a backslash: %, _ and backslash are escaped. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type NewEvent = Omit<Event, 'id' | 'time'> & { time?: string };
export type NodePatch = Partial<Omit<NodeRecord, 'uuid' | 'version' | 'created_at'>>;
/** What identifies a node and routes it to its manager, without its record. */
export interface NodeKey {
  uuid: string;
  version: number;
  reservation: string | null;
  driver: string;
  conductor_group: string;
}
export type SpecKind = 'node' | 'deployment';
type NodeSpecBody = { name: string; driver_info?: Record<string, unknown> };
export interface PortFilter {
  node_uuid?: string;
  portgroup_uuid?: string;
  address?: string;
  /** A port's name (API 1.88). */
  name?: string;
  limit?: number;
  marker?: string;
}
export type PortPatch = Partial<Pick<PortRecord, 'address' | 'pxe_enabled' | 'extra' | 'node_uuid' | 'portgroup_uuid' | 'internal_info' | 'local_link_connection' | 'is_smartnic' | 'name'>>;

export interface NodeFilter {
  provision_state?: string;
  /** Ironic's later filters (API 1.42 to 1.83): equal to the value given. */
  fault?: string;
  conductor_group?: string;
  owner?: string;
  lessee?: string;
  /** A project's nodes: those it owns or leases (what a project-scoped token may see: http/policy.ts). */
  project?: string;
  shard?: string;
  parent_node?: string;
  retired?: boolean;
  /** Nodes with (true) or without (false) a shard (Ironic's ?sharded). */
  sharded?: boolean;
  /** Nodes whose description contains this text (Ironic's ?description_contains). */
  description_contains?: string;
  /** Child nodes are listed only when true, or when asked for by parent_node (Ironic 1.83). */
  include_children?: boolean;
  driver?: string;
  resource_class?: string;
  maintenance?: boolean;
  managed?: boolean;
  reserved?: boolean;
  associated?: boolean;
  instance_uuid?: string;
  chassis_uuid?: string;
  /** Name or UUID contains this text, case-insensitively (ironplan's console search). */
  name_contains?: string;
  /** Has this trait. */
  trait?: string;
  /** Only nodes whose wait deadline (provision_deadline) is at or before this time (ISO 8601). */
  deadline_before?: string;
  limit?: number;
  marker?: string;
  sort_key?: 'created_at' | 'updated_at' | 'name' | 'uuid' | 'provision_state';
  sort_dir?: 'asc' | 'desc';
}

/** Which recorded events to read: after an id, of one node, at most so many, oldest (default) or newest first. */
export interface EventFilter {
  after?: number;
  node_uuid?: string;
  limit?: number;
  order?: 'asc' | 'desc';
}

export interface ApplyRow {
  id: string;
  plan_id: string;
  status: ApplyStatus;
  conductor: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

export interface ApplyActionRow {
  apply_id: string;
  action_id: string;
  status: ActionStatus;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

/** A manager as recorded: liveness, group, RPC address and the drivers it loaded. */
export interface ConductorRow {
  id: string;
  hostname: string;
  started_at: string;
  heartbeat_at: string;
  online: boolean;
  conductor_group?: string;
  rpc_url?: string | null;
  boot_url?: string | null;
  catalog?: CatalogData | null;
}

export const now = () => new Date().toISOString();
const json = (v: unknown) => JSON.stringify(v ?? {});
const parse = <T>(s: string | null, fallback: T): T => (s == null ? fallback : (JSON.parse(s) as T));

// driver_info's secret fields are sealed here, at the store boundary (engine/secrets): the engine above sees
// clear values, the database only sealed ones.
function nodeFromRow(r: Selectable<NodesTable>, box: SecretBox): NodeRecord {
  return {
    uuid: r.uuid,
    name: r.name,
    driver: r.driver,
    driver_info: box.open(parse(r.driver_info, {})),
    interfaces: parse(r.interfaces, {} as NodeRecord['interfaces']),
    properties: parse(r.properties, {}),
    resource_class: r.resource_class,
    traits: parse(r.traits, []),
    power_state: r.power_state as NodeRecord['power_state'],
    target_power_state: r.target_power_state as NodeRecord['target_power_state'],
    provision_state: r.provision_state as NodeRecord['provision_state'],
    target_provision_state: r.target_provision_state as NodeRecord['target_provision_state'],
    maintenance: !!r.maintenance,
    maintenance_reason: r.maintenance_reason,
    last_error: r.last_error,
    reservation: r.reservation,
    conductor_group: r.conductor_group ?? '',
    chassis_uuid: r.chassis_uuid ?? null,
    instance_uuid: r.instance_uuid,
    allocation_uuid: r.allocation_uuid ?? null,
    instance_info: parse(r.instance_info, {}),
    driver_internal_info: box.open(parse(r.driver_internal_info, {}), 'driver_internal_info'),
    extra: parse(r.extra, {}),
    managed: !!r.managed,
    provision_deadline: r.provision_deadline,
    created_at: r.created_at,
    updated_at: r.updated_at,
    provision_updated_at: r.provision_updated_at,
    version: Number(r.version),
    fault: r.fault ?? null,
    automated_clean: r.automated_clean == null ? null : !!r.automated_clean,
    protected: !!r.protected,
    protected_reason: r.protected_reason ?? null,
    owner: r.owner ?? null,
    lessee: r.lessee ?? null,
    description: r.description ?? null,
    retired: !!r.retired,
    retired_reason: r.retired_reason ?? null,
    network_data: parse(r.network_data, {}),
    boot_mode: r.boot_mode ?? null,
    secure_boot: r.secure_boot == null ? null : !!r.secure_boot,
    shard: r.shard ?? null,
    parent_node: r.parent_node ?? null,
  };
}

function nodeToRow(n: NodePatch, box: SecretBox): Partial<NodesTable> {
  const row: Partial<NodesTable> = {};
  for (const [k, v] of Object.entries(n)) {
    switch (k) {
      case 'driver_info':
        row.driver_info = json(box.seal(v as Record<string, unknown>));
        break;
      case 'driver_internal_info':
        row.driver_internal_info = json(box.seal(v as Record<string, unknown>, 'driver_internal_info'));
        break;
      case 'interfaces':
      case 'properties':
      case 'traits':
      case 'instance_info':
      case 'extra':
      case 'network_data':
        (row as Record<string, unknown>)[k] = json(v);
        break;
      case 'maintenance':
      case 'managed':
      case 'protected':
      case 'retired':
        (row as Record<string, unknown>)[k] = v ? 1 : 0;
        break;
      case 'automated_clean':
      case 'secure_boot':
        (row as Record<string, unknown>)[k] = v == null ? null : v ? 1 : 0;
        break;
      default:
        (row as Record<string, unknown>)[k] = v;
    }
  }
  return row;
}

function portFromRow(r: Selectable<PortsTable>): PortRecord {
  return {
    uuid: r.uuid,
    node_uuid: r.node_uuid,
    address: r.address,
    pxe_enabled: !!r.pxe_enabled,
    extra: parse(r.extra, {}),
    portgroup_uuid: r.portgroup_uuid ?? null,
    internal_info: parse(r.internal_info, {}),
    local_link_connection: parse(r.local_link_connection, {}),
    is_smartnic: !!r.is_smartnic,
    name: r.name ?? null,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

/** Which unique key of ports a write broke: a name or a MAC address (Ironic's two conflicts). */
function portConflict(err: unknown, p: { address?: string; name?: string | null }): EngineError {
  const byName = p.name != null && /name/i.test(String((err as Error).message));
  return byName
    ? new EngineError('Conflict', `A port with name ${p.name} already exists.`, 'name')
    : new EngineError('Conflict', `A port with MAC address ${p.address} already exists.`, 'address');
}

function deploymentFromRow(r: Selectable<DeploymentsTable>): DeploymentRecord {
  return {
    uuid: r.uuid,
    name: r.name,
    node_uuid: r.node_uuid,
    image_source: r.image_source,
    image_checksum: r.image_checksum,
    root_device: parse(r.root_device, null),
    user_data: r.user_data,
    meta_data: parse(r.meta_data, null),
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function eventFromRow(r: Selectable<EventsTable>): Event {
  return {
    id: Number(r.id),
    time: r.time,
    type: r.type as Event['type'],
    node_uuid: r.node_uuid,
    node_name: r.node_name,
    from: r.from_state,
    to: r.to_state,
    verb: r.verb,
    actor: r.actor,
    reason: r.reason,
    apply_id: r.apply_id,
    conductor: r.conductor ?? null,
    data: parse(r.data, null),
  };
}

type Db = Kysely<Database> | Transaction<Database>;

export class Store {
  /** Called after a transaction that wrote events commits, with those events (for live streams). */
  onEvents: ((events: Event[]) => void) | null = null;
  /** The id of the manager running in this process, if one does: stamped on the events written here. */
  writer: string | null = null;
  private readonly nodeCache = new Map<string, NodeRecord>();
  /** How many node records listNodes keeps parsed between calls (a fleet of 100,000 is about 200 MB). */
  nodeCacheLimit = 100_000;
  private readonly inserts = new InsertCache();

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: SqlDialectName,
    /** Seals driver_info secrets as rows are written, opens them as they are read. */
    readonly secrets: SecretBox,
    /** SQLite's background WAL checkpoints; stopped before the connection closes. */
    readonly checkpointer: { close(): Promise<void> } | null = null,
  ) {}

  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.dialect) });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }

  /** SQLite: checkpoints and empties the WAL (old page images of re-sealed rows go with it). */
  async flushWal(): Promise<void> {
    if (this.dialect === 'sqlite') await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.checkpointer?.close();
    await this.db.destroy();
  }

  /**
   * Runs fn in one transaction; events it records are published only once it commits. A version
   * conflict (StaleWrite) runs fn again on fresh reads, a few times: with PostgreSQL's concurrent
   * transactions a lock-free writer (an agent's lookup) can race a lock holder's read-modify-write.
   * A caller that writes from a copy read before the transaction keeps failing, as it must.
   */
  async transaction<T>(fn: (tx: TxStore) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const pending: Event[] = [];
      try {
        const trx = await this.db.startTransaction().execute();
        let result: T;
        try {
          result = await fn(new TxStore(trx, pending, this.inserts, this.secrets, this.writer));
          await trx.commit().execute();
        } catch (err) {
          // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, at a write or at COMMIT);
          // the rollback then finds none, and its error must not hide the one that matters.
          await trx.rollback().execute().catch(() => undefined);
          throw err;
        }
        if (pending.length && this.onEvents) this.onEvents(pending);
        return result;
      } catch (err) {
        if ((err as EngineError).code !== 'StaleWrite' || attempt >= 4) throw err;
        await new Promise((r) => setTimeout(r, 2 * (attempt + 1)));
      }
    }
  }

  private reader(): TxStore {
    return new TxStore(this.db, [], this.inserts, this.secrets, this.writer);
  }

  getNode(ident: string) {
    return this.reader().getNode(ident);
  }
  findNode(ident: string) {
    return this.reader().findNode(ident);
  }
  /**
   * Lists nodes through a row cache: one narrow query for identity, version and lock, then full rows
   * (seven JSON columns to parse) only for nodes that changed since they were last read. Every write
   * bumps the version, and the lock is read fresh, so a cached row is never stale.
   */
  /**
   * The nodes the filter matches. `keep` picks among their keys (uuid, driver, group) before any record is
   * read whole: a manager's periodic tasks read every node's keys but only their own nodes' records.
   */
  async listNodes(filter: NodeFilter = {}, keep?: (k: NodeKey) => boolean): Promise<NodeRecord[]> {
    const reader = this.reader();
    const all = await reader.listNodeKeys(filter);
    const keys = keep ? all.filter(keep) : all;
    const missing = keys.filter((k) => this.nodeCache.get(k.uuid)?.version !== k.version).map((k) => k.uuid);
    const fetched = new Map((await reader.getNodesByUuid(missing)).map((n) => [n.uuid, n]));
    const out: NodeRecord[] = [];
    for (const k of keys) {
      const n = fetched.get(k.uuid) ?? this.nodeCache.get(k.uuid);
      if (!n) continue; // deleted between the two queries
      out.push(n.reservation === k.reservation ? n : { ...n, reservation: k.reservation });
    }
    // Bounded only once the answer is built: emptying the cache before reading it back lost nodes (short
    // pages, parked nodes not taken over) in fleets larger than the bound.
    if (this.nodeCache.size + fetched.size > this.nodeCacheLimit) this.nodeCache.clear();
    for (const [uuid, n] of fetched) this.nodeCache.set(uuid, n);
    return out;
  }
  getPort(uuid: string) {
    return this.reader().getPort(uuid);
  }
  /** What the node's last inspection found (API 1.81); written once the inspection succeeds. */
  putInventory(nodeUuid: string, inv: NodeInventory): Promise<void> {
    return inventory.putInventory(this.db, nodeUuid, inv, now());
  }
  findInventory(nodeUuid: string): Promise<NodeInventory | undefined> {
    return inventory.findInventory(this.db, nodeUuid);
  }
  findPortByAddress(address: string) {
    return this.reader().findPortByAddress(address);
  }
  listPorts(filter: PortFilter = {}) {
    return this.reader().listPorts(filter);
  }
  findPortgroup(ident: string) {
    return this.reader().findPortgroup(ident);
  }
  getPortgroup(ident: string) {
    return this.reader().getPortgroup(ident);
  }
  listPortgroups(filter: portgroups.PortgroupFilter = {}) {
    return this.reader().listPortgroups(filter);
  }
  listDeployments() {
    return this.reader().listDeployments();
  }
  findChassis(uuid: string) {
    return this.reader().findChassis(uuid);
  }
  getChassis(uuid: string) {
    return this.reader().getChassis(uuid);
  }
  listChassis(filter: chassis.ChassisFilter = {}) {
    return this.reader().listChassis(filter);
  }
  findDeployment(ident: string) {
    return this.reader().findDeployment(ident);
  }
  listSpecs<T>(kind: SpecKind) {
    return this.reader().listSpecs<T>(kind);
  }
  specRevision() {
    return this.reader().specRevision();
  }
  /** How many nodes each shard holds (Ironic's GET /v1/shards, API 1.82); nodes without one are not counted. */
  async countNodesByShard(): Promise<Array<{ name: string; count: number }>> {
    const rows = await this.db.selectFrom('nodes').select(['shard', (eb) => eb.fn.countAll<number>().as('n')]).where('shard', 'is not', null).groupBy('shard').orderBy('shard').execute();
    return rows.map((r) => ({ name: r.shard!, count: Number(r.n) }));
  }

  /** How many nodes are in each provision state: one grouped count, for metrics scrapes. */
  async countNodesByState(): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('nodes').select(['provision_state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('provision_state').execute();
    return new Map(rows.map((r) => [r.provision_state, Number(r.n)]));
  }

  newestEventId() {
    return this.reader().newestEventId();
  }

  /** Every node's states, in creation order: six columns, no record decoded (an overview of 10,000 nodes). */
  async listNodeStates(): Promise<NodeStateRow[]> {
    const rows = await this.db
      .selectFrom('nodes')
      .select(['uuid', 'name', 'provision_state', 'power_state', 'maintenance', (eb) => eb('last_error', 'is not', null).as('fault')])
      .orderBy('created_at')
      .orderBy('uuid')
      .execute();
    return rows.map((r) => ({
      uuid: r.uuid,
      name: r.name,
      provision_state: r.provision_state as NodeStateRow['provision_state'],
      power_state: r.power_state as NodeStateRow['power_state'],
      maintenance: Boolean(r.maintenance),
      fault: Boolean(r.fault),
    }));
  }

  listEvents(filter: EventFilter = {}) {
    return this.reader().listEvents(filter);
  }
  getPlan(id: string) {
    return this.reader().getPlan(id);
  }
  getApply(id: string) {
    return this.reader().getApply(id);
  }
  listApplies(filter: { status?: ApplyRow['status'] } = {}) {
    return this.reader().listApplies(filter);
  }
  /** A page of the applies, newest first, with their action counts (GET /v1/applies). */
  pageApplies(page: applies.ApplyPage) {
    return this.reader().pageApplies(page);
  }
  listApplyActions(applyId: string) {
    return this.reader().listApplyActions(applyId);
  }
  upsertConductor(c: ConductorRow) {
    return this.transaction((tx) => tx.upsertConductor(c));
  }
  touchConductor(id: string, at: string) {
    return this.transaction((tx) => tx.touchConductor(id, at));
  }
  markConductorOffline(id: string, at: string) {
    return this.transaction((tx) => tx.markConductorOffline(id, at));
  }
  listConductors() {
    return this.reader().listConductors();
  }

  /** Takes the node's lock for `holder`; throws NodeLocked if another holder has it. */
  async reserveNode(ident: string, holder: string): Promise<NodeRecord> {
    // One conditional UPDATE is the lock: exclusive even for the same holder, so two operations of one
    // conductor can't interleave either. The node is read back only to name the holder on failure.
    const row = await this.db
      .updateTable('nodes')
      .set({ reservation: holder })
      .where(isUuid(ident) ? 'uuid' : 'name', '=', ident)
      .where('reservation', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (row) return nodeFromRow(row, this.secrets);
    const node = await this.getNode(ident);
    throw nodeLocked(ident, node.reservation ?? 'unknown');
  }

  async releaseNode(uuid: string, holder: string): Promise<void> {
    await this.db.updateTable('nodes').set({ reservation: null }).where('uuid', '=', uuid).where('reservation', '=', holder).execute();
  }
}

/** The store's operations bound to one connection or transaction. */
/**
 * Fixed-shape INSERTs compiled once per store. Kysely builds and compiles a query on every call; for the
 * two inserts of a node create that was 40% of the engine's time. The SQL comes from Kysely all the same
 * (so each dialect gets its own), only the parameters change.
 */
class InsertCache {
  private readonly compiled = new Map<string, CompiledQuery>();

  async run<T extends keyof Database & string>(db: Db, table: T, row: Record<string, unknown>, returningId: boolean): Promise<Array<Record<string, unknown>>> {
    // Kysely leaves undefined values out of an INSERT; so does the cache key.
    const columns = Object.keys(row).filter((c) => row[c] !== undefined);
    const key = `${table}(${columns.join(',')})${returningId ? ' returning id' : ''}`;
    let q = this.compiled.get(key);
    if (!q) {
      const insert = db.insertInto(table).values(row as never);
      q = returningId ? insert.returning(sql<number>`id`.as('id')).compile() : insert.compile();
      // Reusable only if each column became one parameter, in order.
      if (q.parameters.length !== columns.length) return (await db.executeQuery<Record<string, unknown>>(q)).rows;
      this.compiled.set(key, q);
    }
    return (await db.executeQuery<Record<string, unknown>>({ ...q, parameters: columns.map((c) => row[c]) })).rows;
  }
}

export class TxStore {
  constructor(
    readonly db: Db,
    private readonly published: Event[],
    private readonly inserts: InsertCache,
    private readonly secrets: SecretBox,
    /** The manager of this process, stamped on every event it writes. */
    private readonly writer: string | null = null,
  ) {}

  async findNode(ident: string): Promise<NodeRecord | undefined> {
    const q = this.db.selectFrom('nodes').selectAll();
    const row = await (isUuid(ident) ? q.where('uuid', '=', ident) : q.where('name', '=', ident)).executeTakeFirst();
    return row ? nodeFromRow(row, this.secrets) : undefined;
  }

  async getNode(ident: string): Promise<NodeRecord> {
    const node = await this.findNode(ident);
    if (!node) throw notFound('Node', ident);
    return node;
  }

  async getNodesByUuid(uuids: string[]): Promise<NodeRecord[]> {
    if (!uuids.length) return [];
    const out: NodeRecord[] = [];
    for (let i = 0; i < uuids.length; i += 500) {
      const rows = await this.db.selectFrom('nodes').selectAll().where('uuid', 'in', uuids.slice(i, i + 500)).execute();
      out.push(...rows.map((r) => nodeFromRow(r, this.secrets)));
    }
    return out;
  }

  /** Identity, version and lock of the nodes matching the filter, in list order. */
  async listNodeKeys(f: NodeFilter): Promise<NodeKey[]> {
    let q = this.db.selectFrom('nodes').select(['uuid', 'version', 'reservation', 'driver', 'conductor_group']);
    if (f.provision_state !== undefined) q = q.where('provision_state', '=', f.provision_state);
    for (const col of ['fault', 'conductor_group', 'owner', 'lessee', 'shard', 'parent_node'] as const) {
      if (f[col] !== undefined) q = q.where(col, '=', f[col]);
    }
    if (f.project !== undefined) q = q.where((eb) => eb.or([eb('owner', '=', f.project!), eb('lessee', '=', f.project!)]));
    if (f.retired !== undefined) q = q.where('retired', '=', f.retired ? 1 : 0);
    if (f.sharded !== undefined) q = q.where('shard', f.sharded ? 'is not' : 'is', null);
    if (f.description_contains !== undefined) {
      // Ironic matches the text itself: % and _ in it are not wildcards (escaped for SQLite and PostgreSQL alike).
      const text = f.description_contains.replace(/[!%_]/g, (c) => `!${c}`);
      q = q.where(sql<boolean>`description like ${`%${text}%`} escape '!'`);
    }
    if (f.include_children === false && f.parent_node === undefined) q = q.where('parent_node', 'is', null);
    if (f.driver !== undefined) q = q.where('driver', '=', f.driver);
    if (f.resource_class !== undefined) q = q.where('resource_class', '=', f.resource_class);
    if (f.maintenance !== undefined) q = q.where('maintenance', '=', f.maintenance ? 1 : 0);
    if (f.managed !== undefined) q = q.where('managed', '=', f.managed ? 1 : 0);
    if (f.reserved !== undefined) q = q.where('reservation', f.reserved ? 'is not' : 'is', null);
    if (f.associated !== undefined) q = q.where('instance_uuid', f.associated ? 'is not' : 'is', null);
    if (f.instance_uuid !== undefined) q = q.where('instance_uuid', '=', f.instance_uuid);
    if (f.chassis_uuid !== undefined) q = q.where('chassis_uuid', '=', f.chassis_uuid);
    if (f.deadline_before !== undefined) q = q.where('provision_deadline', '<=', f.deadline_before);
    if (f.name_contains) {
      const pattern = `%${likeEscape(f.name_contains.toLowerCase())}%`;
      q = q.where(sql<boolean>`(lower(coalesce(name, '')) like ${pattern} escape '\\' or lower(uuid) like ${pattern} escape '\\')`);
    }
    // Traits are stored as a JSON array of strings: a trait appears there as its JSON string.
    if (f.trait) q = q.where(sql<boolean>`traits like ${`%${likeEscape(JSON.stringify(f.trait))}%`} escape '\\'`);
    const key = f.sort_key ?? 'created_at';
    const dir = f.sort_dir ?? 'asc';
    if (f.marker) {
      const m = await this.db.selectFrom('nodes').select(['uuid', key]).where('uuid', '=', f.marker).executeTakeFirst();
      if (!m) throw notFound('Marker node', f.marker);
      const mv = (m as Record<string, unknown>)[key] as string;
      const op = dir === 'asc' ? '>' : '<';
      q = q.where((eb) => eb.or([eb(key, op, mv), eb.and([eb(key, '=', mv), eb('uuid', op, m.uuid)])]));
    }
    q = q.orderBy(key, dir).orderBy('uuid', dir);
    if (f.limit) q = q.limit(f.limit);
    return (await q.execute()).map((r) => ({ uuid: r.uuid, version: Number(r.version), reservation: r.reservation, driver: r.driver, conductor_group: r.conductor_group ?? '' }));
  }

  async insertNode(node: NodeRecord): Promise<void> {
    const row = nodeToRow(node, this.secrets) as NodesTable;
    row.uuid = node.uuid;
    row.version = node.version;
    row.created_at = node.created_at;
    try {
      await this.inserts.run(this.db, 'nodes', row as unknown as Record<string, unknown>, false);
    } catch (err) {
      if (isUniqueViolation(err)) throw new EngineError('Conflict', `A node with name ${node.name} or uuid ${node.uuid} already exists.`, 'name');
      throw err;
    }
  }

  /** Writes `patch` if the node is still at `expectedVersion`; otherwise StaleWrite (someone else wrote). */
  async updateNode(uuid: string, expectedVersion: number, patch: NodePatch, current?: NodeRecord): Promise<NodeRecord> {
    const updatedAt = patch.updated_at ?? now();
    const row = nodeToRow({ ...patch, updated_at: updatedAt }, this.secrets);
    const res = await this.db
      .updateTable('nodes')
      .set({ ...row, version: sql<number>`version + 1` })
      .where('uuid', '=', uuid)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) {
      const found = await this.findNode(uuid);
      if (!found) throw notFound('Node', uuid);
      throw new EngineError('StaleWrite', `Node ${uuid} was changed by someone else (version ${found.version}, expected ${expectedVersion}); re-read and retry.`);
    }
    // The caller's copy at the expected version plus the patch is exactly the new row: no need to read it.
    if (current && current.version === expectedVersion) return { ...current, ...patch, updated_at: updatedAt, version: expectedVersion + 1 } as NodeRecord;
    return this.getNode(uuid);
  }

  async deleteNode(uuid: string, expectedVersion: number): Promise<void> {
    await this.db.deleteFrom('ports').where('node_uuid', '=', uuid).execute();
    // A node's port groups go with it, as in Ironic (after its ports, which name them).
    await this.db.deleteFrom('portgroups').where('node_uuid', '=', uuid).execute();
    const res = await this.db.deleteFrom('nodes').where('uuid', '=', uuid).where('version', '=', expectedVersion).executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) throw new EngineError('StaleWrite', `Node ${uuid} was changed by someone else; re-read and retry.`);
  }

  async getPort(uuid: string): Promise<PortRecord> {
    const row = await this.db.selectFrom('ports').selectAll().where('uuid', '=', uuid).executeTakeFirst();
    if (!row) throw notFound('Port', uuid);
    return portFromRow(row);
  }

  async findPortByAddress(address: string): Promise<PortRecord | undefined> {
    const row = await this.db.selectFrom('ports').selectAll().where('address', '=', address.toLowerCase()).executeTakeFirst();
    return row ? portFromRow(row) : undefined;
  }

  async listPorts(f: PortFilter): Promise<PortRecord[]> {
    let q = this.db.selectFrom('ports').selectAll();
    if (f.node_uuid) q = q.where('node_uuid', '=', f.node_uuid);
    if (f.portgroup_uuid) q = q.where('portgroup_uuid', '=', f.portgroup_uuid);
    if (f.address) q = q.where('address', '=', f.address.toLowerCase());
    if (f.name) q = q.where('name', '=', f.name);
    if (f.marker) q = q.where('uuid', '>', f.marker);
    q = q.orderBy('uuid');
    if (f.limit) q = q.limit(f.limit);
    return (await q.execute()).map(portFromRow);
  }

  async insertPort(port: PortRecord): Promise<void> {
    try {
      await this.db
        .insertInto('ports')
        .values({
          ...port,
          address: port.address.toLowerCase(),
          pxe_enabled: port.pxe_enabled ? 1 : 0,
          extra: json(port.extra),
          portgroup_uuid: port.portgroup_uuid ?? null,
          internal_info: json(port.internal_info),
          local_link_connection: json(port.local_link_connection ?? {}),
          is_smartnic: port.is_smartnic ? 1 : 0,
          name: port.name ?? null,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw portConflict(err, port);
      throw err;
    }
  }

  async updatePort(uuid: string, patch: PortPatch): Promise<PortRecord> {
    const row: Partial<PortsTable> = { updated_at: now() };
    if (patch.address !== undefined) row.address = patch.address.toLowerCase();
    if (patch.pxe_enabled !== undefined) row.pxe_enabled = patch.pxe_enabled ? 1 : 0;
    if (patch.extra !== undefined) row.extra = json(patch.extra);
    if (patch.node_uuid !== undefined) row.node_uuid = patch.node_uuid;
    if (patch.portgroup_uuid !== undefined) row.portgroup_uuid = patch.portgroup_uuid;
    if (patch.internal_info !== undefined) row.internal_info = json(patch.internal_info);
    if (patch.local_link_connection !== undefined) row.local_link_connection = json(patch.local_link_connection);
    if (patch.is_smartnic !== undefined) row.is_smartnic = patch.is_smartnic ? 1 : 0;
    if (patch.name !== undefined) row.name = patch.name;
    try {
      await this.db.updateTable('ports').set(row).where('uuid', '=', uuid).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw portConflict(err, patch);
      throw err;
    }
    return this.getPort(uuid);
  }

  async deletePort(uuid: string): Promise<void> {
    const res = await this.db.deleteFrom('ports').where('uuid', '=', uuid).executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) throw notFound('Port', uuid);
  }

  // Chassis have no driver and no lock: the API writes them directly, as Ironic's API does (engine/store/chassis.ts).
  findChassis(uuid: string): Promise<ChassisRecord | undefined> {
    return chassis.findChassis(this.db, uuid);
  }
  getChassis(uuid: string): Promise<ChassisRecord> {
    return chassis.getChassis(this.db, uuid);
  }
  listChassis(filter: chassis.ChassisFilter): Promise<ChassisRecord[]> {
    return chassis.listChassis(this.db, filter);
  }
  insertChassis(c: ChassisRecord): Promise<void> {
    return chassis.insertChassis(this.db, c);
  }
  updateChassis(uuid: string, change: chassis.ChassisChange): Promise<ChassisRecord> {
    return chassis.updateChassis(this.db, uuid, change, now());
  }
  deleteChassis(uuid: string): Promise<void> {
    return chassis.deleteChassis(this.db, uuid);
  }

  // Port groups: written by the API service itself (engine/http/portgroups.ts says why), read by all.
  findPortgroup(ident: string): Promise<PortgroupRecord | undefined> {
    return portgroups.findPortgroup(this.db, ident);
  }
  getPortgroup(ident: string): Promise<PortgroupRecord> {
    return portgroups.getPortgroup(this.db, ident);
  }
  listPortgroups(filter: portgroups.PortgroupFilter): Promise<PortgroupRecord[]> {
    return portgroups.listPortgroups(this.db, filter);
  }
  insertPortgroup(pg: PortgroupRecord): Promise<void> {
    return portgroups.insertPortgroup(this.db, pg);
  }
  updatePortgroup(uuid: string, change: portgroups.PortgroupChange): Promise<PortgroupRecord> {
    return portgroups.updatePortgroup(this.db, uuid, change, now());
  }
  portgroupHasPorts(uuid: string): Promise<boolean> {
    return portgroups.hasPorts(this.db, uuid);
  }
  deletePortgroup(uuid: string): Promise<void> {
    return portgroups.deletePortgroup(this.db, uuid);
  }

  async listDeployments(): Promise<DeploymentRecord[]> {
    return (await this.db.selectFrom('deployments').selectAll().orderBy('name').execute()).map(deploymentFromRow);
  }

  async findDeployment(ident: string): Promise<DeploymentRecord | undefined> {
    const q = this.db.selectFrom('deployments').selectAll();
    const row = await (isUuid(ident) ? q.where('uuid', '=', ident) : q.where('name', '=', ident)).executeTakeFirst();
    return row ? deploymentFromRow(row) : undefined;
  }

  async upsertDeployment(d: DeploymentRecord): Promise<void> {
    const row = {
      ...d,
      root_device: d.root_device ? JSON.stringify(d.root_device) : null,
      meta_data: d.meta_data ? JSON.stringify(d.meta_data) : null,
    };
    const exists = await this.db.selectFrom('deployments').select('uuid').where('uuid', '=', d.uuid).executeTakeFirst();
    if (exists) await this.db.updateTable('deployments').set({ ...row, updated_at: now() }).where('uuid', '=', d.uuid).execute();
    else await this.db.insertInto('deployments').values(row).execute();
  }

  async deleteDeployment(uuid: string): Promise<void> {
    await this.db.deleteFrom('deployments').where('uuid', '=', uuid).execute();
  }

  async listSpecs<T>(kind: SpecKind): Promise<T[]> {
    const rows = await this.db.selectFrom('specs').select('body').where('kind', '=', kind).orderBy('name').execute();
    return rows.map((r) => (kind === 'node' ? this.openSpec(JSON.parse(r.body) as NodeSpecBody) : JSON.parse(r.body)) as T);
  }

  /** A spec as stored: a node spec's driver_info secrets sealed, as a node's are. */
  private specBody(kind: SpecKind, spec: { name: string }): string {
    const s = spec as NodeSpecBody;
    return JSON.stringify(kind === 'node' && s.driver_info ? { ...s, driver_info: this.secrets.seal(s.driver_info) } : spec);
  }

  private openSpec(s: NodeSpecBody): NodeSpecBody {
    return s.driver_info ? { ...s, driver_info: this.secrets.open(s.driver_info) } : s;
  }

  /** The revision of the desired set: bumped by every spec write. */
  async specRevision(): Promise<number> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', 'spec_revision').executeTakeFirst();
    return row ? Number(row.value) : 0;
  }

  private async bumpSpecRevision(): Promise<void> {
    const res = await this.db.updateTable('meta').set({ value: sql<number>`value + 1` }).where('key', '=', 'spec_revision').executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) await this.db.insertInto('meta').values({ key: 'spec_revision', value: 1 }).execute();
  }

  /** Replaces every spec of `kind` with `specs` (the desired set is complete, as a Terraform config is). */
  async replaceSpecs(kind: SpecKind, specs: Array<{ name: string }>): Promise<void> {
    await this.bumpSpecRevision();
    await this.db.deleteFrom('specs').where('kind', '=', kind).execute();
    const t = now();
    for (let i = 0; i < specs.length; i += 200) {
      const chunk = specs.slice(i, i + 200).map((s) => ({ kind, name: s.name, body: this.specBody(kind, s), updated_at: t }));
      if (chunk.length) await this.db.insertInto('specs').values(chunk).execute();
    }
  }

  async upsertSpec(kind: SpecKind, spec: { name: string }): Promise<void> {
    await this.bumpSpecRevision();
    await this.db.deleteFrom('specs').where('kind', '=', kind).where('name', '=', spec.name).execute();
    await this.db.insertInto('specs').values({ kind, name: spec.name, body: this.specBody(kind, spec), updated_at: now() }).execute();
  }

  async deleteSpec(kind: SpecKind, name: string): Promise<boolean> {
    const res = await this.db.deleteFrom('specs').where('kind', '=', kind).where('name', '=', name).executeTakeFirst();
    // Deleting a spec that is not there (a 404) changes no desired state, so plans made before stay current.
    const deleted = Number(res.numDeletedRows) === 1;
    if (deleted) await this.bumpSpecRevision();
    return deleted;
  }

  /** Records an event in this transaction; it is published when the transaction commits. */
  async addEvent(e: NewEvent): Promise<Event> {
    const time = e.time ?? now();
    const row = {
      time,
      type: e.type,
      node_uuid: e.node_uuid ?? null,
      node_name: e.node_name ?? null,
      from_state: e.from ?? null,
      to_state: e.to ?? null,
      verb: e.verb ?? null,
      actor: e.actor,
      reason: e.reason ?? null,
      apply_id: e.apply_id ?? null,
      conductor: this.writer,
      data: e.data ? JSON.stringify(e.data) : null,
    };
    const [res] = await this.inserts.run(this.db, 'events', row, true);
    const event: Event = { ...e, id: Number(res!.id), time, conductor: this.writer } as Event;
    this.published.push(event);
    return event;
  }

  /** The id of the newest event (0 when there is none). */
  async newestEventId(): Promise<number> {
    const row = await this.db.selectFrom('events').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  async listEvents(f: EventFilter): Promise<Event[]> {
    let q = this.db.selectFrom('events').selectAll();
    if (f.after !== undefined) q = q.where('id', '>', f.after);
    if (f.node_uuid) q = q.where('node_uuid', '=', f.node_uuid);
    q = q.orderBy('id', f.order ?? 'asc').limit(f.limit ?? 1000);
    return (await q.execute()).map(eventFromRow);
  }

  async savePlan(plan: Plan): Promise<void> {
    await this.db.insertInto('plans').values({ id: plan.id, body: JSON.stringify(plan), created_at: plan.created_at }).execute();
  }

  async getPlan(id: string): Promise<Plan> {
    const row = await this.db.selectFrom('plans').select('body').where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Plan', id);
    return JSON.parse(row.body) as Plan;
  }

  async insertApply(a: ApplyRow, actionIds: string[]): Promise<void> {
    await this.db.insertInto('applies').values(a).execute();
    for (let i = 0; i < actionIds.length; i += 200) {
      const chunk = actionIds.slice(i, i + 200).map((action_id) => ({
        apply_id: a.id,
        action_id,
        status: 'pending',
        error: null,
        started_at: null,
        finished_at: null,
      }));
      if (chunk.length) await this.db.insertInto('apply_actions').values(chunk).execute();
    }
  }

  async setApplyAction(applyId: string, actionId: string, status: ApplyActionRow['status'], error: string | null = null): Promise<void> {
    const t = now();
    const row: Record<string, unknown> = { status, error };
    if (status === 'running') row.started_at = t;
    else row.finished_at = t;
    await this.db.updateTable('apply_actions').set(row).where('apply_id', '=', applyId).where('action_id', '=', actionId).execute();
  }

  async finishApply(id: string, status: ApplyRow['status'], error: string | null): Promise<void> {
    await this.db.updateTable('applies').set({ status, error, finished_at: now() }).where('id', '=', id).execute();
  }

  async getApply(id: string): Promise<ApplyRow> {
    const row = await this.db.selectFrom('applies').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('Apply', id);
    return row as ApplyRow;
  }

  async listApplies(f: { status?: ApplyRow['status'] }): Promise<ApplyRow[]> {
    let q = this.db.selectFrom('applies').selectAll();
    if (f.status) q = q.where('status', '=', f.status);
    return (await q.orderBy('started_at').execute()) as ApplyRow[];
  }

  pageApplies(page: applies.ApplyPage) {
    return applies.pageApplies(this.db, page);
  }

  async listApplyActions(applyId: string): Promise<ApplyActionRow[]> {
    return (await this.db.selectFrom('apply_actions').selectAll().where('apply_id', '=', applyId).execute()) as ApplyActionRow[];
  }

  async upsertConductor(c: ConductorRow): Promise<void> {
    const row = { ...c, online: c.online ? 1 : 0, catalog: c.catalog === undefined ? undefined : c.catalog === null ? null : JSON.stringify(c.catalog) };
    const exists = await this.db.selectFrom('conductors').select('id').where('id', '=', c.id).executeTakeFirst();
    if (exists) await this.db.updateTable('conductors').set(row).where('id', '=', c.id).execute();
    else await this.db.insertInto('conductors').values(row).execute();
  }

  async markConductorOffline(id: string, at: string): Promise<void> {
    await this.db.updateTable('conductors').set({ heartbeat_at: at, online: 0 }).where('id', '=', id).execute();
  }

  /** A manager's liveness mark: one small UPDATE, the catalog is not rewritten. */
  async touchConductor(id: string, at: string): Promise<boolean> {
    const r = await this.db.updateTable('conductors').set({ heartbeat_at: at, online: 1 }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async listConductors(): Promise<ConductorRow[]> {
    const rows = await this.db.selectFrom('conductors').selectAll().execute();
    return rows.map((r) => ({ ...r, online: !!r.online, catalog: r.catalog ? (JSON.parse(r.catalog) as CatalogData) : null }));
  }
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === '23505';
}
