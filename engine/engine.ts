// The engine facade: one object holding the store, the driver registry and the conductor, with the
// declarative operations (specs, plan, apply) that the CLI, the HTTP API and the provider share.
import { join } from 'node:path';
import pino from 'pino';
import type { NodeSpec } from './generated/node-spec.js';
import type { DeploymentSpec } from './generated/deployment-spec.js';
import type { Fleet } from './generated/fleet.js';
import type { Plan } from './generated/plan.js';
import type { Apply } from './generated/apply.js';
import type { DriverModule, Logger, ServiceSettings } from '../contract/types.js';
import { openStore } from './store/open.js';
import { adoptSecretFields } from './store/secret-keys.js';
import { catalogSecretFields } from './secrets/box.js';
import type { Store } from './store/store.js';
import { DriverRegistry, loadDriverModules, type DriverCatalog } from './drivers/registry.js';
import { Conductor } from './conductor.js';
import { plan as makePlan, inputsDigest, type Specs, type Records } from './plan.js';
import { Applier, type ApplyOptions, type ApplyResult } from './apply.js';
import { assertValid } from './validation.js';
import { EngineError } from './errors.js';
import { newId } from './ids.js';
import { packageRoot } from '../contract/paths.js';
import { EventFeed } from './events-feed.js';
import { NodeView } from './node-view.js';
import type { ManagerApi } from './rpc/manager-api.js';
import { localManager, rpcMethodsFor } from './rpc/local-manager.js';
import { startRpcServer, useRpcClientTls, type RpcMethods } from './rpc/jsonrpc.js';
import type { TlsClientFiles, TlsServerFiles } from './secrets/tls.js';
import { ClusterView } from './rpc/cluster.js';
import { ClusterCatalog } from './rpc/cluster-catalog.js';
import { RemoteManager } from './rpc/remote-manager.js';

export interface EngineConfig {
  /** sqlite file path (or sqlite:PATH, :memory:) or a postgres:// URL. */
  database: string;
  settings?: Partial<ServiceSettings>;
  /**
   * The drivers this manager loads, before driverModules and driver packages. The engine ships none of its
   * own: the process composing it chooses (engine/cli/compose.ts: BUILTIN_DRIVERS; [] for none).
   */
  drivers: readonly DriverModule[];
  /** Extra driver modules to load (paths or package names). */
  driverModules?: string[];
  /** Look for driver packages in this node_modules directory. */
  scanDriverPackages?: string | false;
  log?: Logger;
  powerSyncIntervalSec?: number;
  deadlineCheckIntervalMs?: number;
  /** Seconds between the conductor's liveness heartbeats (and its checks for locks of dead conductors). */
  heartbeatIntervalSec?: number;
  /** Seconds without a heartbeat after which a manager is dead (Ironic: 60). */
  heartbeatTimeoutSec?: number;
  /** Start periodic tasks and recover orphaned nodes (false for one-shot CLI reads). */
  startConductor?: boolean;
  /** This manager's conductor group ('' is the default group). */
  group?: string;
  /** Listen for the API's RPC calls here (a manager run apart from the API), with this shared secret. */
  rpc?: { host: string; port: number; secret: string; tls?: TlsServerFiles };
  /** The key sealing driver_info secrets at rest (engine/secrets; default: secrets.key in the data directory). */
  secretsKeyFile?: string;
  /** How this manager reaches other managers' RPC over TLS (the CA it trusts, the certificate it presents). */
  rpcClientTls?: TlsClientFiles;
}

/** An API service in front of managers run elsewhere (`ironplan api`): no drivers, no conductor here. */
export interface ApiEngineConfig {
  database: string;
  log?: Logger;
  settings?: Partial<ServiceSettings>;
  /** The managers' shared RPC secret. */
  rpcSecret: string;
  /** The managers' secrets key file (the API reads the same rows). */
  secretsKeyFile?: string;
  /** How the API reaches the managers' RPC over TLS (the CA it trusts, the certificate it presents). */
  rpcClientTls?: TlsClientFiles;
  heartbeatTimeoutSec?: number;
  /** Milliseconds between re-reads of the managers and of the events table. */
  refreshMs?: number;
  eventPollMs?: number;
}

/** An apply as recorded (schemas/apply.schema.json). */
export type ApplyView = Apply;

