// VIFs (Ironic API 1.28): virtual network interfaces attached to a node, each recorded on one free port
// or port group as internal_info.tenant_vif_port_id. This is the bookkeeping of Ironic's flat network
// interface (network/common.py VIFPortIDMixin) without Neutron: ironplan has no network service to tell,
// so the record is the whole attachment. (Ironic's noop interface, whose name ironplan shows, accepts and
// forgets VIFs; recording them lets a client see what it attached.) Attach and detach hold the node's
// lock, as Ironic's conductor does; listing reads the records (vifsOf).
import type { PortRecord } from '../../contract/generated/port-record.js';
import type { PortgroupRecord } from '../generated/portgroup-record.js';
import { EngineError } from '../errors.js';
import type { TxStore } from '../store/store.js';
import type { TaskManager } from './task-manager.js';

export const TENANT_VIF_KEY = 'tenant_vif_port_id';

/** What a client attaches: Ironic's vif_info (its other keys are kept by Ironic for Neutron; unused here). */
export interface VifInfo {
  id: string;
  [k: string]: unknown;
}

type PortLike = { kind: 'Port'; rec: PortRecord } | { kind: 'Portgroup'; rec: PortgroupRecord };

const vifOf = (p: { internal_info?: Record<string, unknown> }): string | undefined => {
  const v = p.internal_info?.[TENANT_VIF_KEY];
  return typeof v === 'string' ? v : undefined;
};

/** The node's VIFs, ports first, then port groups, as Ironic's vif_list orders them. */
export function vifsOf(ports: readonly PortRecord[], groups: readonly PortgroupRecord[]): Array<{ id: string }> {
  return [...ports, ...groups].flatMap((p) => {
    const id = vifOf(p);
    return id ? [{ id }] : [];
  });
}

/** Ports in creation order (Ironic's task.ports are in id order). */
const byCreation = (a: PortRecord, b: PortRecord) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.uuid < b.uuid ? -1 : 1);

/**
 * Ironic's get_free_port_like_object, with no physical networks: free ports outside groups, and groups
 * with free member ports (a group one of whose ports has a VIF gives its free ports instead); then groups
 * before ports and PXE-enabled ports before others. The VIF attached anywhere on the node is a 409.
 * A vif_info naming port_uuid (API 1.67) considers only that port; naming portgroup_uuid, only that group.
 */
function freePortLike(vif: VifInfo, allPorts: PortRecord[], allGroups: PortgroupRecord[]): PortLike {
  const vifId = vif.id;
  const portUuid = typeof vif.port_uuid === 'string' ? vif.port_uuid : undefined;
  const groupUuid = portUuid === undefined && typeof vif.portgroup_uuid === 'string' ? vif.portgroup_uuid : undefined;
  const ports = portUuid === undefined ? allPorts : allPorts.filter((p) => p.uuid === portUuid);
  const groups = portUuid !== undefined ? [] : groupUuid === undefined ? allGroups : allGroups.filter((g) => g.uuid === groupUuid);
  const attached = (p: PortLike) => {
    const current = vifOf(p.rec);
    if (current === vifId) throw new EngineError('Conflict', `Unable to attach VIF because VIF ${vifId} is already attached to Ironic ${p.kind} ${p.rec.uuid}`);
    return current !== undefined;
  };
  const free: PortLike[] = [];
  const byGroup = new Map<string, PortRecord[]>();
  const unusable = new Set<string | null>();
  for (const p of [...ports].sort(byCreation)) {
    if (attached({ kind: 'Port', rec: p })) {
      unusable.add(p.portgroup_uuid ?? null);
      continue;
    }
    // Outside groups: a candidate unless a group was named.
    if (!p.portgroup_uuid) {
      if (groupUuid === undefined) free.push({ kind: 'Port', rec: p });
    } else byGroup.set(p.portgroup_uuid, [...(byGroup.get(p.portgroup_uuid) ?? []), p]);
  }
  for (const g of groups) {
    if (attached({ kind: 'Portgroup', rec: g })) continue;
    const members = byGroup.get(g.uuid) ?? [];
    if (unusable.has(g.uuid)) {
      if (groupUuid === undefined) free.push(...members.map((rec) => ({ kind: 'Port' as const, rec })));
    } else if (members.length) free.push({ kind: 'Portgroup', rec: g });
  }
  if (!free.length) throw new EngineError('InvalidParameter', `Unable to attach VIF ${vifId}, not enough free physical ports.`);
  const rank = (p: PortLike) => (p.kind === 'Portgroup' ? 2 : p.rec.pxe_enabled ? 1 : 0);
  // A stable sort: among equals the first found wins, as Python's sorted(reverse=True) keeps it.
  return [...free].sort((a, b) => rank(b) - rank(a))[0]!;
}

async function save(tx: TxStore, p: PortLike, vifId: string | null): Promise<void> {
  const info = { ...(p.rec.internal_info ?? {}) };
  if (vifId === null) delete info[TENANT_VIF_KEY];
  else info[TENANT_VIF_KEY] = vifId;
  if (p.kind === 'Port') await tx.updatePort(p.rec.uuid, { internal_info: info });
  else await tx.updatePortgroup(p.rec.uuid, { internal_info: info });
}

export function attachVif(tm: TaskManager, ident: string, vif: VifInfo, actor: string): Promise<void> {
  return tm.withLockedNode(ident, (node) =>
    tm.store.transaction(async (tx) => {
      const target = freePortLike(vif, await tx.listPorts({ node_uuid: node.uuid }), await tx.listPortgroups({ node_uuid: node.uuid }));
      await save(tx, target, vif.id);
      await tx.addEvent({ type: 'port', node_uuid: node.uuid, node_name: node.name, verb: 'vif-attach', actor, reason: `VIF ${vif.id} attached to ${target.kind.toLowerCase()} ${target.rec.uuid}` });
    }),
  );
}

export function detachVif(tm: TaskManager, ident: string, vifId: string, actor: string): Promise<void> {
  return tm.withLockedNode(ident, (node) =>
    tm.store.transaction(async (tx) => {
      // Port groups first, as Ironic's _get_port_like_obj_by_vif_id looks.
      const groups: PortLike[] = (await tx.listPortgroups({ node_uuid: node.uuid })).map((rec) => ({ kind: 'Portgroup', rec }));
      const ports: PortLike[] = (await tx.listPorts({ node_uuid: node.uuid })).map((rec) => ({ kind: 'Port', rec }));
      const target = [...groups, ...ports].find((p) => vifOf(p.rec) === vifId);
      if (!target) throw new EngineError('InvalidParameter', `Unable to detach VIF ${vifId} from node ${node.uuid} because it is not attached to it.`);
      await save(tx, target, null);
      await tx.addEvent({ type: 'port', node_uuid: node.uuid, node_name: node.name, verb: 'vif-detach', actor, reason: `VIF ${vifId} detached from ${target.kind.toLowerCase()} ${target.rec.uuid}` });
    }),
  );
}
