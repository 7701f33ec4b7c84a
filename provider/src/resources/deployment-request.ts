// What an ironplan_deployment asked for, as far as the service can keep it, and when a configuration asks
// for what a running deployment already is. The v1 API shows the node a deployment runs on, never how it
// was chosen (a name, a uuid or a node_selector), and masks the config drive (user data). An import that
// guessed them would plan to replace or rebuild, that is reimage, a machine that matches its configuration:
//  - claim and rebuild record in instance_info.requested how the node was chosen and which of user_data
//    and meta_data were given (never their content); import restores exactly those attributes;
//  - the service records a digest of each config drive it is given (instance_info.configdrive_sha256);
//    the state keeps it in configdrive_sha256 and plan() compares the configuration's digest with it.
import { CONFIGDRIVE_DIGEST_KEY, configdriveDigest } from '../../../engine/configdrive.js';
import type { IronicClient, IronicNode } from '../client.js';
import { freeForm, typedMap } from '../convert.js';
import { DiagError, type PathStep } from '../diag.js';
import { findNode } from '../nodeops.js';
import { deepEqual, isObj, isUnknown, UNKNOWN, type Obj, type Unknown, type Value } from '../values.js';

/** The instance_info key holding the deployment's request (see requestRecord). */
export const REQUEST_KEY = 'requested';
const USER_DATA_FIELDS = ['user_data', 'meta_data'] as const;
const PLACEMENT_FIELDS = ['node', 'node_selector'] as const;

/**
 * Stands in the state, after an import, for user data the service never shows back. plan() keeps it
 * while the configuration's user data digests to what the node recorded, and never sends it.
 */
export const IMPORTED_USER_DATA = '(imported: ironplan does not show user data back; it is compared by configdrive_sha256)';

/** The config drive sent to deploy or rebuild with these values ({user_data, meta_data}), or null for none. */
export function configdriveOf(p: Obj): { user_data: Value; meta_data: Record<string, unknown> } | null {
  if (p.user_data == null && p.meta_data == null) return null;
  return { user_data: p.user_data ?? null, meta_data: typedMap(p.meta_data ?? null, freeForm, ['meta_data']) };
}

/** The config drive to send: refuses the import stand-in, which must never reach a machine. */
export function configdriveToSend(p: Obj): Record<string, unknown> {
  if (p.user_data === IMPORTED_USER_DATA) {
    throw new DiagError('No user data to deploy', 'this deployment was imported and its user data is not known; set user_data in the configuration.', ['user_data']);
  }
  const cd = configdriveOf(p);
  return cd ? { configdrive: cd } : {};
}

const hasUnknown = (v: Value): boolean => isUnknown(v) || (Array.isArray(v) ? v.some(hasUnknown) : isObj(v) ? Object.values(v).some(hasUnknown) : false);

/** The digest the service records for the config drive of these values: unknown while they are, null without one. */
export function digestOf(p: Obj): string | null | Unknown {
  if (USER_DATA_FIELDS.some((k) => hasUnknown(p[k] ?? null))) return UNKNOWN;
  const cd = configdriveOf(p);
  return cd ? configdriveDigest(cd) : null;
}

/** The digest the node recorded, if the service records them (null from a plain Ironic or an older ironplan). */
export const recordedDigest = (n: IronicNode): string | null => {
  const d = (n.instance_info ?? {})[CONFIGDRIVE_DIGEST_KEY];
  return typeof d === 'string' ? d : null;
};

/** How the node was chosen and which user data fields were given: nothing secret, all an import needs. */
export function requestRecord(p: Obj): Record<string, unknown> {
  const sel = isObj(p.node_selector) ? p.node_selector : null;
  const out: Record<string, unknown> = {};
  if (typeof p.node === 'string') out.node = p.node;
  if (sel) out.node_selector = { resource_class: sel.resource_class, traits: Array.isArray(sel.traits) ? [...(sel.traits as string[])].sort() : null };
  out.configdrive_fields = USER_DATA_FIELDS.filter((k) => p[k] != null);
  return out;
}

/**
 * The attributes an import restores from the node: the placement and user data fields as the deployment
 * asked for them when it recorded its request; else the node by name and, when a digest says there was a
 * config drive, user data alone (the most common case).
 */
