// The engine facade: one object holding the store, the driver registry and the conductor, with the
// declarative operations (specs, plan, apply) that the CLI, the HTTP API and the provider share.
import { join } from 'node:path';
import pino from 'pino';
import type { NodeSpec } from './generated/node-spec.js';
import type { DeploymentSpec } from './generated/deployment-spec.js';
import type { Fleet } from './generated/fleet.js';
import type { Plan } from './generated/plan.js';
import type { Logger, ServiceSettings } from '../drivers/types.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { DriverRegistry, loadDriverModules } from './drivers/registry.js';
import { register as registerBuiltin } from '../drivers/builtin.js';
import { Conductor } from './conductor.js';
import { plan as makePlan, inputsDigest, type Specs, type Records } from './plan.js';
import { Applier, type ApplyOptions, type ApplyResult } from './apply.js';
import { assertValid } from './validation.js';
import { EngineError } from './errors.js';
import { newId } from './ids.js';
import { packageRoot } from './paths.js';

export interface EngineConfig {
  /** sqlite file path (or sqlite:PATH, :memory:) or a postgres:// URL. */
  database: string;
  settings?: Partial<ServiceSettings>;
  /** Extra driver modules to load (paths or package names). */
  driverModules?: string[];
  /** Look for driver packages in this node_modules directory. */
  scanDriverPackages?: string | false;
  log?: Logger;
  powerSyncIntervalSec?: number;
  deadlineCheckIntervalMs?: number;
  /** Seconds between the conductor's liveness heartbeats (and its checks for locks of dead conductors). */
  heartbeatIntervalSec?: number;
  /** Start periodic tasks and recover orphaned nodes (false for one-shot CLI reads). */
  startConductor?: boolean;
}

export interface ApplyView {
  id: string;
  plan_id: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
  actions: Array<{ action_id: string; status: string; error: string | null }>;
}

export class Engine {
  private readonly applier: Applier;

  private constructor(
    readonly store: Store,
    readonly registry: DriverRegistry,
    readonly conductor: Conductor,
    readonly settings: ServiceSettings,
    readonly log: Logger,
  ) {
    this.applier = new Applier(conductor, store);
  }

  static async open(config: EngineConfig): Promise<Engine> {
    const log = config.log ?? (pino({ level: process.env.IRONPLAN_LOG_LEVEL ?? 'info' }, pino.destination(2)) as unknown as Logger);
    const stateDir = config.settings?.stateDir ?? join(process.cwd(), '.ironplan');
    const settings: ServiceSettings = {
      apiUrl: config.settings?.apiUrl ?? 'http://127.0.0.1:6385',
      bootRoot: config.settings?.bootRoot ?? join(stateDir, 'boot'),
      deployCallbackTimeoutSec: config.settings?.deployCallbackTimeoutSec ?? 1800,
      automatedClean: config.settings?.automatedClean ?? true,
      stateDir,
    };
    const store = await openStore(config.database);
    const registry = new DriverRegistry();
    registerBuiltin(registry, { log });
    await loadDriverModules(registry, {
      modules: config.driverModules ?? [],
      scanDir: config.scanDriverPackages === false ? undefined : (config.scanDriverPackages ?? join(packageRoot, 'node_modules')),
      log,
      settings,
    });
    const conductor = new Conductor({
      store,
      registry,
      settings,
      log,
      powerSyncIntervalSec: config.powerSyncIntervalSec,
      deadlineCheckIntervalMs: config.deadlineCheckIntervalMs,
      heartbeatIntervalSec: config.heartbeatIntervalSec,
    });
    if (config.startConductor !== false) await conductor.start();
    return new Engine(store, registry, conductor, settings, log);
  }

  async close(): Promise<void> {
    await this.conductor.stop();
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
      const interfaces = this.registry.resolveInterfaces(spec.driver, spec.interfaces ?? {});
      this.registry.validateDriverInfo(interfaces, spec.driver_info ?? {});
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
      return this.registry.secretFields(this.registry.resolveInterfaces(driver, interfaces ?? {}));
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

  /** Applies a stored plan, refusing it if the specs or records changed since it was made. */
  async applyPlan(planId: string, opts: ApplyOptions = {}): Promise<{ apply_id: string; done: Promise<ApplyResult> }> {
    const p = await this.store.getPlan(planId);
    const specs = await this.getSpecs();
    const digest = inputsDigest(specs, await this.records());
    if (digest !== p.inputs_digest) {
      throw new EngineError('StalePlan', `Plan ${planId} is stale: the specs or the recorded state changed since it was made. Make a new plan.`);
    }
    return this.applier.start(p, specs, opts);
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

