// ironplan_allocation: asks the service for a node (Ironic's allocation, API 1.52): an available node of
// the resource class with every trait (among candidate_nodes, if given), which the service's manager picks
// and holds for it (the node's instance_uuid and allocation_uuid). name and extra change in place (1.57);
// any other change replaces the allocation, as a new request. Destroy frees the node.
import type { AllocationRecord } from '../../../engine/generated/allocation-record.js';
import { DiagError, err, type Diagnostic, type PathStep } from '../diag.js';
import { unlessGone, type IronicClient } from '../client.js';
import { freeForm, stringMap } from '../convert.js';
import { plannedState, settle } from '../planning.js';
import { deadlineFor, validateTimeouts, type Resource } from '../resource.js';
import { allocationBlock } from '../schemas.js';
import { ALLOCATION_SPEC } from '../spec-schemas.js';
import { validateValue } from '../validate.js';
import { deepEqual, isUnknown, type Obj } from '../values.js';

const block = allocationBlock();
/** The request's fields (allocation-create.schema.json): what create sends. */
const FIELDS = Object.keys(ALLOCATION_SPEC.properties!);
/** What PATCH may change (1.57); any other field is a new allocation. */
const IN_PLACE = ['name', 'extra'];
const REPLACING = FIELDS.filter((k) => !IN_PLACE.includes(k));

/** An allocation as the service answers it (the client asks for the latest microversion). */
export type IronicAllocation = AllocationRecord;

/** The allocation by uuid or name, or null when there is none. */
export const getAllocation = (c: IronicClient, id: string, deadline?: number) =>
  unlessGone(c.request<IronicAllocation>('GET', `/v1/allocations/${encodeURIComponent(id)}`, undefined, { deadline }));

/**
 * Asks for an allocation and waits while the service is still picking (Ironic answers "allocating" and
 * picks in the background). An allocation that got no node is deleted and reported with the service's
 * reason; `where` is the attribute a failure points at.
 */
export async function allocate(c: IronicClient, body: Record<string, unknown>, deadline: number, where: PathStep[]): Promise<IronicAllocation> {
  let a = await c.request<IronicAllocation>('POST', '/v1/allocations', body, { deadline });
  while (a.state === 'allocating') {
    if (Date.now() > deadline) throw new DiagError('Allocation timed out', `allocation ${a.uuid} is still picking a node.`, where);
    await c.sleep(200);
    a = (await getAllocation(c, a.uuid)) ?? a;
  }
  if (a.state !== 'active' || !a.node_uuid) {
    await unlessGone(c.request('DELETE', `/v1/allocations/${a.uuid}`));
    throw new DiagError('No available node', `the service found no node for the allocation: ${a.last_error ?? a.state}.`, where);
  }
  return a;
}

function state(a: IronicAllocation, prior: Obj | null): Obj {
  return {
    id: a.uuid,
    uuid: a.uuid,
    name: a.name,
    resource_class: a.resource_class,
    traits: a.traits.length || (Array.isArray(prior?.traits) && prior.traits.length === 0) ? a.traits : null,
    candidate_nodes: a.candidate_nodes.length ? (Array.isArray(prior?.candidate_nodes) ? prior.candidate_nodes : a.candidate_nodes) : prior?.candidate_nodes ?? null,
    owner: a.owner ?? null,
    extra: stringMap(a.extra, prior?.extra ?? null, freeForm),
    node: prior?.node ?? null,
    node_id: a.node_uuid,
    state: a.state,
    last_error: a.last_error,
  };
}

function body(p: Obj): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FIELDS) if (p[k] !== null && p[k] !== undefined && !isUnknown(p[k])) out[k] = p[k];
  return out;
}

export const allocationResource: Resource = {
  block,
  validate(config) {
    const out: Diagnostic[] = [];
    validateValue(config, ALLOCATION_SPEC, [], out);
    if ((config.resource_class ?? null) === null && (config.node ?? null) === null) {
      out.push(err('resource_class is required', 'An allocation asks for a node of a resource class (or, with node, records the allocation of a deployed node).', ['resource_class']));
    }
    validateTimeouts(config, out);
    return out;
  },
  plan(_ctx, prior, config) {
    const planned = plannedState(block, config, prior);
    if (!prior) return { planned };
    const requiresReplace: PathStep[][] = REPLACING
      .filter((k) => isUnknown(planned[k]) || !deepEqual(planned[k] ?? null, prior[k] ?? null))
      .map((k) => [k]);
    return { planned, requiresReplace };
  },
  async create(ctx, planned) {
    const a = await allocate(ctx.client(), body(planned), deadlineFor(planned, 'create'), ['resource_class']);
    return settle(planned, state(a, planned)) as Obj;
  },
  async update(ctx, prior, planned) {
    const ops = IN_PLACE.filter((k) => !deepEqual(planned[k] ?? null, prior[k] ?? null)).map((k) => ({ op: 'replace', path: `/${k}`, value: planned[k] ?? (k === 'extra' ? {} : null) }));
    const a = ops.length ? await ctx.client().request<IronicAllocation>('PATCH', `/v1/allocations/${String(prior.id)}`, ops) : await getAllocation(ctx.client(), String(prior.id));
    if (!a) throw new DiagError('Allocation gone', `allocation ${String(prior.id)} no longer exists; plan again to create it.`);
    return settle(planned, state(a, planned)) as Obj;
  },
  async delete(ctx, prior) {
    await unlessGone(ctx.client().request('DELETE', `/v1/allocations/${String(prior.id)}`));
  },
  async read(ctx, st) {
    const a = await getAllocation(ctx.client(), String(st.id));
    return a ? { ...state(a, st), timeouts: st.timeouts ?? null } : null;
  },
  async import(ctx, id) {
    const a = await getAllocation(ctx.client(), id);
    if (!a) throw new DiagError('Cannot import ironplan_allocation', `no allocation has the uuid or name "${id}"`);
    return state(a, null);
  },
};
