// plan(specs, records) → Plan: a pure function (no I/O, no clock unless given one). Each action says
// what changes, why (the field that differs: desired vs recorded) and what it waits for.
import { createHash } from 'node:crypto';
import type { NodeSpec } from './generated/node-spec.js';
import type { DeploymentSpec } from './generated/deployment-spec.js';
import type { NodeRecord } from '../contract/generated/node-record.js';
import type { PortRecord } from '../contract/generated/port-record.js';
import type { DeploymentRecord } from './generated/deployment-record.js';
import type { Plan, PlanAction } from './generated/plan.js';
import { EngineError } from './errors.js';
import { isUuid } from './ids.js';
import { TRANSIENT_STATES, WAIT_STATES, restingPath } from './states.js';

export interface Specs {
  nodes: NodeSpec[];
  deployments: DeploymentSpec[];
  /** The store's revision of this desired set; when given, it stands for the specs' content in the digest. */
  revision?: number;
}

export interface Records {
  nodes: NodeRecord[];
  ports: PortRecord[];
  deployments: DeploymentRecord[];
}

export interface PlanOptions {
  /** driver_info fields whose values must not appear in the plan (they are shown as "(sensitive)"). */
  secretFields?: (driver: string, interfaces: NodeSpec['interfaces']) => ReadonlySet<string>;
  id?: string;
  now?: string;
}

type Reason = PlanAction['reasons'][number];
type Op = PlanAction['op'];

export const SENSITIVE = '(sensitive value)';

/** Where a flow is under way: a manager works on the node, or it waits for its agent. */
const IN_PROGRESS_STATES = new Set<string>([...TRANSIENT_STATES, ...WAIT_STATES]);
/**
 * A node in progress is not at rest where its spec wants it: the plan says so with an action that waits
 * for it to settle and then carries on (apply is where the waiting happens). Leaving it out would plan
 * "no changes" while the flow has still to end; a one-shot CLI apply would then exit at once, and with it
 * a simulated agent resumed after a crash, leaving the node parked until its call-back deadline.
 */
const IN_PROGRESS_NOTE = 'in progress: apply waits for it to settle, then continues from where it rests';
const HELD_BY_DEPLOYMENT_STATES = new Set(['active', 'deploying', 'wait call-back', 'deploy failed', 'deleting']);

/** Canonical JSON: object keys sorted, so equal values print (and hash) equally. */
export function canonical(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}
/** Structural equality without allocating (plans compare tens of thousands of fields). */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let nx = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    nx++;
    if (!same(x[k], y[k])) return false;
  }
  let ny = 0;
  for (const k in y) if (y[k] !== undefined) ny++;
  return nx === ny;
}

/** Digest of everything a plan was made from: apply refuses a plan whose inputs have changed since. */
export function inputsDigest(specs: Specs, records: Records): string {
  // Specs are hashed as stored (the store keeps them verbatim), in name order; records by identity and
  // version. One string, hashed once: thousands of small hash updates cost more than the hashing.
  const parts: string[] = [];
  if (specs.revision !== undefined) {
    // Serialising 10,000 specs to hash them costs more than planning them; the store's revision says the same.
    parts.push(`|rev:${specs.revision}:${specs.nodes.length}:${specs.deployments.length}`);
  } else {
    for (const s of [...specs.nodes].sort(byName)) parts.push('|s:', JSON.stringify(s));
    for (const s of [...specs.deployments].sort(byName)) parts.push('|t:', JSON.stringify(s));
  }
  for (const n of [...records.nodes].sort(byUuid)) parts.push(`|n:${n.uuid}:${n.version}`);
  for (const p of [...records.ports].sort(byUuid)) parts.push(`|p:${p.uuid}:${p.node_uuid}:${p.address}:${p.pxe_enabled}:${canonical(p.extra)}`);
  for (const d of [...records.deployments].sort(byUuid)) parts.push(`|d:${d.uuid}:${d.node_uuid}:${d.updated_at ?? d.created_at}`);
  return createHash('sha256').update(parts.join('')).digest('hex');
}
const byUuid = (a: { uuid: string }, b: { uuid: string }) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0);
function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === b.length && a.every((x, i) => x === b[i])) return true;
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The manage/provide steps from a resting state to the spec's, walked in the state machine's table. */
export function provisionPath(from: NodeRecord['provision_state'], target: NonNullable<NodeSpec['provision_state']>): Op[] {
  return restingPath(from, target) as Op[];
}

