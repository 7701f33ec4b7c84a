// ironplan_node: enrolls a node, keeps its fields, ports, resting provision state, maintenance and power
// as configured, and reports what ironplan observes.
import { IronicError, unlessGone, type IronicClient, type IronicNode, type IronicPort } from '../client.js';
import { freeForm, stringMap, typedMap, type FieldSchema } from '../convert.js';
import { DiagError, err, warn, type Diagnostic, type PathStep } from '../diag.js';
import { busy, findNode, nodePorts, portFields, restAt, setPower, waitNode } from '../nodeops.js';
import { clearPending, marked, ownPending, PENDING_KEY } from '../pending.js';
import { plannedState, settle } from '../planning.js';
import { deadlineFor, PartialApply, validateTimeouts, type ClientCaps, type Resource } from '../resource.js';
import { nodeBlock } from '../schemas.js';
import { driverFields, NODE_SPEC, resolve } from '../spec-schemas.js';
import { validateMap, validateValue } from '../validate.js';
import { deepEqual, isObj, isUnknown, UNKNOWN, type Obj, type Value } from '../values.js';

const block = nodeBlock();
const DRIVER_FIELDS = driverFields();
// driver_info is open in the node spec: its fields' types come from the driver schemas.
const driverField: FieldSchema = (k) => DRIVER_FIELDS.get(k)?.schema;
const propertiesSchema = resolve(NODE_SPEC.properties!.properties!);
const propField: FieldSchema = (k) => propertiesSchema.properties?.[k];
/** Interface kinds (`<kind>_interface` in the v1 API), as the spec's `interfaces` object names them. */
const KINDS = Object.keys(resolve(NODE_SPEC.properties!.interfaces!).properties!);
/** The provision states a node rests in without a deployment: the spec's provision_state values. */
const RESTING = NODE_SPEC.properties!.provision_state!.enum as string[];
const SECRET_MASK = '******';

export function validateNode(config: Obj, caps?: ClientCaps): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (caps && !caps.writeOnlyAttributesAllowed && config.driver_secrets_wo != null) {
    out.push(
      err(
        'Write-only attributes need Terraform 1.11 or later',
        'driver_secrets_wo is a write-only attribute, which this version of Terraform does not support: it would store the secrets in the state. Upgrade to Terraform >= 1.11, or use driver_secrets (sensitive, but stored in the state) instead.',
        ['driver_secrets_wo'],
      ),
    );
  }
  validateValue(config, NODE_SPEC, [], out);
  const keys = (m: Value | undefined) => (isObj(m) ? Object.keys(m) : []);
  for (const k of keys(config.driver_info)) {
    if (DRIVER_FIELDS.get(k)?.secret) out.push(err('Secret in driver_info', `${k} is a secret field (writeOnly in the driver schema): put it in driver_secrets_wo (write-only: never stored in the state; terraform >= 1.11), or the deprecated driver_secrets.`, ['driver_info', { key: k }]));
  }
  for (const attr of ['driver_secrets', 'driver_secrets_wo']) {
    for (const k of keys(config[attr])) {
      if (DRIVER_FIELDS.has(k) && !DRIVER_FIELDS.get(k)!.secret) out.push(warn('Not a secret', `${k} is not a secret field; it will be hidden from plans anyway. driver_info is the usual place.`, [attr, { key: k }]));
    }
  }
  for (const k of keys(config.driver_secrets_wo)) {
    if (isObj(config.driver_secrets) && k in config.driver_secrets) out.push(err('Secret given twice', `${k} is in both driver_secrets and driver_secrets_wo: keep it in driver_secrets_wo only.`, ['driver_secrets_wo', { key: k }]));
  }
  validateMap(config.driver_info ?? null, driverField, ['driver_info'], out);
  validateMap(config.driver_secrets ?? null, driverField, ['driver_secrets'], out);
  validateMap(config.driver_secrets_wo ?? null, driverField, ['driver_secrets_wo'], out);
  if (typeof config.maintenance_reason === 'string' && config.maintenance !== true && !isUnknown(config.maintenance ?? null)) {
    out.push(err('maintenance_reason without maintenance', 'A maintenance reason is kept only while the node is in maintenance: set maintenance = true or drop the reason.', ['maintenance_reason']));
  }
  const ports = config.ports;
  if (Array.isArray(ports)) {
    const seen = new Set<string>();
    ports.forEach((p, i) => {
      const a = isObj(p) ? p.address : null;
      if (typeof a !== 'string') return;
      if (seen.has(a.toLowerCase())) out.push(err('Duplicate port', `MAC ${a} is listed twice.`, ['ports', i, 'address']));
      seen.add(a.toLowerCase());
    });
  }
  validateTimeouts(config, out);
  return out;
}