function serviceSettings(given: Partial<ServiceSettings> | undefined): ServiceSettings {
  const stateDir = given?.stateDir ?? join(process.cwd(), '.ironplan');
  return {
    apiUrl: given?.apiUrl ?? 'http://127.0.0.1:6385',
    bootUrl: given?.bootUrl,
    bootRoot: given?.bootRoot ?? join(stateDir, 'boot'),
    deployCallbackTimeoutSec: given?.deployCallbackTimeoutSec ?? 1800,
    automatedClean: given?.automatedClean ?? true,
    stateDir,
    imageCacheBytes: given?.imageCacheBytes,
    imageFileRoots: given?.imageFileRoots,
  };
}

const defaultLog = () => pino({ level: process.env.IRONPLAN_LOG_LEVEL ?? 'info' }, pino.destination(2)) as unknown as Logger;

/**
 * The engine as one process composes it: the store, the drivers' catalog, the manager interface the API
 * calls (in process, or JSON-RPC to the owning manager), the node view and event feed the API reads, and
 * (where a manager runs here) the conductor and the applier.
 */
export class Engine {
  private constructor(
    readonly store: Store,
    readonly catalog: DriverCatalog,
    readonly settings: ServiceSettings,
    readonly log: Logger,
    readonly feed: EventFeed,
    private readonly local: { conductor: Conductor; registry: DriverRegistry; rpc?: { close(): Promise<void>; url: string; secret: string } } | null,
    manager: ManagerApi | null,
    private readonly onClose: () => Promise<void> = async () => {},
    /** The managers, where they run in other processes (an API service). */
    readonly cluster: ClusterView | null = null,
  ) {
    this.nodes = new NodeView(store, catalog, feed);
    this.manager = manager ?? localManager(local!.conductor, this);
    if (local) {
      // An apply's verbs go to each node's owner (its boot files and flows live there): in process for the
      // nodes this manager owns, over RPC for the others where several managers share the database.
      const route = local.rpc
        ? new RemoteManager(store, local.conductor.cluster, { secret: local.rpc.secret, self: { id: local.conductor.id, api: this.manager } })
        : this.manager;
      this.applier = new Applier({ id: local.conductor.id, deployCallbackTimeoutSec: settings.deployCallbackTimeoutSec, manager: route, nodes: this.nodes, store });
    }
  }

  private readonly applier: Applier | undefined;

  /** What the API calls for anything a manager does (drivers, locks, flows). */
  readonly manager: ManagerApi;
  /** What the API reads (nodes, ports, events) and waits on. */
  readonly nodes: NodeView;

  /** The conductor running in this process; the API service has none (its managers run elsewhere). */
  get conductor(): Conductor {
    if (!this.local) throw new Error('no manager runs in this process (an API service): use engine.manager and engine.nodes');
    return this.local.conductor;
  }

  get registry(): DriverRegistry {
    if (!this.local) throw new Error('no drivers are loaded in this process (an API service): use engine.catalog');
    return this.local.registry;
  }

  /** Seconds without a heartbeat after which a manager is dead, as this process counts it. */
  heartbeatTimeoutSec = 60;

  /** The managers as the database records them (live members, hash rings). */
  get managers(): ClusterView {
    return this.cluster ?? this.local!.conductor.cluster;
  }

  /** Where this process's manager answers RPC calls, when it listens for them. */
  get rpcUrl(): string | undefined {
    return this.local?.rpc?.url;
  }