/** What a deployment record asks for that its spec no longer does (image, root device, user and meta data). */
export function imageReasons(d: DeploymentSpec, dr: DeploymentRecord): Reason[] {
  const rs: Reason[] = [];
  if (d.image_source !== dr.image_source) rs.push({ field: 'image_source', desired: d.image_source, recorded: dr.image_source });
  if (d.image_checksum !== dr.image_checksum) rs.push({ field: 'image_checksum', desired: d.image_checksum, recorded: dr.image_checksum });
  if (!same(d.root_device ?? null, dr.root_device ?? null)) rs.push({ field: 'root_device', desired: d.root_device ?? null, recorded: dr.root_device });
  if ((d.user_data ?? null) !== (dr.user_data ?? null)) rs.push({ field: 'user_data', desired: d.user_data === undefined ? null : '(changed)', recorded: dr.user_data === null ? null : '(set)' });
  if (!same(d.meta_data ?? null, dr.meta_data ?? null)) rs.push({ field: 'meta_data', desired: d.meta_data ?? null, recorded: dr.meta_data });
  return rs;
}

function selectorMatches(node: { resource_class?: string | null; traits?: string[] }, sel: NonNullable<DeploymentSpec['node_selector']>): boolean {
  if ((node.resource_class ?? null) !== sel.resource_class) return false;
  const have = new Set(node.traits ?? []);
  return (sel.traits ?? []).every((t) => have.has(t));
}