/** driver_info as sent: the state's fields and secrets, plus the write-only secrets (`wo`, from the configuration). */
const driverInfoBody = (s: Obj, wo: Record<string, unknown> = {}) => ({
  ...typedMap(s.driver_info ?? null, driverField, ['driver_info']),
  ...typedMap(s.driver_secrets ?? null, driverField, ['driver_secrets']),
  ...wo,
});

/** The write-only secrets of the configuration, typed: they are only in ApplyResourceChange's config. */
const writeOnlySecrets = (config: Obj | undefined) => typedMap(config?.driver_secrets_wo ?? null, driverField, ['driver_secrets_wo']);

/**
 * The write-only secrets to send when driver_info is replaced without a rotation (driver_secrets_wo_version
 * unchanged): the mask for each secret the node holds already, which the service reads as "keep the stored
 * value"; only a secret the node does not have yet is sent.
 */
async function keptSecrets(c: IronicClient, uuid: string, config: Obj | undefined, deadline: number): Promise<Record<string, unknown>> {
  const wo = writeOnlySecrets(config);
  if (Object.keys(wo).length === 0) return wo;
  const n = await findNode(c, uuid, deadline);
  const held = n?.driver_info ?? {};
  return Object.fromEntries(Object.entries(wo).map(([k, v]) => [k, k in held ? SECRET_MASK : v]));
}

function createBody(p: Obj, config?: Obj): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: p.name,
    driver: p.driver,
    driver_info: driverInfoBody(p, writeOnlySecrets(config)),
    properties: typedMap(p.properties ?? null, propField, ['properties']),
    extra: marked(typedMap(p.extra ?? null, freeForm, ['extra'])),
  };
  if (typeof p.resource_class === 'string') body.resource_class = p.resource_class;
  if (Array.isArray(p.traits)) body.traits = p.traits;
  const ifaces = isObj(p.interfaces) ? p.interfaces : {};
  for (const k of KINDS) if (typeof ifaces[k] === 'string') body[`${k}_interface`] = ifaces[k];
  return body;
}

function portsState(ports: IronicPort[], prior: Value): Value {
  const byMac = new Map(ports.map((p) => [p.address.toLowerCase(), p]));
  const out: Obj[] = [];
  const priorList = Array.isArray(prior) ? prior.filter(isObj) : [];
  for (const pp of priorList) {
    const mac = String(pp.address).toLowerCase();
    const sp = byMac.get(mac);
    if (!sp) continue;
    byMac.delete(mac);
    out.push({ address: pp.address ?? sp.address, pxe_enabled: sp.pxe_enabled, extra: stringMap(sp.extra, pp.extra ?? null, freeForm) });
  }
  for (const sp of [...byMac.values()].sort((a, b) => a.address.localeCompare(b.address))) {
    out.push({ address: sp.address, pxe_enabled: sp.pxe_enabled, extra: stringMap(sp.extra, null, freeForm) });
  }
  if (out.length === 0 && !Array.isArray(prior)) return null;
  return out;
}

/**
 * The desired power state as refreshed: what the BMC reports when the user manages power, so an
 * out-of-band change shows as drift; unchanged while a deployment holds the node, because deploying
 * and undeploying switch power themselves.
 */
function powerState(n: IronicNode, p: Obj, imported: boolean): Value {
  const held = !!n.instance_uuid || !RESTING.includes(n.provision_state);
  if (imported) return held ? null : n.power_state;
  if (p.power_state == null || held || !n.power_state) return (p.power_state as Value) ?? null;
  return n.power_state;
}

