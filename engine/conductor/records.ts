// Node and port records: enrolment, changes of recorded fields (never states), deletion, and the masked
// view of a node users see. States move only through the task manager's transitions.
import type { NodeRecord } from '../../contract/generated/node-record.js';
import type { PortRecord } from '../../contract/generated/port-record.js';
import { now, type NodePatch, type TxStore } from '../store/store.js';
import { type DriverRegistry, SECRET_MASK, SECRET_NAME } from '../drivers/registry.js';
import type { DriverCatalog } from '../drivers/registry.js';
import { validator } from '../validation.js';
import { EngineError, invalidParameter, nodeProtected } from '../errors.js';
import { newUuid, isUuid } from '../ids.js';
import { IDLE_STATES } from '../states.js';
import type { NodeCreate, NodeUpdate, PortCreate, PortUpdate } from './types.js';
import type { TaskManager } from './task-manager.js';

/** A node as users may see it: driver_info secrets, the agent token and the config drive (user data) masked. */
export function redact(registry: DriverCatalog, node: NodeRecord): NodeRecord {
  const instanceInfo = 'configdrive' in node.instance_info ? { ...node.instance_info, configdrive: SECRET_MASK } : node.instance_info;
  return {
    ...node,
    driver_info: registry.maskSecrets(node.interfaces, node.driver_info),
    driver_internal_info: maskSecretNames(node.driver_internal_info),
    instance_info: maskSecretNames(instanceInfo),
  };
}

/** Values under secret-looking names (agent tokens, passwords) are never shown back. */
function maskSecretNames(info: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) out[k] = typeof v === 'string' && SECRET_NAME.test(k) ? SECRET_MASK : v;
  return out;
}

/** A node may name only a chassis that exists (checked in the writing transaction; Ironic answers 400). */
async function checkChassis(tx: TxStore, uuid: string | null | undefined): Promise<void> {
  if (uuid && !(await tx.findChassis(uuid))) throw new EngineError('InvalidParameter', `Chassis ${uuid} could not be found.`, 'chassis_uuid');
}

export async function createNode(tm: TaskManager, input: NodeCreate, actor: string): Promise<NodeRecord> {
  if (input.name != null && isUuid(input.name)) throw invalidParameter('name', 'must not be a UUID');
  const state = input.initial_state ?? 'enroll';
  if (state !== 'enroll' && state !== 'available') throw invalidParameter('initial_state', `"${String(state)}" is not enroll or available`);
  const interfaces = tm.registry.resolveInterfaces(input.driver, input.interfaces ?? {});
  const driverInfo = input.driver_info ?? {};
  tm.registry.validateDriverInfo(interfaces, driverInfo);
  const t = now();
  const node: NodeRecord = {
    uuid: input.uuid ?? newUuid(),
    name: input.name ?? null,
    driver: input.driver,
    driver_info: driverInfo,
    interfaces,
    properties: input.properties ?? {},
    resource_class: input.resource_class ?? null,
    conductor_group: input.conductor_group ?? '',
    chassis_uuid: input.chassis_uuid ?? null,
    traits: [...new Set(input.traits ?? [])].sort(),
    power_state: null,
    target_power_state: null,
    provision_state: state,
    target_provision_state: null,
    maintenance: input.maintenance ?? false,
    maintenance_reason: input.maintenance ? (input.maintenance_reason ?? null) : null,
    last_error: null,
    reservation: null,
    instance_uuid: null,
    instance_info: input.instance_info ?? {},
    driver_internal_info: {},
    extra: input.extra ?? {},
    managed: input.managed ?? false,
    provision_deadline: null,
    created_at: t,
    updated_at: null,
    provision_updated_at: null,
    version: 1,
    fault: null,
    automated_clean: input.automated_clean ?? null,
    protected: false,
    protected_reason: null,
    owner: input.owner ?? null,
    lessee: input.lessee ?? null,
    description: input.description ?? null,
    retired: input.retired ?? false,
    retired_reason: input.retired ? (input.retired_reason ?? null) : null,
    network_data: input.network_data ?? {},
    boot_mode: null,
    secure_boot: null,
    shard: input.shard ?? null,
    parent_node: input.parent_node ?? null,
  };
  if (node.parent_node) node.parent_node = await parentOf(tm, node, node.parent_node);
  await tm.store.transaction(async (tx) => {
    await checkChassis(tx, node.chassis_uuid);
    await tx.insertNode(node);
    const reason = state === 'enroll' ? 'node enrolled' : 'node created available (API version before 1.11)';
    await tx.addEvent({ type: 'node', node_uuid: node.uuid, node_name: node.name, from: null, to: state, verb: 'create', actor, reason });
  });
  return node;
}