export function importedRequest(n: IronicNode): Obj {
  const info = n.instance_info ?? {};
  const req = isObj(info[REQUEST_KEY] as Value) ? (info[REQUEST_KEY] as Obj) : null;
  const digest = recordedDigest(n);
  let node: Value = n.name ?? n.uuid;
  let nodeSelector: Value = null;
  const sel = req && isObj(req.node_selector) ? req.node_selector : null;
  if (sel && typeof sel.resource_class === 'string') {
    node = null;
    nodeSelector = { resource_class: sel.resource_class, traits: Array.isArray(sel.traits) ? sel.traits.filter((t) => typeof t === 'string') : null };
  } else if (req && typeof req.node === 'string' && (req.node === n.uuid || req.node === n.name)) {
    // As configured (name or uuid), unless the node was renamed since.
    node = req.node;
  }
  const given = req && Array.isArray(req.configdrive_fields) ? req.configdrive_fields : ['user_data'];
  return {
    node,
    node_selector: nodeSelector,
    // Without a digest there is nothing to compare stand-ins with: the configuration's user data will be
    // planned as a change, as before the service recorded digests.
    user_data: digest && given.includes('user_data') ? IMPORTED_USER_DATA : null,
    meta_data: digest && given.includes('meta_data') ? {} : null,
    configdrive_sha256: digest,
  };
}

/**
 * Keeps the prior user_data and meta_data when the configuration's user data digests to the digest the node
 * recorded (`wanted` is the configuration's digest), with the same fields set: then they are the same config drive,
 * whatever the state holds (an import's stand-ins). Terraform accepts a planned value equal to the prior
 * one in place of a configured value when both are set; that is what makes the plan after an import empty.
 */
export function keepEquivalentUserData(prior: Obj, planned: Obj, wanted: Value): void {
  const recorded = prior.configdrive_sha256;
  if (typeof recorded !== 'string' || wanted !== recorded) return;
  if (USER_DATA_FIELDS.some((k) => (prior[k] == null) !== (planned[k] == null))) return;
  for (const k of USER_DATA_FIELDS) planned[k] = prior[k] ?? null;
}

/** The planned configdrive_sha256 of a deployment that stays deployed on its node. */
export function plannedDigest(prior: Obj, planned: Obj, wanted: Value): Value {
  const unchanged = USER_DATA_FIELDS.every((k) => deepEqual(prior[k] ?? null, planned[k] ?? null));
  // Deployed before the service recorded digests: nothing to compare, and unchanged user data is no reason
  // to rebuild. A recorded digest that differs is drift (the node was rebuilt behind terraform): rebuild.
  if (unchanged && prior.configdrive_sha256 == null) return null;
  return wanted;
}

const matches = (n: IronicNode, sel: Obj) =>
  n.resource_class === sel.resource_class && (Array.isArray(sel.traits) ? sel.traits : []).every((t) => (n.traits ?? []).includes(String(t)));

/**
 * Which changes of node / node_selector replace a running deployment: none when the machine it runs on is
 * what the configuration asks for (the same node by its other identifier, or a node matching the
 * selector). The same node by another identifier keeps the prior spelling, so the plan shows no change;
 * a selector that still matches is an in-place update that records the new request.
 */
export async function placementReplacements(client: () => IronicClient, prior: Obj, planned: Obj): Promise<PathStep[][]> {
  const changed = PLACEMENT_FIELDS.filter((k) => !deepEqual(prior[k] ?? null, planned[k] ?? null));
  const replace = changed.map((k) => [k]);
  const uuid = prior.node_uuid;
  if (!changed.length || typeof uuid !== 'string' || PLACEMENT_FIELDS.some((k) => hasUnknown(planned[k] ?? null))) return replace;
  if (typeof planned.node === 'string') {
    let same = planned.node === uuid;
    // Only a prior that does not name the node (its uuid, or a selector) needs the service for the name;
    // two different names are different nodes, as they always were here.
    if (!same && (prior.node == null || prior.node === uuid)) same = (await findNode(client(), uuid))?.name === planned.node;
    if (!same) return replace;
    if (typeof prior.node === 'string') planned.node = prior.node;
    return [];
  }
  if (isObj(planned.node_selector)) {
    const n = await findNode(client(), uuid);
    return n && matches(n, planned.node_selector) ? [] : replace;
  }
  return replace;
}