/** The state under the schema from what the service reports; config-only values come from the prior state. */
export function nodeState(n: IronicNode, ports: IronicPort[], prior: Obj | null, imported = false): Obj {
  const p = prior ?? {};
  const isSecret = (k: string) => !!DRIVER_FIELDS.get(k)?.secret || n.driver_info[k] === SECRET_MASK;
  const priorSecrets = isObj(p.driver_secrets) ? p.driver_secrets : null;
  const traits = n.traits ?? [];
  return {
    id: n.uuid,
    name: n.name ?? (p.name as Value) ?? null,
    driver: n.driver,
    driver_info: stringMap(n.driver_info, p.driver_info ?? null, driverField, isSecret),
    interfaces: Object.fromEntries(KINDS.map((k) => [k, n[`${k}_interface`] ?? null])),
    properties: stringMap(n.properties, p.properties ?? null, propField),
    resource_class: n.resource_class,
    traits: traits.length ? traits : Array.isArray(p.traits) ? [] : null,
    // Ports are managed here only when configured here (they may belong to ironplan_port resources).
    ports: p.ports == null && !imported ? null : portsState(ports, p.ports ?? null),
    power_state: powerState(n, p, imported),
    maintenance: n.maintenance,
    maintenance_reason: n.maintenance ? n.maintenance_reason : null,
    provision_state: RESTING.includes(n.provision_state) ? n.provision_state : ((p.provision_state as Value) ?? 'available'),
    extra: stringMap(n.extra, p.extra ?? null, freeForm, (k) => k === PENDING_KEY),
    driver_secrets: priorSecrets ? Object.fromEntries(Object.entries(priorSecrets).filter(([k]) => k in n.driver_info)) : null,
    // Write-only: never in the state. Its version is configuration only.
    driver_secrets_wo: null,
    driver_secrets_wo_version: (p.driver_secrets_wo_version as Value) ?? null,
    current_provision_state: n.provision_state,
    current_power_state: n.power_state,
    last_error: n.last_error,
    timeouts: p.timeouts ?? null,
  };
}

async function syncPorts(c: IronicClient, uuid: string, prior: Value, planned: Value, deadline: number): Promise<void> {
  const want = new Map((Array.isArray(planned) ? planned.filter(isObj) : []).map((p) => [String(p.address).toLowerCase(), p]));
  const had = new Map((Array.isArray(prior) ? prior.filter(isObj) : []).map((p) => [String(p.address).toLowerCase(), p]));
  if (deepEqual([...want.entries()] as unknown as Value, [...had.entries()] as unknown as Value)) return;
  const existing = new Map((await nodePorts(c, uuid)).map((p) => [p.address.toLowerCase(), p]));
  for (const [mac, sp] of existing) {
    if (had.has(mac) && !want.has(mac)) await c.request('DELETE', `/v1/ports/${sp.uuid}`, undefined, { deadline });
  }
  for (const [mac, p] of want) {
    const f = portFields(p, ['ports']);
    const sp = existing.get(mac);
    if (!sp) {
      await c.request('POST', '/v1/ports', { node_uuid: uuid, ...f }, { deadline });
    } else if (sp.pxe_enabled !== f.pxe_enabled || JSON.stringify(sp.extra) !== JSON.stringify(f.extra)) {
      await c.request('PATCH', `/v1/ports/${sp.uuid}`, [
        { op: 'replace', path: '/pxe_enabled', value: f.pxe_enabled },
        { op: 'replace', path: '/extra', value: f.extra },
      ], { deadline });
    }
  }
}

async function current(c: IronicClient, uuid: string, planned: Obj, prior: Obj | null): Promise<Obj> {
  const n = await findNode(c, uuid);
  if (!n) throw new DiagError('Node vanished', `node ${uuid} was deleted while terraform was changing it`);
  const base = prior ?? planned;
  return nodeState(n, await portsIfManaged(c, uuid, base), base);
}

/** One request fewer per node when its ports are not managed by this resource. */
const portsIfManaged = (c: IronicClient, uuid: string, state: Obj | null): Promise<IronicPort[]> =>
  state && state.ports == null ? Promise.resolve([]) : nodePorts(c, uuid);

/** Runs the steps after the node exists; on failure the state recorded so far is kept (tainted on create). */
async function converge(c: IronicClient, uuid: string, prior: Obj | null, planned: Obj, steps: () => Promise<void>): Promise<Obj> {
  try {
    await steps();
  } catch (e) {
    const diagnostics = e instanceof DiagError ? e.diagnostics : [err('Applying ironplan_node failed', (e as Error).message)];
    let state: Obj;
    try {
      state = await current(c, uuid, planned, prior);
    } catch {
      state = { ...(settle(planned, { id: uuid }) as Obj) };
    }
    throw new PartialApply(prior ? { ...state, ...keepConfig(planned) } : state, diagnostics);
  }
  return settle(planned, await current(c, uuid, planned, prior)) as Obj;
}

/** What only the configuration knows (secrets, timeouts) survives a failed update. */
const keepConfig = (planned: Obj): Obj => ({ driver_secrets: planned.driver_secrets ?? null, timeouts: planned.timeouts ?? null });

async function maintenance(c: IronicClient, uuid: string, on: boolean, reason: Value, deadline: number): Promise<void> {
  if (on) await c.request('PUT', `/v1/nodes/${uuid}/maintenance`, { reason: typeof reason === 'string' ? reason : null }, { deadline });
  else await c.request('DELETE', `/v1/nodes/${uuid}/maintenance`, undefined, { deadline });
}