/** Changes recorded fields of a node (not its states), under its lock. */
export function updateNode(tm: TaskManager, ident: string, update: NodeUpdate, actor: string): Promise<NodeRecord> {
  return tm.withLockedNode(ident, async (node) => {
    const patch: NodePatch = {};
    if (update.name !== undefined) {
      if (update.name !== null && isUuid(update.name)) throw invalidParameter('name', 'must not be a UUID');
      patch.name = update.name;
    }
    const driver = update.driver ?? node.driver;
    if (update.driver !== undefined || update.interfaces !== undefined) {
      const requested = update.interfaces ?? (update.driver !== undefined && update.driver !== node.driver ? {} : node.interfaces);
      patch.driver = driver;
      patch.interfaces = tm.registry.resolveInterfaces(driver, requested);
    }
    if (update.driver_info !== undefined || patch.interfaces) {
      const di = update.driver_info ?? node.driver_info;
      tm.registry.validateDriverInfo(patch.interfaces ?? node.interfaces, di);
      patch.driver_info = di;
    }
    if (update.properties !== undefined) patch.properties = update.properties;
    if (update.resource_class !== undefined) patch.resource_class = update.resource_class;
    if (update.conductor_group !== undefined) patch.conductor_group = update.conductor_group;
    if (update.traits !== undefined) patch.traits = [...new Set(update.traits)].sort();
    if (update.extra !== undefined) patch.extra = update.extra;
    if (update.managed !== undefined) patch.managed = update.managed;
    if (update.instance_info !== undefined) patch.instance_info = update.instance_info;
    if (update.instance_uuid !== undefined) patch.instance_uuid = update.instance_uuid;
    if (update.chassis_uuid !== undefined) patch.chassis_uuid = update.chassis_uuid;
    if (update.maintenance !== undefined) {
      patch.maintenance = update.maintenance;
      patch.maintenance_reason = update.maintenance ? (update.maintenance_reason ?? node.maintenance_reason) : null;
    } else if (update.maintenance_reason !== undefined) patch.maintenance_reason = update.maintenance_reason;
    // Ironic clears the fault with maintenance: the fault says why the service itself set maintenance.
    if (update.maintenance === false) patch.fault = null;
    for (const k of ['automated_clean', 'owner', 'lessee', 'description', 'network_data', 'shard', 'parent_node'] as const) {
      if (update[k] !== undefined) (patch as Record<string, unknown>)[k] = update[k];
    }
    if (update.parent_node != null) patch.parent_node = await parentOf(tm, node, update.parent_node);
    checkFlag(node, patch, update, 'protected', 'protected_reason', () => {
      // Only a deployed (or rescued) node is protected: protection guards an instance.
      if (node.provision_state !== 'active' && node.provision_state !== 'rescue') {
        // Ironic's InvalidState here is a 409 (not the 400 of a refused provision verb).
        throw new EngineError('Conflict', `Node ${node.uuid} can only be made protected in provision states 'active' or 'rescue', the current state is '${node.provision_state}'`, 'protected');
      }
    });
    checkFlag(node, patch, update, 'retired', 'retired_reason', () => {
      if (node.provision_state === 'available') {
        throw new EngineError('Conflict', `Node ${node.uuid} can not have 'retired' set in provision state 'available', the current state is '${node.provision_state}'`, 'retired');
      }
    });
    if ((patch.driver || patch.interfaces) && !IDLE_STATES.includes(node.provision_state) && !node.maintenance) {
      throw new EngineError('InvalidState', `Cannot change the driver of node ${ident} in provision state "${node.provision_state}".`);
    }
    return tm.store.transaction(async (tx) => {
      await checkChassis(tx, patch.chassis_uuid);
      const updated = await tx.updateNode(node.uuid, node.version, patch);
      const fields = Object.keys(patch).join(', ');
      await tx.addEvent({ type: 'node', node_uuid: node.uuid, node_name: updated.name, verb: 'update', actor, reason: `updated ${fields}` });
      if (update.maintenance !== undefined && update.maintenance !== node.maintenance) {
        await tx.addEvent({ type: 'maintenance', node_uuid: node.uuid, node_name: updated.name, from: String(node.maintenance), to: String(update.maintenance), actor, reason: patch.maintenance_reason ?? null });
      }
      return updated;
    });
  });
}

/**
 * A flag with its reason (protected, retired), as Ironic's conductor checks them: setting the flag may be
 * refused by state, unsetting it clears the reason, and a reason needs the flag.
 */
function checkFlag(node: NodeRecord, patch: NodePatch, update: NodeUpdate, flag: 'protected' | 'retired', reason: 'protected_reason' | 'retired_reason', canSet: () => void): void {
  if (update[flag] !== undefined) {
    patch[flag] = update[flag];
    if (!update[flag]) patch[reason] = null;
    else if (!node[flag]) canSet();
  }
  if (update[reason] !== undefined) {
    if (update[reason] && !(patch[flag] ?? node[flag])) throw invalidParameter(reason, `The ${reason} field can only be set when ${flag} is True`);
    if (patch[flag] !== false) patch[reason] = update[reason];
  }
}

/** A parent node exists and is not the node itself (Ironic stores the parent's UUID). */
async function parentOf(tm: TaskManager, node: NodeRecord, ident: string): Promise<string> {
  const parent = await tm.store.findNode(ident);
  if (!parent) throw invalidParameter('parent_node', `Node ${ident} could not be found`);
  if (parent.uuid === node.uuid) throw invalidParameter('parent_node', 'a node can not be its own parent');
  return parent.uuid;
}