export function plan(specs: Specs, records: Records, opts: PlanOptions = {}): Plan {
  const actions: PlanAction[] = [];
  const add = (a: Omit<PlanAction, 'depends_on'> & { depends_on?: string[] }): PlanAction => {
    const action: PlanAction = { ...a, depends_on: [...new Set(a.depends_on ?? [])] };
    actions.push(action);
    return action;
  };

  const seenNode = new Set<string>();
  for (const s of specs.nodes) {
    if (seenNode.has(s.name)) throw new EngineError('InvalidParameter', `nodes: the name "${s.name}" is used by more than one node spec`, 'nodes');
    seenNode.add(s.name);
  }
  const seenDep = new Set<string>();
  for (const d of specs.deployments) {
    if (seenDep.has(d.name)) throw new EngineError('InvalidParameter', `deployments: the name "${d.name}" is used by more than one deployment spec`, 'deployments');
    seenDep.add(d.name);
    if (!!d.node === !!d.node_selector) throw new EngineError('InvalidParameter', `deployments.${d.name}: give exactly one of node and node_selector`, `deployments.${d.name}.node`);
  }

  const recordByName = new Map<string, NodeRecord>();
  const recordByUuid = new Map<string, NodeRecord>();
  for (const n of records.nodes) {
    recordByUuid.set(n.uuid, n);
    if (n.name) recordByName.set(n.name, n);
  }
  const portsByNode = new Map<string, PortRecord[]>();
  for (const p of records.ports) portsByNode.set(p.node_uuid, [...(portsByNode.get(p.node_uuid) ?? []), p]);
  const deploymentByName = new Map(records.deployments.map((d) => [d.name, d]));
  const specByName = new Map(specs.nodes.map((s) => [s.name, s]));

  /** Actions per node name, so deployments and power changes can wait for them. */
  const nodeActions = new Map<string, PlanAction[]>();
  const addNode = (name: string, a: Omit<PlanAction, 'depends_on' | 'resource' | 'name'> & { depends_on?: string[] }) => {
    const prev = nodeActions.get(name) ?? [];
    // A node's own actions run one after the other, in the order planned.
    const action = add({ resource: 'node', name, node: name, ...a, depends_on: [...(a.depends_on ?? []), ...(prev.length ? [prev[prev.length - 1]!.id] : [])] });
    nodeActions.set(name, [...prev, action]);
    return action;
  };
  const powerWanted: Array<{ name: string; op: Op; reason: Reason }> = [];
  /** Actions that only wait for a node in progress: a deployment by selector does not wait on them (see below). */
  const settleActions = new Set<string>();

  // ---- nodes
  for (const s of [...specs.nodes].sort(byName)) {
    const r = recordByName.get(s.name);
    const secrets = opts.secretFields?.(s.driver, s.interfaces) ?? new Set<string>();
    const show = (k: string, v: unknown) => (secrets.has(k) ? SENSITIVE : v);
    const target = s.provision_state ?? 'available';
    const wantMaint = s.maintenance ?? false;
    if (!r) {
      addNode(s.name, {
        id: `node/${s.name}/enroll`,
        op: 'enroll',
        reasons: [{ field: 'node', desired: 'present', recorded: null, note: `driver ${s.driver}` }],
        params: { driver: s.driver, resource_class: s.resource_class ?? null, traits: s.traits ?? [] },
      });
      for (const p of s.ports ?? []) {
        const mac = p.address.toLowerCase();
        addNode(s.name, { id: `node/${s.name}/add_port/${mac}`, op: 'add_port', reasons: [{ field: `ports.${mac}`, desired: 'present', recorded: null }], params: { address: mac } });
      }
      for (const op of provisionPath('enroll', target)) {
        addNode(s.name, { id: `node/${s.name}/${op}`, op, reasons: [{ field: 'provision_state', desired: target, recorded: 'enroll' }] });
      }
      if (wantMaint) addNode(s.name, { id: `node/${s.name}/set_maintenance`, op: 'set_maintenance', reasons: [{ field: 'maintenance', desired: true, recorded: false }] });
      if (s.power_state) powerWanted.push({ name: s.name, op: s.power_state === 'power on' ? 'power_on' : 'power_off', reason: { field: 'power_state', desired: s.power_state, recorded: null } });
      continue;
    }

    // Fields that an update changes.
    const reasons: Reason[] = [];
    if (!r.managed) reasons.push({ field: 'managed', desired: true, recorded: false, note: 'an existing node is adopted by its spec' });
    if (s.driver !== r.driver) reasons.push({ field: 'driver', desired: s.driver, recorded: r.driver });
    const di = s.driver_info ?? {};
    if (!same(di, r.driver_info)) {
      for (const k of [...new Set([...Object.keys(di), ...Object.keys(r.driver_info)])].sort()) {
        if (!same(di[k], r.driver_info[k])) reasons.push({ field: `driver_info.${k}`, desired: show(k, di[k] ?? null), recorded: show(k, r.driver_info[k] ?? null) });
      }
    }
    for (const [kind, name] of Object.entries(s.interfaces ?? {})) {
      const recorded = r.interfaces[kind as keyof NodeRecord['interfaces']];
      if (name !== recorded) reasons.push({ field: `interfaces.${kind}`, desired: name, recorded });
    }
    if (!same(s.properties ?? {}, r.properties)) reasons.push({ field: 'properties', desired: s.properties ?? {}, recorded: r.properties });
    if ((s.resource_class ?? null) !== r.resource_class) reasons.push({ field: 'resource_class', desired: s.resource_class ?? null, recorded: r.resource_class });
    if (!sameSet(s.traits ?? [], r.traits)) reasons.push({ field: 'traits', desired: [...new Set(s.traits ?? [])].sort(), recorded: r.traits });
    if (!same(s.extra ?? {}, r.extra)) reasons.push({ field: 'extra', desired: s.extra ?? {}, recorded: r.extra });

    const deps: string[] = [];
    if (r.maintenance && !wantMaint) {
      addNode(s.name, { id: `node/${s.name}/unset_maintenance`, op: 'unset_maintenance', node: r.uuid, reasons: [{ field: 'maintenance', desired: false, recorded: true }] });
    }
    if (reasons.length) addNode(s.name, { id: `node/${s.name}/update`, op: 'update', node: r.uuid, reasons, depends_on: deps });

    // Ports, by MAC address.
    const recordedPorts = new Map((portsByNode.get(r.uuid) ?? []).map((p) => [p.address.toLowerCase(), p]));
    const wantedPorts = new Map((s.ports ?? []).map((p) => [p.address.toLowerCase(), p]));
    for (const [mac, p] of wantedPorts) {
      const rp = recordedPorts.get(mac);
      if (!rp) addNode(s.name, { id: `node/${s.name}/add_port/${mac}`, op: 'add_port', node: r.uuid, reasons: [{ field: `ports.${mac}`, desired: 'present', recorded: null }], params: { address: mac } });
      else {
        const pr: Reason[] = [];
        if ((p.pxe_enabled ?? true) !== rp.pxe_enabled) pr.push({ field: `ports.${mac}.pxe_enabled`, desired: p.pxe_enabled ?? true, recorded: rp.pxe_enabled });
        if (!same(p.extra ?? {}, rp.extra)) pr.push({ field: `ports.${mac}.extra`, desired: p.extra ?? {}, recorded: rp.extra });
        if (pr.length) addNode(s.name, { id: `node/${s.name}/update_port/${mac}`, op: 'update_port', node: r.uuid, reasons: pr, params: { address: mac, port_uuid: rp.uuid } });
      }
    }
    for (const [mac, rp] of recordedPorts) {
      if (!wantedPorts.has(mac)) addNode(s.name, { id: `node/${s.name}/remove_port/${mac}`, op: 'remove_port', node: r.uuid, reasons: [{ field: `ports.${mac}`, desired: null, recorded: 'present' }], params: { address: mac, port_uuid: rp.uuid } });
    }

    // Provision state, unless a deployment holds the node (then deployments drive it).
    const held = r.instance_uuid !== null || HELD_BY_DEPLOYMENT_STATES.has(r.provision_state);
    if (!held && IN_PROGRESS_STATES.has(r.provision_state) && target !== 'enroll') {
      const op: Op = target === 'manageable' ? 'manage' : 'provide';
      const a = addNode(s.name, { id: `node/${s.name}/${op}`, op, node: r.uuid, reasons: [{ field: 'provision_state', desired: target, recorded: r.provision_state, note: IN_PROGRESS_NOTE }] });
      settleActions.add(a.id);
    } else if (!held && !IN_PROGRESS_STATES.has(r.provision_state)) {
      if (r.provision_state === 'error') {
        addNode(s.name, { id: `node/${s.name}/undeploy`, op: 'undeploy', node: r.uuid, reasons: [{ field: 'provision_state', desired: target, recorded: 'error', note: 'tear down to recover' }] });
        if (target === 'manageable') addNode(s.name, { id: `node/${s.name}/manage`, op: 'manage', node: r.uuid, reasons: [{ field: 'provision_state', desired: target, recorded: 'available' }] });
      } else {
        for (const op of provisionPath(r.provision_state, target)) {
          addNode(s.name, { id: `node/${s.name}/${op}`, op, node: r.uuid, reasons: [{ field: 'provision_state', desired: target, recorded: r.provision_state }] });
        }
      }
    }
    if (!r.maintenance && wantMaint) addNode(s.name, { id: `node/${s.name}/set_maintenance`, op: 'set_maintenance', node: r.uuid, reasons: [{ field: 'maintenance', desired: true, recorded: false }] });
    else if (r.maintenance && wantMaint && (s.maintenance_reason ?? null) !== (r.maintenance_reason ?? null)) {
      addNode(s.name, { id: `node/${s.name}/set_maintenance`, op: 'set_maintenance', node: r.uuid, reasons: [{ field: 'maintenance_reason', desired: s.maintenance_reason ?? null, recorded: r.maintenance_reason }] });
    }
    if (s.power_state && s.power_state !== r.power_state) {
      powerWanted.push({ name: s.name, op: s.power_state === 'power on' ? 'power_on' : 'power_off', reason: { field: 'power_state', desired: s.power_state, recorded: r.power_state } });
    }
  }

  // ---- deployments
  const deploymentActionsOnNode = new Map<string, PlanAction[]>(); // by node name or uuid key
  const noteOnNode = (key: string, a: PlanAction) => deploymentActionsOnNode.set(key, [...(deploymentActionsOnNode.get(key) ?? []), a]);
  const nodeKey = (uuid: string | null) => {
    const rec = uuid ? recordByUuid.get(uuid) : undefined;
    return rec?.name ?? uuid ?? '';
  };
  const undeployIds: string[] = [];
  const deleteNames = new Set(records.nodes.filter((n) => n.managed && n.name !== null && !specByName.has(n.name)).map((n) => n.name!));
  const deleteUuids = new Set(records.nodes.filter((n) => n.managed && !(n.name && specByName.has(n.name))).map((n) => n.uuid));

  const resolveNamedNode = (d: DeploymentSpec): { key: string; record?: NodeRecord } => {
    const ident = d.node!;
    const rec = isUuid(ident) ? recordByUuid.get(ident) : recordByName.get(ident);
    if (rec && rec.name && deleteNames.has(rec.name)) {
      throw new EngineError('InvalidParameter', `deployments.${d.name}.node: node "${ident}" is being removed (its spec is gone)`, `deployments.${d.name}.node`);
    }
    if (!rec && !specByName.has(ident)) {
      throw new EngineError('InvalidParameter', `deployments.${d.name}.node: no node named "${ident}" is recorded or specified`, `deployments.${d.name}.node`);
    }
    return { key: rec?.name ?? ident, record: rec };
  };

  const pendingDeploys: Array<{ d: DeploymentSpec; reasons: Reason[]; after: string[] }> = [];

  for (const d of [...specs.deployments].sort(byName)) {
    const dr = deploymentByName.get(d.name);
    const want = d.state ?? 'deployed';
    if (want === 'absent') {
      if (dr) {
        const a = add({ id: `deployment/${d.name}/undeploy`, resource: 'deployment', name: d.name, node: nodeKey(dr.node_uuid), op: 'undeploy', reasons: [{ field: 'state', desired: 'absent', recorded: 'deployed' }] });
        undeployIds.push(a.id);
        noteOnNode(nodeKey(dr.node_uuid), a);
      }
      continue;
    }
    if (!dr) {
      pendingDeploys.push({ d, reasons: [{ field: 'deployment', desired: 'deployed', recorded: null }], after: [] });
      continue;
    }
    const rec = dr.node_uuid ? recordByUuid.get(dr.node_uuid) : undefined;
    let replace: Reason | undefined;
    if (!rec) replace = { field: 'node', desired: d.node ?? 'a matching node', recorded: null, note: 'the node holding it is gone' };
    else if (d.node_selector && rec.instance_uuid !== null && rec.instance_uuid !== dr.uuid) replace = { field: 'node', desired: 'another matching node', recorded: rec.name ?? rec.uuid, note: 'its node holds another deployment' };
    else if (deleteUuids.has(rec.uuid) && d.node_selector) replace = { field: 'node', desired: 'another matching node', recorded: rec.name ?? rec.uuid, note: 'its node is being removed' };
    else if (d.node) {
      const target = resolveNamedNode(d);
      if (target.record?.uuid !== rec.uuid) replace = { field: 'node', desired: d.node, recorded: rec.name ?? rec.uuid };
    } else if (d.node_selector) {
      const spec = rec.name ? specByName.get(rec.name) : undefined;
      const now = spec ? { resource_class: spec.resource_class ?? null, traits: spec.traits ?? [] } : rec;
      if (!selectorMatches(now, d.node_selector)) replace = { field: 'node_selector', desired: d.node_selector, recorded: rec.name ?? rec.uuid, note: 'the node no longer matches' };
    }
    if (replace) {
      const after: string[] = [];
      if (rec && rec.instance_uuid !== null && rec.instance_uuid !== dr.uuid) {
        // The record points at a node another deployment holds (a deploy cut short before it began, whose
        // node was taken since): undeploying it would undo the other one, so the record is only dropped.
        add({ id: `deployment/${d.name}/forget`, resource: 'deployment', name: d.name, op: 'forget', reasons: [replace] });
        after.push(`deployment/${d.name}/forget`);
      } else if (rec) {
        const u = add({ id: `deployment/${d.name}/undeploy`, resource: 'deployment', name: d.name, node: rec.name ?? rec.uuid, op: 'undeploy', reasons: [replace] });
        undeployIds.push(u.id);
        noteOnNode(nodeKey(rec.uuid), u);
        after.push(u.id);
      } else {
        add({ id: `deployment/${d.name}/forget`, resource: 'deployment', name: d.name, op: 'forget', reasons: [replace] });
        after.push(`deployment/${d.name}/forget`);
      }
      pendingDeploys.push({ d, reasons: [replace], after });
      continue;
    }
    const key = nodeKey(rec!.uuid);
    const rs = imageReasons(d, dr);
    const state = rec!.provision_state;
    if (state === 'active' && rs.length === 0) continue;
    if (IN_PROGRESS_STATES.has(state)) {
      // E.g. a deploy whose agent was resumed after a crash: waited for, and finished or retried by apply.
      const a = add({
        id: `deployment/${d.name}/${rs.length ? 'rebuild' : 'deploy'}`,
        resource: 'deployment',
        name: d.name,
        node: key,
        op: rs.length ? 'rebuild' : 'deploy',
        reasons: [{ field: 'provision_state', desired: 'active', recorded: state, note: IN_PROGRESS_NOTE }, ...rs],
        depends_on: lastOf(nodeActions.get(key)),
        params: { node: rec!.uuid },
      });
      noteOnNode(key, a);
      continue;
    }
    if (state === 'available') {
      const a = add({ id: `deployment/${d.name}/deploy`, resource: 'deployment', name: d.name, node: key, op: 'deploy', reasons: [{ field: 'provision_state', desired: 'active', recorded: state }, ...rs], depends_on: lastOf(nodeActions.get(key)), params: { node: rec!.uuid } });
      noteOnNode(key, a);
      continue;
    }
    const why: Reason[] = state === 'active' ? rs : [{ field: 'provision_state', desired: 'active', recorded: state }, ...rs];
    const a = add({ id: `deployment/${d.name}/rebuild`, resource: 'deployment', name: d.name, node: key, op: 'rebuild', reasons: why, depends_on: lastOf(nodeActions.get(key)), params: { node: rec!.uuid } });
    noteOnNode(key, a);
  }

  // Deployment records whose spec is gone are undeployed.
  const specifiedDeployments = new Set(specs.deployments.map((d) => d.name));
  for (const dr of [...records.deployments].sort(byName)) {
    if (specifiedDeployments.has(dr.name)) continue;
    const key = nodeKey(dr.node_uuid);
    if (dr.node_uuid && recordByUuid.has(dr.node_uuid)) {
      const a = add({ id: `deployment/${dr.name}/undeploy`, resource: 'deployment', name: dr.name, node: key, op: 'undeploy', reasons: [{ field: 'deployment', desired: null, recorded: 'deployed', note: 'spec removed' }] });
      undeployIds.push(a.id);
      noteOnNode(key, a);
    } else {
      add({ id: `deployment/${dr.name}/forget`, resource: 'deployment', name: dr.name, op: 'forget', reasons: [{ field: 'deployment', desired: null, recorded: 'present', note: 'spec removed and its node is gone' }] });
    }
  }

  // New deployments wait for their node to be ready (by name) or for every node they could be given.
  for (const { d, reasons, after } of pendingDeploys) {
    const deps = [...after];
    let node: string | undefined;
    const params: Record<string, unknown> = {};
    if (d.node) {
      const t = resolveNamedNode(d);
      node = t.key;
      params.node = t.record?.uuid ?? t.key;
      deps.push(...lastOf(nodeActions.get(t.key)));
    } else {
      params.node_selector = d.node_selector;
      // Not on a node that is only being waited for: its flow may take until its call-back deadline while
      // other nodes are available; apply waits for such a node only when no other one is.
      for (const s of specs.nodes) if (selectorMatches(s, d.node_selector!)) deps.push(...lastOf(nodeActions.get(s.name)).filter((id) => !settleActions.has(id)));
      deps.push(...undeployIds.filter((id) => !after.includes(id)));
    }
    const a = add({ id: `deployment/${d.name}/deploy`, resource: 'deployment', name: d.name, ...(node ? { node } : {}), op: 'deploy', reasons, depends_on: deps, params });
    if (node) noteOnNode(node, a);
  }

  // Managed nodes whose spec is gone are deleted, after anything deployed on them is undone.
  const deployedNodeUuids = new Set(records.deployments.map((d) => d.node_uuid));
  for (const n of records.nodes) {
    if (!deleteUuids.has(n.uuid)) continue;
    const key = n.name ?? n.uuid;
    const deps = (deploymentActionsOnNode.get(key) ?? []).map((a) => a.id);
    if (n.instance_uuid && !deployedNodeUuids.has(n.uuid)) {
      const u = add({ id: `node/${key}/undeploy`, resource: 'node', name: key, node: n.uuid, op: 'undeploy', reasons: [{ field: 'provision_state', desired: 'available', recorded: n.provision_state, note: 'tear down before delete' }] });
      deps.push(u.id);
    }
    add({ id: `node/${key}/delete`, resource: 'node', name: key, node: n.uuid, op: 'delete', reasons: [{ field: 'node', desired: null, recorded: 'present', note: 'spec removed' }], depends_on: deps });
  }

  // Power changes come last for their node: deploying and cleaning move power themselves.
  const selectorDeploys = actions.filter((a) => a.op === 'deploy' && a.params?.node_selector);
  for (const p of powerWanted) {
    const spec = specByName.get(p.name)!;
    const mayLand = selectorDeploys.filter((a) => selectorMatches(spec, a.params!.node_selector as NonNullable<DeploymentSpec['node_selector']>)).map((a) => a.id);
    const deps = [...lastOf(nodeActions.get(p.name)), ...(deploymentActionsOnNode.get(p.name) ?? []).map((a) => a.id), ...mayLand];
    addNode(p.name, { id: `node/${p.name}/${p.op}`, op: p.op, reasons: [p.reason], depends_on: deps });
  }

  const ordered = topoSort(actions);
  const created = opts.now ?? new Date(0).toISOString();
  const digest = inputsDigest(specs, records);
  const count = (ops: Op[]) => ordered.filter((a) => ops.includes(a.op)).length;
  const changedTargets = new Set(ordered.filter((a) => !['enroll', 'delete', 'deploy', 'undeploy', 'forget'].includes(a.op)).map((a) => `${a.resource}/${a.name}`));
  return {
    id: opts.id ?? `plan-${digest.slice(0, 16)}`,
    created_at: created,
    inputs_digest: digest,
    actions: ordered,
    summary: {
      create: count(['enroll']) + ordered.filter((a) => a.op === 'deploy' && a.reasons.some((r) => r.field === 'deployment')).length,
      update: changedTargets.size + ordered.filter((a) => a.op === 'deploy' && !a.reasons.some((r) => r.field === 'deployment')).length,
      delete: count(['delete', 'forget']) + ordered.filter((a) => a.op === 'undeploy' && a.resource === 'deployment').length,
      actions: ordered.length,
    },
  };
}