/** `wo`: the write-only secrets to send with driver_info when it is replaced. */
async function patchOps(prior: Obj, p: Obj, wo: () => Promise<Record<string, unknown>>): Promise<Array<Record<string, unknown>>> {
  const ops: Array<Record<string, unknown>> = [];
  const changed = (k: string) => !deepEqual(prior[k] ?? null, p[k] ?? null);
  if (changed('name')) ops.push({ op: 'replace', path: '/name', value: p.name });
  if (changed('driver')) ops.push({ op: 'replace', path: '/driver', value: p.driver });
  if (changed('driver_info') || changed('driver_secrets') || changed('driver_secrets_wo_version')) ops.push({ op: 'replace', path: '/driver_info', value: driverInfoBody(p, await wo()) });
  if (changed('properties')) ops.push({ op: 'replace', path: '/properties', value: typedMap(p.properties ?? null, propField, ['properties']) });
  if (changed('extra')) ops.push({ op: 'replace', path: '/extra', value: typedMap(p.extra ?? null, freeForm, ['extra']) });
  if (changed('resource_class')) ops.push({ op: 'replace', path: '/resource_class', value: p.resource_class ?? null });
  const pi = isObj(prior.interfaces) ? prior.interfaces : {};
  const ni = isObj(p.interfaces) ? p.interfaces : {};
  for (const k of KINDS) {
    if (typeof ni[k] === 'string' && ni[k] !== pi[k]) ops.push({ op: 'replace', path: `/${k}_interface`, value: ni[k] });
  }
  return ops;
}

/**
 * POST /v1/nodes. Node names are unique in ironplan, so a conflict means another workspace (or someone
 * through the API) has the node already: say which node it is and how to adopt it instead. Unless the node
 * is this directory's own unfinished create (see pending.ts): then it is adopted.
 */
async function enroll(c: IronicClient, planned: Obj, config: Obj | undefined, deadline: number): Promise<IronicNode> {
  const body = createBody(planned, config);
  try {
    return await c.request<IronicNode>('POST', '/v1/nodes', body, { deadline });
  } catch (e) {
    if (!(e instanceof IronicError) || e.status !== 409 || typeof planned.name !== 'string') throw e;
    const name = planned.name;
    const existing = await findNode(c, name).catch(() => null);
    if (existing && ownPending(existing.extra)) return adopt(c, existing, body, deadline);
    const what = existing
      ? `uuid ${existing.uuid}, provision state "${existing.provision_state}"${existing.instance_uuid ? `, deployed (instance ${existing.instance_uuid})` : ''}`
      : 'it could not be read back';
    throw new DiagError(
      `Node "${name}" already exists`,
      `ironplan already has a node named "${name}" (${what}) that this workspace's state does not hold: another workspace, or a client of the API, created it. ` +
        `If this resource should manage that node, adopt it into this state instead of creating it: terraform import ironplan_node.<name> ${name} (<name> is this resource's name in the configuration, as in the address above). ` +
        `Otherwise give this node another name. (ironplan said: ${e.message})`,
      ['name'],
    );
  }
}

/**
 * Takes over a node an interrupted create of ours enrolled: the service went on with the action that
 * create started (cleaning on provide), so wait for it, then give the node the fields the create sends now
 * (the configuration may have changed since). The create's remaining steps carry on from the node's state.
 */
async function adopt(c: IronicClient, n: IronicNode, body: Record<string, unknown>, deadline: number): Promise<IronicNode> {
  await waitNode(c, n.uuid, 'the interrupted create', deadline, (x) => !busy(x));
  const { traits, ...fields } = body;
  await c.request('PATCH', `/v1/nodes/${n.uuid}`, Object.entries(fields).map(([k, value]) => ({ op: 'replace', path: `/${k}`, value })), { deadline });
  if (Array.isArray(traits)) await c.request('PUT', `/v1/nodes/${n.uuid}/traits`, { traits }, { deadline });
  return (await findNode(c, n.uuid, deadline)) ?? n;
}

