// The tfplugin6.Provider service: decodes terraform's calls, runs the resource or data source, and
// answers with values conformed to the schema and errors as diagnostics (never as gRPC failures).
import { IronicClient } from './client.js';
import { conform, schemaToProto, withoutWriteOnly, type Block } from './cty.js';
import { diagToProto, err, toDiagnostics, type Diagnostic, type PathStep } from './diag.js';
import { parseDuration } from './duration.js';
import type { Unary } from './grpc-server.js';
import type { Log } from './log.js';
import { PartialApply, type Ctx, type DataSource, type Resource } from './resource.js';
import { nodeData, nodesData } from './datasources.js';
import { deploymentResource } from './resources/deployment.js';
import { nodeResource } from './resources/node.js';
import { portResource } from './resources/port.js';
import { allocationResource } from './resources/allocation.js';
import { providerBlock } from './schemas.js';
import { dynamic, fromDynamic, isObj, isUnknown, type Obj, type Value } from './values.js';

export const RESOURCES: Record<string, Resource> = {
  ironplan_node: nodeResource,
  ironplan_deployment: deploymentResource,
  ironplan_port: portResource,
  ironplan_allocation: allocationResource,
};
export const DATA_SOURCES: Record<string, DataSource> = {
  ironplan_node: nodeData,
  ironplan_nodes: nodesData,
};
export const PROVIDER_BLOCK: Block = providerBlock();
const DEFAULT_ENDPOINT = 'http://127.0.0.1:6385';
const DEFAULT_REQUEST_TIMEOUT = '60s';
// get_provider_schema_optional: the schema is static and nothing here waits for GetProviderSchema, so
// terraform may serve later provider instances of one run from its cache (saving a call per launch).
const CAPABILITIES = { plan_destroy: false, get_provider_schema_optional: true, move_resource_state: false };

const diags = (d: Diagnostic[]) => d.map(diagToProto);
const pathToProto = (p: PathStep[]) => diagToProto({ severity: 'error', summary: '', path: p }).attribute;
/** A state for terraform: conformed to the schema, write-only attributes null (terraform rejects others). */
const stateOut = (v: Value, b: Block) => dynamic(withoutWriteOnly(conform(v, b), b));
const asObj = (v: Value, b: Block): Obj | null => {
  const c = conform(v, b);
  return isObj(c) ? c : null;
};

export interface ProviderOptions {
  log: Log;
  env: NodeJS.ProcessEnv;
  /** Called on StopProvider: in-flight waits end promptly. */
  stop: AbortController;
}

export function providerSchemaResponse(): Record<string, unknown> {
  const map = (o: Record<string, { block: Block; version?: number }>) =>
    Object.fromEntries(Object.entries(o).map(([k, r]) => [k, schemaToProto({ version: r.version ?? 0, block: r.block })]));
  return {
    provider: schemaToProto({ version: 0, block: PROVIDER_BLOCK }),
    resource_schemas: map(RESOURCES),
    data_source_schemas: map(DATA_SOURCES),
    diagnostics: [],
    server_capabilities: CAPABILITIES,
  };
}

/** The client's settings: the provider block's value, else the environment's, else the default. */
function settings(cfg: Obj, env: NodeJS.ProcessEnv) {
  const given = (v: Value | undefined) => (typeof v === 'string' && !isUnknown(v) ? v : null);
  return {
    endpoint: given(cfg.endpoint) ?? (env.IRONPLAN_ENDPOINT || DEFAULT_ENDPOINT),
    token: given(cfg.token) ?? (env.IRONPLAN_TOKEN || null),
    requestTimeoutMs: parseDuration(given(cfg.request_timeout) ?? DEFAULT_REQUEST_TIMEOUT),
  };
}

