// A create the provider did not live to report. Terraform records a resource only from the provider's
// answer, so a provider killed (or a service restarted) between the service's 201 and that answer leaves an
// object no state holds, and the next apply's create meets its own name. Each create therefore marks what it
// makes as pending, with the working directory terraform runs in (providers run where terraform runs, and
// its state lock keeps two applies out of one directory), and clears the mark once done: the next apply
// adopts an object still marked by this directory, and still refuses one anybody else made.
import { createHash } from 'node:crypto';

/** The key of the mark, in a node's extra or a deployment's instance_info. */
export const PENDING_KEY = 'ironplan_tf_pending_create';

/** This working directory, hashed: the mark names where the create ran without showing the path. */
export const pendingMark = (): string => createHash('sha256').update(process.cwd()).digest('hex').slice(0, 24);

/** `fields` with the mark. */
export const marked = (fields: Record<string, unknown>): Record<string, unknown> => ({ ...fields, [PENDING_KEY]: pendingMark() });

/** Whether `fields` (extra or instance_info) carry this directory's mark: an unfinished create of ours. */
export const ownPending = (fields: Record<string, unknown> | null | undefined): boolean => fields?.[PENDING_KEY] === pendingMark();

/**
 * The JSON Patch ops that clear the mark under `path` (/extra or /instance_info): an add first, so the
 * remove cannot fail where a create killed half-way through its clearing left no mark.
 */
export const clearPending = (path: string) => [
  { op: 'add', path: `${path}/${PENDING_KEY}`, value: null },
  { op: 'remove', path: `${path}/${PENDING_KEY}` },
];