export const nodeResource: Resource = {
  block,
  validate: validateNode,

  plan(_ctx, prior, config) {
    const planned = plannedState(block, config, prior);
    const requiresReplace: PathStep[][] = [];
    if (prior) {
      const differs = (k: string) => !deepEqual(prior[k] ?? null, planned[k] ?? null);
      const anyChange = block.attributes.some((a) => !a.computed || a.optional ? differs(a.name) : false);
      if (differs('power_state') && planned.power_state !== null) planned.current_power_state = UNKNOWN;
      if (differs('provision_state')) {
        planned.current_provision_state = UNKNOWN;
        if (planned.provision_state === 'enroll') requiresReplace.push(['provision_state']);
      }
      if (differs('driver') && isObj(planned.interfaces)) {
        const cfg = isObj(config.interfaces) ? config.interfaces : {};
        planned.interfaces = Object.fromEntries(KINDS.map((k) => [k, cfg[k] ?? UNKNOWN]));
      }
      if (anyChange) planned.last_error = UNKNOWN;
    }
    return { planned, requiresReplace };
  },

  async create(ctx, planned, config) {
    const c = ctx.client();
    const deadline = deadlineFor(planned, 'create');
    const n = await enroll(c, planned, config, deadline);
    const state = await converge(c, n.uuid, null, planned, async () => {
      await syncPorts(c, n.uuid, [], planned.ports ?? null, deadline);
      await restAt(c, n, String(planned.provision_state ?? 'available'), deadline);
      if (planned.power_state === 'power on' || planned.power_state === 'power off') await setPower(c, n.uuid, planned.power_state, deadline);
      if (planned.maintenance === true) await maintenance(c, n.uuid, true, planned.maintenance_reason ?? null, deadline);
    });
    // The last request before terraform hears of the node: a kill before it leaves the node adoptable.
    await c.request('PATCH', `/v1/nodes/${n.uuid}`, clearPending('/extra'), { deadline });
    return state;
  },

  async update(ctx, prior, planned, config) {
    const c = ctx.client();
    const deadline = deadlineFor(planned, 'update');
    const uuid = String(prior.id);
    const changed = (k: string) => !deepEqual(prior[k] ?? null, planned[k] ?? null);
    return converge(c, uuid, prior, planned, async () => {
      if (changed('maintenance') && planned.maintenance === false) await maintenance(c, uuid, false, null, deadline);
      // A new driver_secrets_wo_version is a rotation: the write-only secrets are sent again.
      const ops = await patchOps(prior, planned, () => (changed('driver_secrets_wo_version') ? Promise.resolve(writeOnlySecrets(config)) : keptSecrets(c, uuid, config, deadline)));
      if (ops.length) await c.request('PATCH', `/v1/nodes/${uuid}`, ops, { deadline });
      if (changed('traits')) await c.request('PUT', `/v1/nodes/${uuid}/traits`, { traits: Array.isArray(planned.traits) ? planned.traits : [] }, { deadline });
      await syncPorts(c, uuid, prior.ports ?? null, planned.ports ?? null, deadline);
      // Read once after the writes above; the state and power steps each return the node as they left it.
      let node: IronicNode | null | undefined;
      const latest = async () => (node === undefined ? (node = await findNode(c, uuid)) : node);
      if (changed('provision_state')) {
        const n = await latest();
        if (n && RESTING.includes(n.provision_state)) node = await restAt(c, n, String(planned.provision_state), deadline);
      }
      if (changed('power_state') && (planned.power_state === 'power on' || planned.power_state === 'power off')) {
        const n = await latest();
        if (n && !n.instance_uuid && RESTING.includes(n.provision_state)) node = await setPower(c, uuid, planned.power_state, deadline);
      }
      if (planned.maintenance === true && (changed('maintenance') || changed('maintenance_reason'))) await maintenance(c, uuid, true, planned.maintenance_reason ?? null, deadline);
    });
  },

  async delete(ctx, prior) {
    const c = ctx.client();
    const deadline = deadlineFor(prior, 'delete');
    const uuid = String(prior.id);
    const n = await findNode(c, uuid, deadline);
    if (!n) return;
    // A deployment on this node may be being destroyed at the same moment: wait for it to let go.
    await waitNode(c, uuid, 'release by its deployment', deadline, (x) => !x.instance_uuid && !busy(x));
    await unlessGone(c.request('DELETE', `/v1/nodes/${uuid}`, undefined, { deadline }));
  },

  async read(ctx, state) {
    const c = ctx.client();
    const n = await findNode(c, String(state.id));
    if (!n) return null;
    return nodeState(n, await portsIfManaged(c, n.uuid, state), state);
  },

  async import(ctx, id) {
    const c = ctx.client();
    const n = await findNode(c, id);
    if (!n) throw new DiagError('Cannot import ironplan_node', `no node has the uuid or name "${id}"`);
    return nodeState(n, await nodePorts(c, n.uuid), null, true);
  },
};
