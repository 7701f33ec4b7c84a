// The node fields Ironic added from API 1.46 on that a client writes (conductor group, cleaning, protection,
// ownership, retirement, network data, shard, parent), and the list filters over them: each value checked
// as Ironic's schema checks it, so a bad one is a 400 naming the field. Which version has each field is
// the table's (versions-table.ts); the callers refuse a field above the request's version.
import type { FastifyRequest } from 'fastify';
import type { NodeUpdate } from '../conductor.js';
import type { NodeFilter } from '../store/store.js';
import { invalid } from '../errors.js';
import { boolParam, param } from './context.js';


function text(field: string, v: unknown, max: number): string | null {
  if (v === null) return null;
  if (typeof v !== 'string' || v.length > max) throw invalid(`${field}: must be a string of at most ${max} characters or null`, field);
  return v;
}
/** Ironic's args.boolean: a boolean, or a string oslo's bool_from_string reads strictly ("True", "off"...). */
const TRUE = new Set(['1', 't', 'true', 'on', 'y', 'yes']);
const FALSE = new Set(['0', 'f', 'false', 'off', 'n', 'no']);
function flag(field: string, v: unknown, nullable: boolean): boolean | null {
  if (v === null) return nullable ? null : false;
  if (typeof v === 'boolean') return v;
  const s = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  if (s !== undefined && TRUE.has(s)) return true;
  if (s !== undefined && FALSE.has(s)) return false;
  throw invalid(`${field}: must be a boolean${nullable ? ' or null' : ''}, not ${JSON.stringify(v)}`, field);
}

/** Ironic's conductor group pattern; stored lower-case, as Ironic stores it. */
const GROUP = /^[a-zA-Z0-9_.-]*$/;

/** Each writable later field: its value from a request (`undefined`: removed), as the update carries it. */
const WRITERS = {
  conductor_group: (v: unknown) => {
    const g = text('conductor_group', v ?? '', 255)!;
    if (!GROUP.test(g)) throw invalid(`conductor_group: "${g}" may only hold letters, digits, _, . and -`, 'conductor_group');
    return { conductor_group: g.toLowerCase() };
  },
  automated_clean: (v: unknown) => ({ automated_clean: flag('automated_clean', v ?? null, true) }),
  protected: (v: unknown) => ({ protected: flag('protected', v ?? false, false)! }),
  protected_reason: (v: unknown) => ({ protected_reason: text('protected_reason', v ?? null, 255) }),
  owner: (v: unknown) => ({ owner: text('owner', v ?? null, 255) }),
  description: (v: unknown) => ({ description: text('description', v ?? null, 4096) }),
  retired: (v: unknown) => ({ retired: flag('retired', v ?? false, false)! }),
  retired_reason: (v: unknown) => ({ retired_reason: text('retired_reason', v ?? null, 255) }),
  lessee: (v: unknown) => ({ lessee: text('lessee', v ?? null, 255) }),
  network_data: (v: unknown) => {
    const d = v ?? {};
    if (typeof d !== 'object' || Array.isArray(d) || d === null) throw invalid('network_data: must be a JSON object', 'network_data');
    return { network_data: d as Record<string, unknown> };
  },
  shard: (v: unknown) => ({ shard: text('shard', v ?? null, 255) }),
  parent_node: (v: unknown) => ({ parent_node: text('parent_node', v ?? null, 255) }),
} satisfies Record<string, (v: unknown) => NodeUpdate>;

/** The later fields a client writes by PATCH. */
export const LATER_WRITABLE: ReadonlySet<string> = new Set(Object.keys(WRITERS));
/** Those a client may not give on create (Ironic protects only a deployed node). */
const NOT_ON_CREATE = new Set(['protected', 'protected_reason']);
export const LATER_CREATABLE: ReadonlySet<string> = new Set([...LATER_WRITABLE].filter((f) => !NOT_ON_CREATE.has(f)));

/** The update one later field makes; `undefined` value: the field was removed (its "none"). */
export function laterField(field: string, value: unknown): NodeUpdate {
  return WRITERS[field as keyof typeof WRITERS](value);
}

/** Ironic's list filters over the later fields (the caller refuses those above the request's version). */
export function laterFilters(req: FastifyRequest): NodeFilter {
  const f: NodeFilter = {};
  for (const name of ['fault', 'owner', 'lessee', 'shard', 'parent_node', 'description_contains'] as const) {
    const v = param(req, name);
    if (v !== undefined && v !== '') f[name] = v;
  }
  const group = param(req, 'conductor_group');
  if (group !== undefined) f.conductor_group = group.toLowerCase();
  for (const name of ['retired', 'sharded', 'include_children'] as const) {
    const v = boolParam(req, name);
    if (v !== undefined) f[name] = v;
  }
  return f;
}