const lastOf = (xs: PlanAction[] | undefined): string[] => (xs && xs.length ? [xs[xs.length - 1]!.id] : []);

/** Orders actions so each comes after what it depends on, keeping planned order otherwise (Kahn's algorithm). */
export function topoSort(actions: PlanAction[]): PlanAction[] {
  const byId = new Map(actions.map((a) => [a.id, a]));
  for (const a of actions) a.depends_on = a.depends_on.filter((d) => byId.has(d) && d !== a.id);
  const indegree = new Map(actions.map((a) => [a.id, a.depends_on.length]));
  const dependents = new Map<string, string[]>();
  for (const a of actions) for (const d of a.depends_on) dependents.set(d, [...(dependents.get(d) ?? []), a.id]);
  const index = new Map(actions.map((a, i) => [a.id, i]));
  const ready = new MinHeap();
  for (const a of actions) if (a.depends_on.length === 0) ready.push(index.get(a.id)!);
  const out: PlanAction[] = [];
  while (ready.size) {
    const a = actions[ready.pop()]!;
    out.push(a);
    for (const dep of dependents.get(a.id) ?? []) {
      const n = indegree.get(dep)! - 1;
      indegree.set(dep, n);
      if (n === 0) ready.push(index.get(dep)!);
    }
  }
  if (out.length !== actions.length) throw new Error('plan has a dependency cycle');
  return out;
}

/** A binary min-heap of action indexes: the earliest-planned ready action goes first. */
class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(v: number): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= v) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r]! < a[l]! ? r : l;
        if (a[c]! >= last) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}