  /** A manager (with the API in the same process, as `serve`, or alone with an RPC listener). */
  static async open(config: EngineConfig): Promise<Engine> {
    // JavaScript callers bypass the type: an engine opened without drivers would only fail later, on the
    // first node, with "unknown hardware type".
    if (!Array.isArray(config.drivers)) {
      throw new TypeError('Engine.open: config.drivers is required: the driver modules to load (builtinDrivers from ironplan/drivers), or [] for none');
    }
    const log = config.log ?? defaultLog();
    useRpcClientTls(config.rpcClientTls);
    const settings = serviceSettings(config.settings);
    const store = await openStore(config.database, { secretsKeyFile: config.secretsKeyFile, dataDir: settings.stateDir });
    const registry = new DriverRegistry();
    for (const mod of config.drivers) await mod.register(registry, { log, settings });
    await loadDriverModules(registry, {
      modules: config.driverModules ?? [],
      scanDir: config.scanDriverPackages === false ? undefined : (config.scanDriverPackages ?? join(packageRoot, 'node_modules')),
      log,
      settings,
    });
    await adoptSecretFields(store, catalogSecretFields(registry.toData().interfaces));
    // The listener is up before the conductor registers, so the address it records answers.
    const methods: RpcMethods = {};
    const rpc = config.rpc ? await startRpcServer({ ...config.rpc, methods }) : undefined;
    const conductor = new Conductor({
      store,
      registry,
      settings,
      log,
      powerSyncIntervalSec: config.powerSyncIntervalSec,
      deadlineCheckIntervalMs: config.deadlineCheckIntervalMs,
      heartbeatIntervalSec: config.heartbeatIntervalSec,
      heartbeatTimeoutSec: config.heartbeatTimeoutSec,
      group: config.group,
      rpcUrl: rpc?.url ?? null,
    });
    const feed = new EventFeed(store);
    // Work done here is seen at once; the poll catches what other processes write.
    const onCommit = store.onEvents;
    store.onEvents = (events) => {
      onCommit?.(events);
      feed.committed(events);
    };
    conductor.events.on('released', (uuid: string) => feed.emit('released', uuid));
    const local = { conductor, registry, rpc: rpc && { url: rpc.url, secret: config.rpc!.secret, close: () => rpc.app.close() } };
    const engine = new Engine(store, registry, settings, log, feed, local, null);
    engine.heartbeatTimeoutSec = config.heartbeatTimeoutSec ?? 60;
    Object.assign(methods, rpcMethodsFor(engine.manager));
    await feed.start();
    if (config.startConductor !== false) await conductor.start();
    return engine;
  }

  /** An API service: routes every manager call over RPC to the node's owner; loads no drivers. */
  static async openApi(config: ApiEngineConfig): Promise<Engine> {
    const log = config.log ?? defaultLog();
    useRpcClientTls(config.rpcClientTls);
    const store = await openStore(config.database, { secretsKeyFile: config.secretsKeyFile, dataDir: serviceSettings(config.settings).stateDir });
    const refreshMs = config.refreshMs ?? 5000;
    const cluster = new ClusterView(store, { heartbeatTimeoutSec: config.heartbeatTimeoutSec ?? 60, refreshMs });
    const catalog = new ClusterCatalog(cluster);
    await catalog.refresh(true);
    catalog.start(refreshMs);
    const feed = new EventFeed(store, { pollMs: config.eventPollMs ?? 200 });
    await feed.start();
    const manager = new RemoteManager(store, cluster, { secret: config.rpcSecret });
    const engine = new Engine(store, catalog, serviceSettings(config.settings), log, feed, null, manager, async () => catalog.stop(), cluster);
    engine.heartbeatTimeoutSec = config.heartbeatTimeoutSec ?? 60;
    return engine;
  }

  async close(): Promise<void> {
    this.feed.stop();
    await this.local?.rpc?.close();
    await this.local?.conductor.stop();
    await this.onClose();
    await this.store.close();
  }

  // ---------------------------------------------------------------- specs

  async getSpecs(): Promise<Specs> {
    return this.store.transaction(async (tx) => ({
      nodes: await tx.listSpecs<NodeSpec>('node'),
      deployments: await tx.listSpecs<DeploymentSpec>('deployment'),
      revision: await tx.specRevision(),
    }));
  }

  /** The desired set as a Fleet document (what PUT /v1/specs and fleet files hold). */
  async getFleet(): Promise<Fleet> {
    const { nodes, deployments } = await this.getSpecs();
    return { nodes, deployments };
  }

  /** Checks a whole fleet (schema, drivers and driver_info) and returns its specs. */
  private checkFleet(fleet: Fleet): Specs {
    assertValid<Fleet>('fleet.schema.json', fleet);
    const nodes = fleet.nodes ?? [];
    const deployments = fleet.deployments ?? [];
    nodes.forEach((n, i) => this.checkNodeSpec(n, `nodes[${i}]`));
    return { nodes, deployments };
  }

  /** Replaces the whole desired set (as a Terraform configuration does). */
  async putSpecs(fleet: Fleet): Promise<void> {
    const { nodes, deployments } = this.checkFleet(fleet);
    // Names, selectors and references are checked by planning once, before anything is stored.
    makePlan({ nodes, deployments }, { nodes: [], ports: [], deployments: [] }, {});
    await this.store.transaction(async (tx) => {
      await tx.replaceSpecs('node', nodes);
      await tx.replaceSpecs('deployment', deployments);
      await tx.addEvent({ type: 'node', actor: 'specs', verb: 'put_specs', reason: `${nodes.length} node specs, ${deployments.length} deployment specs` });
    });
  }