export async function deleteNode(tm: TaskManager, ident: string, actor: string): Promise<void> {
  await tm.withLockedNode(
    ident,
    async (node) => {
      if (node.protected) throw nodeProtected(node.uuid);
      if (!node.maintenance && !IDLE_STATES.includes(node.provision_state)) {
        throw new EngineError(
          'InvalidStateConflict',
          `Can not delete node "${ident}" while it is in provision state "${node.provision_state}". Valid provision states to perform deletion are: ${IDLE_STATES.join(', ')}, or set the node into maintenance mode.`,
        );
      }
      if (node.instance_uuid && !node.maintenance) throw new EngineError('InvalidState', `Node ${ident} is associated with deployment ${node.instance_uuid}; undeploy it first.`);
      await tm.store.transaction(async (tx) => {
        const current = await tx.getNode(node.uuid);
        await tx.deleteNode(node.uuid, current.version);
        await tx.addEvent({ type: 'node', node_uuid: node.uuid, node_name: node.name, from: node.provision_state, to: null, verb: 'delete', actor, reason: 'node deleted' });
      });
    },
    { releaseAfter: false },
  );
}

export async function createPort(tm: TaskManager, input: PortCreate, actor: string): Promise<PortRecord> {
  const node = await tm.store.getNode(input.node_uuid);
  assertMac(input.address);
  const t = now();
  const port: PortRecord = {
    uuid: input.uuid ?? newUuid(),
    node_uuid: node.uuid,
    address: input.address.toLowerCase(),
    pxe_enabled: input.pxe_enabled ?? true,
    extra: input.extra ?? {},
    portgroup_uuid: await memberOf(tm, node.uuid, input.portgroup_uuid, input.pxe_enabled),
    internal_info: {},
    local_link_connection: input.local_link_connection ?? {},
    is_smartnic: input.is_smartnic ?? false,
    name: input.name ?? null,
    created_at: t,
    updated_at: null,
  };
  await tm.store.transaction(async (tx) => {
    await tx.insertPort(port);
    await tx.addEvent({ type: 'port', node_uuid: node.uuid, node_name: node.name, verb: 'create', actor, reason: `port ${port.address} added` });
  });
  return port;
}

export async function updatePort(tm: TaskManager, uuid: string, patch: PortUpdate, actor: string): Promise<PortRecord> {
  const port = await tm.store.getPort(uuid);
  if (patch.address !== undefined) assertMac(patch.address);
  if (patch.node_uuid !== undefined) patch.node_uuid = (await tm.store.getNode(patch.node_uuid)).uuid;
  if (patch.portgroup_uuid !== undefined || (patch.node_uuid !== undefined && port.portgroup_uuid)) {
    // A port stays in a group of its own node: moving it checks the group it keeps, as naming one does.
    const group = patch.portgroup_uuid !== undefined ? patch.portgroup_uuid : port.portgroup_uuid;
    patch.portgroup_uuid = await memberOf(tm, patch.node_uuid ?? port.node_uuid, group, patch.pxe_enabled);
  }
  return tm.store.transaction(async (tx) => {
    const updated = await tx.updatePort(uuid, patch);
    await tx.addEvent({ type: 'port', node_uuid: port.node_uuid, verb: 'update', actor, reason: `port ${updated.address} updated` });
    return updated;
  });
}

export async function deletePort(tm: TaskManager, uuid: string, actor: string): Promise<void> {
  const port = await tm.store.getPort(uuid);
  await tm.store.transaction(async (tx) => {
    await tx.deletePort(uuid);
    await tx.addEvent({ type: 'port', node_uuid: port.node_uuid, verb: 'delete', actor, reason: `port ${port.address} removed` });
  });
}

/**
 * The port group a port of `nodeUuid` may be a member of, by Ironic's rules: it exists (400 otherwise,
 * not 404: it is named in a body), it is the node's, and a PXE-enabled port joins only a group that
 * supports standalone ports (409).
 */
async function memberOf(tm: TaskManager, nodeUuid: string, ident: string | null | undefined, pxeEnabled: boolean | undefined): Promise<string | null> {
  if (ident === undefined || ident === null) return null;
  const pg = await tm.store.findPortgroup(ident);
  if (!pg) throw new EngineError('InvalidParameter', `Portgroup ${ident} could not be found.`, 'portgroup_uuid');
  if (pg.node_uuid !== nodeUuid) throw new EngineError('InvalidParameter', 'Port can not be added to a portgroup belonging to a different node.', 'portgroup_uuid');
  if (pxeEnabled === true && !pg.standalone_ports_supported) {
    throw new EngineError(
      'Conflict',
      `Port group ${pg.uuid} doesn't support standalone ports. This port cannot be created as a member of that portgroup as the port's 'pxe_enabled' field was set to True.`,
      'pxe_enabled',
    );
  }
  return pg.uuid;
}

function assertMac(address: string): void {
  if (!validator('common.schema.json#/definitions/MacAddress')(address)) throw invalidParameter('address', `"${address}" is not a MAC address`);
}