export function makeProviderService(o: ProviderOptions): Record<string, Unary> {
  const connect = (cfg: Obj) => new IronicClient({ ...settings(cfg, o.env), log: o.log, signal: o.stop.signal });
  // Replaced by ConfigureProvider; until then, the environment's settings.
  let client: IronicClient | null = null;
  const ctx: Ctx = { log: o.log, client: () => (client ??= connect({})) };
  const resource = (t: unknown) => {
    const r = RESOURCES[String(t)];
    if (!r) throw new Error(`unknown resource type ${String(t)}`);
    return r;
  };

  return {
    GetMetadata: () => ({
      server_capabilities: CAPABILITIES,
      diagnostics: [],
      resources: Object.keys(RESOURCES).map((type_name) => ({ type_name })),
      data_sources: Object.keys(DATA_SOURCES).map((type_name) => ({ type_name })),
    }),

    GetProviderSchema: () => providerSchemaResponse(),

    ValidateProviderConfig: (req) => {
      const cfg = asObj(fromDynamic(req.config), PROVIDER_BLOCK) ?? {};
      const out: Diagnostic[] = [];
      if (typeof cfg.request_timeout === 'string') {
        try {
          parseDuration(cfg.request_timeout);
        } catch (e) {
          out.push(err('Invalid request_timeout', (e as Error).message, ['request_timeout']));
        }
      }
      if (typeof cfg.endpoint === 'string' && !/^https?:\/\/[^/]/.test(cfg.endpoint)) out.push(err('Invalid endpoint', `"${cfg.endpoint}" is not an http(s) URL`, ['endpoint']));
      return { diagnostics: diags(out) };
    },

    ConfigureProvider: (req) => {
      client = connect(asObj(fromDynamic(req.config), PROVIDER_BLOCK) ?? {});
      return { diagnostics: [] };
    },

    ValidateResourceConfig: (req) => {
      const r = resource(req.type_name);
      const cfg = asObj(fromDynamic(req.config), r.block) ?? {};
      const caps = req.client_capabilities as { write_only_attributes_allowed?: boolean } | null;
      return { diagnostics: diags(r.validate(cfg, { writeOnlyAttributesAllowed: !!caps?.write_only_attributes_allowed })) };
    },

    ValidateDataResourceConfig: (req) => {
      const d = DATA_SOURCES[String(req.type_name)];
      if (!d) return { diagnostics: diags([err(`Unknown data source ${String(req.type_name)}`)]) };
      return { diagnostics: diags(d.validate(asObj(fromDynamic(req.config), d.block) ?? {})) };
    },

    UpgradeResourceState: (req) => {
      const r = resource(req.type_name);
      const raw = req.raw_state as { json?: Buffer } | null;
      const json = raw?.json?.length ? (JSON.parse(raw.json.toString('utf8')) as Value) : null;
      return { upgraded_state: stateOut(json, r.block), diagnostics: [] };
    },

    ReadResource: async (req) => {
      const r = resource(req.type_name);
      const state = asObj(fromDynamic(req.current_state), r.block);
      if (!state) return { new_state: dynamic(null), diagnostics: [] };
      try {
        const next = await r.read(ctx, state);
        return { new_state: next ? stateOut(next, r.block) : dynamic(null), diagnostics: [], private: req.private };
      } catch (e) {
        return { new_state: stateOut(state, r.block), diagnostics: diags(toDiagnostics(e)), private: req.private };
      }
    },

    PlanResourceChange: async (req) => {
      const r = resource(req.type_name);
      const proposed = fromDynamic(req.proposed_new_state);
      if (proposed === null) return { planned_state: dynamic(null), requires_replace: [], diagnostics: [] };
      const prior = asObj(fromDynamic(req.prior_state), r.block);
      const config = asObj(fromDynamic(req.config), r.block) ?? {};
      try {
        const res = await r.plan(ctx, prior, config);
        return {
          planned_state: stateOut(res.planned, r.block),
          requires_replace: (res.requiresReplace ?? []).map(pathToProto),
          diagnostics: diags(res.diagnostics ?? []),
        };
      } catch (e) {
        return { planned_state: stateOut(proposed, r.block), diagnostics: diags(toDiagnostics(e)) };
      }
    },

    ApplyResourceChange: async (req) => {
      const r = resource(req.type_name);
      const prior = asObj(fromDynamic(req.prior_state), r.block);
      const planned = asObj(fromDynamic(req.planned_state), r.block);
      // The configuration carries the write-only values, which planned_state holds as null.
      const config = asObj(fromDynamic(req.config), r.block) ?? undefined;
      try {
        if (!planned) {
          if (prior) await r.delete(ctx, prior);
          return { new_state: dynamic(null), diagnostics: [] };
        }
        const next = prior ? await r.update(ctx, prior, planned, config) : await r.create(ctx, planned, config);
        return { new_state: stateOut(next, r.block), diagnostics: [] };
      } catch (e) {
        if (e instanceof PartialApply) return { new_state: stateOut(e.state, r.block), diagnostics: diags(e.diagnostics) };
        // Nothing changed that we know of: the prior state stands (null on create).
        return { new_state: prior ? stateOut(prior, r.block) : dynamic(null), diagnostics: diags(toDiagnostics(e)) };
      }
    },

    ImportResourceState: async (req) => {
      const r = resource(req.type_name);
      try {
        if (!r.import) throw new Error(`${String(req.type_name)} cannot be imported`);
        const state = await r.import(ctx, String(req.id));
        return { imported_resources: [{ type_name: req.type_name, state: stateOut(state, r.block) }], diagnostics: [] };
      } catch (e) {
        return { imported_resources: [], diagnostics: diags(toDiagnostics(e)) };
      }
    },

    ReadDataSource: async (req) => {
      const d = DATA_SOURCES[String(req.type_name)];
      if (!d) return { diagnostics: diags([err(`Unknown data source ${String(req.type_name)}`)]) };
      const config = asObj(fromDynamic(req.config), d.block) ?? {};
      try {
        return { state: dynamic(conform(await d.read(ctx, config), d.block)), diagnostics: [] };
      } catch (e) {
        return { state: dynamic(null), diagnostics: diags(toDiagnostics(e)) };
      }
    },

    StopProvider: () => {
      o.stop.abort();
      return { Error: '' };
    },
  };
}