  async putNodeSpec(spec: NodeSpec): Promise<void> {
    assertValid('node-spec.schema.json', spec);
    this.checkNodeSpec(spec, 'spec');
    await this.store.transaction((tx) => tx.upsertSpec('node', spec));
  }

  async deleteNodeSpec(name: string): Promise<boolean> {
    return this.store.transaction((tx) => tx.deleteSpec('node', name));
  }

  async putDeploymentSpec(spec: DeploymentSpec): Promise<void> {
    assertValid('deployment-spec.schema.json', spec);
    if (!!spec.node === !!spec.node_selector) throw new EngineError('InvalidParameter', 'node: give exactly one of node and node_selector', 'node');
    await this.store.transaction((tx) => tx.upsertSpec('deployment', spec));
  }

  async deleteDeploymentSpec(name: string): Promise<boolean> {
    return this.store.transaction((tx) => tx.deleteSpec('deployment', name));
  }

  /** Checks what the schema can't: the driver exists and driver_info satisfies its interfaces. */
  private checkNodeSpec(spec: NodeSpec, at: string): void {
    try {
      const interfaces = this.catalog.resolveInterfaces(spec.driver, spec.interfaces ?? {});
      this.catalog.validateDriverInfo(interfaces, spec.driver_info ?? {});
    } catch (err) {
      if (err instanceof EngineError) throw new EngineError(err.code, `${at} (${spec.name}).${err.message}`, `${at}.${err.field ?? ''}`);
      throw err;
    }
  }

  // ---------------------------------------------------------------- plan and apply

  async records(): Promise<Records> {
    return {
      nodes: await this.store.listNodes({}),
      ports: await this.store.listPorts({}),
      deployments: await this.store.listDeployments(),
    };
  }

  private secretFields = (driver: string, interfaces: NodeSpec['interfaces']): ReadonlySet<string> => {
    try {
      return this.catalog.secretFields(this.catalog.resolveInterfaces(driver, interfaces ?? {}));
    } catch {
      return new Set();
    }
  };

  /** Plans the stored specs against the records; the plan is stored so it can be applied by id. */
  async makePlan(): Promise<Plan> {
    const specs = await this.getSpecs();
    const p = makePlan(specs, await this.records(), { secretFields: this.secretFields, id: newId('plan'), now: new Date().toISOString() });
    await this.store.transaction((tx) => tx.savePlan(p));
    return p;
  }

  /**
   * Plans a fleet against the records without storing either: what `ironplan plan` shows. A plan changes
   * nothing (only apply stores specs), so planning a file does not replace the desired state others
   * planned against. The plan has no stored id to apply; its id says it is a dry run.
   */
  async planFleet(fleet: Fleet): Promise<Plan> {
    const specs = this.checkFleet(fleet);
    return makePlan(specs, await this.records(), { secretFields: this.secretFields, id: newId('dry-run'), now: new Date().toISOString() });
  }

  /**
   * Applies a stored plan, refusing it if the specs or records changed since it was made. Where no manager
   * runs in this process, one of the managers claims it (`done` is then absent: follow the apply's record).
   */
  async applyPlan(planId: string, opts: ApplyOptions = {}): Promise<{ apply_id: string; done?: Promise<ApplyResult> }> {
    if (!this.local) return this.manager.startApply(planId, { concurrency: opts.concurrency });
    const p = await this.store.getPlan(planId);
    const specs = await this.getSpecs();
    const digest = inputsDigest(specs, await this.records());
    if (digest !== p.inputs_digest) {
      throw new EngineError('StalePlan', `Plan ${planId} is stale: the specs or the recorded state changed since it was made. Make a new plan.`);
    }
    return this.applier!.start(p, specs, opts);
  }

  getPlan(id: string): Promise<Plan> {
    return this.store.getPlan(id);
  }

  async getApply(id: string): Promise<ApplyView> {
    const a = await this.store.getApply(id);
    const actions = await this.store.listApplyActions(id);
    return { ...a, actions: actions.map((x) => ({ action_id: x.action_id, status: x.status, error: x.error })) };
  }
}

