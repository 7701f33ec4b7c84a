// Node operations shared by the resources: look-ups that treat 404 as "gone", and the asynchronous
// actions (202 Accepted) followed by polling the node until it settles.
import { unlessGone, type IronicClient, type IronicNode, type IronicPort } from './client.js';
import { freeForm, typedMap } from './convert.js';
import { DiagError } from './diag.js';
import type { Obj } from './values.js';
import { FAILED_STATES, restingPath, restsAt, type ProvisionState } from '../../engine/states.js';

export function findNode(c: IronicClient, ident: string, deadline?: number): Promise<IronicNode | null> {
  return unlessGone(c.request<IronicNode>('GET', `/v1/nodes/${encodeURIComponent(ident)}`, undefined, { deadline }));
}

export async function nodePorts(c: IronicClient, uuid: string): Promise<IronicPort[]> {
  const r = await c.request<{ ports: IronicPort[] }>('GET', `/v1/nodes/${uuid}/ports/detail`);
  return r.ports;
}

/**
 * Every node the query matches, following the service's pages (at most 1000 nodes each), that has all of
 * `traits` (the v1 API has no traits filter).
 */
export async function listNodes(c: IronicClient, query: URLSearchParams, traits: string[], deadline?: number): Promise<IronicNode[]> {
  const nodes: IronicNode[] = [];
  let path: string | null = `/v1/nodes?${query}`;
  while (path) {
    const r: { nodes: IronicNode[]; next?: string } = await c.request('GET', path, undefined, { deadline });
    nodes.push(...r.nodes);
    const next = r.next && r.nodes.length ? new URL(r.next) : null;
    path = next ? next.pathname + next.search : null;
  }
  return nodes.filter((n) => traits.every((t) => (n.traits ?? []).includes(t)));
}

/** A port's fields as the API takes them, from a port-spec object (ironplan_port, or one of ironplan_node's ports). */
export const portFields = (p: Obj, path: Array<string | number>) => ({
  address: p.address,
  pxe_enabled: p.pxe_enabled !== false,
  extra: typedMap(p.extra ?? null, freeForm, [...path, 'extra']),
});

/**
 * Whether the node failed its last action. A failed node keeps its target, as Ironic's does (deploy failed
 * keeps target_provision_state "active", inspect failed "manageable"), so a missing target alone does not
 * say that nothing runs: a wait that only looked at the target would never end on a failed node.
 */
export const failedState = (n: IronicNode) => (FAILED_STATES as readonly string[]).includes(n.provision_state);

/** An action is under way on the node: it travels toward a target and has not failed on the way. */
export const busy = (n: IronicNode) => !!n.target_provision_state && !failedState(n);

const settled = (n: IronicNode) => !busy(n);

/** Polls the node until `done` says so; `failed` ends the wait early with the node's last_error. */
export async function waitNode(
  c: IronicClient,
  uuid: string,
  what: string,
  deadline: number,
  done: (n: IronicNode) => boolean,
  failed: (n: IronicNode) => boolean = () => false,
): Promise<IronicNode> {
  for (let i = 0; ; i++) {
    const n = await c.request<IronicNode>('GET', `/v1/nodes/${uuid}`, undefined, { deadline });
    if (done(n)) return n;
    if (failed(n)) {
      throw new DiagError(`${what} failed on node ${n.name ?? uuid}`, `provision state "${n.provision_state}", power state "${n.power_state}"; last error: ${n.last_error ?? '(none recorded)'}`);
    }
    if (Date.now() > deadline) {
      throw new DiagError(`Timed out: ${what} on node ${n.name ?? uuid}`, `still in provision state "${n.provision_state}" (target "${n.target_provision_state ?? '-'}"), power "${n.power_state}"; last error: ${n.last_error ?? '(none)'}. Raise the timeout in the timeouts block if the hardware is slow.`);
    }
    // Fake hardware settles in milliseconds, real hardware in minutes: start fast, back off to 1 s.
    await c.sleep(Math.min(15 * 1.6 ** i, 1000));
  }
}

/** ironplan answers a 202 only once the operation settled when asked `?wait=`; polling then finds it done at once. */
export const waitQuery = (deadline: number) => `?wait=${Math.max(0, Math.min(60, Math.floor((deadline - Date.now()) / 1000)))}`;

/** The states ironplan returns with a `?wait` 202 (null from a plain Ironic). */
type SettledStates = { settled?: boolean; provision_state?: string; target_provision_state?: string | null; power_state?: string | null; target_power_state?: string | null; last_error?: string | null } | null;

export interface ProvisionOptions {
  /** More of the request body (a configdrive). */
  extra?: Record<string, unknown>;
  /** The node as last read: when the answer says it settled at `expect`, no read follows. */
  known?: IronicNode;
  /** How errors name the action (default: provision "<target>"). */
  what?: string;
}

/** PUT /states/provision and wait for the state it leads to (or a failure state). */
export async function provision(c: IronicClient, uuid: string, target: string, expect: string, deadline: number, o: ProvisionOptions = {}): Promise<IronicNode> {
  const states = await c.request<SettledStates>('PUT', `/v1/nodes/${uuid}/states/provision${waitQuery(deadline)}`, { target, ...o.extra }, { deadline });
  const known = o.known;
  // Settled where we wanted it: the answer already says what a read would, save the round trip.
  if (known && states?.settled && !states.target_provision_state && states.provision_state === expect) {
    return { ...known, provision_state: expect, target_provision_state: null, power_state: states.power_state ?? known.power_state, last_error: states.last_error ?? null };
  }
  return waitNode(
    c,
    uuid,
    o.what ?? `provision "${target}"`,
    deadline,
    (n) => settled(n) && n.provision_state === expect,
    (n) => settled(n) && (n.provision_state !== expect || failedState(n)),
  );
}

export async function setPower(c: IronicClient, uuid: string, target: 'power on' | 'power off', deadline: number): Promise<IronicNode> {
  await c.request('PUT', `/v1/nodes/${uuid}/states/power${waitQuery(deadline)}`, { target }, { deadline });
  return waitNode(
    c,
    uuid,
    `power "${target}"`,
    deadline,
    (n) => !n.target_power_state && n.power_state === target,
    (n) => !n.target_power_state && n.power_state !== target && !!n.last_error,
  );
}

/**
 * Moves a node between its resting states (enroll → manageable → available and back to manageable) by
 * the walk the engine's planner and applier take too, found in the state machine's table.
 */
export async function restAt(c: IronicClient, node: IronicNode, want: string, deadline: number): Promise<IronicNode> {
  let n = node;
  for (const verb of restingPath(n.provision_state as ProvisionState, want as ProvisionState)) {
    n = await provision(c, n.uuid, verb, restsAt(n.provision_state as ProvisionState, verb)!, deadline, { known: n });
  }
  if (n.provision_state !== want) {
    throw new DiagError(`Cannot move node ${n.name ?? n.uuid} to "${want}"`, `it is in provision state "${n.provision_state}"; Ironic's state machine has no way from there (enroll can only be left, never re-entered).`, ['provision_state']);
  }
  return n;
}
