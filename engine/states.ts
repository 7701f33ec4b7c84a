// The provision state machine as a table (after Ironic's ironic/common/states.py): every allowed
// (state, event) pair and where it leads. Nothing else in the engine decides whether a transition is legal.
import type { NodeRecord } from '../contract/generated/node-record.js';
import { EngineError } from './errors.js';

export type ProvisionState = NodeRecord['provision_state'];

/** Verbs a user may ask for. `active` is Ironic's target name for deploy, `deleted` for undeploy. */
export const USER_VERBS = ['manage', 'provide', 'inspect', 'deploy', 'rebuild', 'undeploy', 'abort', 'clean', 'rescue', 'unrescue', 'adopt', 'service'] as const;
export type UserVerb = (typeof USER_VERBS)[number];

/** Events the conductor raises while working. */
export type InternalEvent = 'done' | 'fail' | 'wait' | 'resume';
export type ProvisionEvent = UserVerb | InternalEvent;

export const STABLE_STATES: readonly ProvisionState[] = [
  'enroll', 'manageable', 'available', 'active', 'error', 'deploy failed', 'clean failed', 'inspect failed',
  'rescue', 'rescue failed', 'unrescue failed', 'adopt failed', 'service failed',
];
export const WAIT_STATES: readonly ProvisionState[] = ['wait call-back', 'clean wait', 'inspect wait'];
/** States a conductor is actively working in: a node left there by a dead conductor is stuck. */
export const TRANSIENT_STATES: readonly ProvisionState[] = ['verifying', 'cleaning', 'deploying', 'deleting', 'inspecting', 'rescuing', 'unrescuing', 'adopting', 'servicing'];
export const FAILED_STATES: readonly ProvisionState[] = ['deploy failed', 'clean failed', 'inspect failed', 'error', 'rescue failed', 'unrescue failed', 'adopt failed', 'service failed'];
/** Ironic's UPDATE_ALLOWED_STATES: the states in a flow where a node's records may still change. */
export const UPDATE_ALLOWED_STATES: readonly ProvisionState[] = [...FAILED_STATES, 'inspecting', 'inspect wait', 'verifying'];

interface Transition {
  from: ProvisionState;
  event: ProvisionEvent;
  to: ProvisionState;
  /** The target recorded while the node travels (Ironic's target_provision_state). */
  target?: ProvisionState | null;
  /** Only when the node travels toward this target (manual cleaning ends manageable, not available). */
  whenTarget?: ProvisionState;
}

// Read as: in state `from`, event `event` moves the node to `to`.
export const TRANSITIONS: readonly Transition[] = [
  // Enrollment and verification of the BMC credentials.
  { from: 'enroll', event: 'manage', to: 'verifying', target: 'manageable' },
  { from: 'verifying', event: 'done', to: 'manageable', target: null },
  { from: 'verifying', event: 'fail', to: 'enroll', target: null },

  // Inspection.
  { from: 'manageable', event: 'inspect', to: 'inspecting', target: 'manageable' },
  { from: 'inspect failed', event: 'inspect', to: 'inspecting', target: 'manageable' },
  { from: 'inspecting', event: 'done', to: 'manageable', target: null },
  { from: 'inspecting', event: 'wait', to: 'inspect wait', target: 'manageable' },
  { from: 'inspecting', event: 'fail', to: 'inspect failed', target: 'manageable' },
  { from: 'inspect wait', event: 'resume', to: 'inspecting', target: 'manageable' },
  { from: 'inspect wait', event: 'done', to: 'manageable', target: null },
  { from: 'inspect wait', event: 'fail', to: 'inspect failed', target: 'manageable' },
  { from: 'inspect wait', event: 'abort', to: 'inspect failed', target: 'manageable' },
  { from: 'inspect failed', event: 'manage', to: 'manageable', target: null },

  // Cleaning: provide (automated, ends available) or clean (manual, ends manageable).
  { from: 'manageable', event: 'provide', to: 'cleaning', target: 'available' },
  { from: 'manageable', event: 'clean', to: 'cleaning', target: 'manageable' },
  { from: 'cleaning', event: 'wait', to: 'clean wait' },
  { from: 'clean wait', event: 'resume', to: 'cleaning' },
  { from: 'cleaning', event: 'done', to: 'manageable', target: null, whenTarget: 'manageable' },
  { from: 'cleaning', event: 'done', to: 'available', target: null },
  { from: 'cleaning', event: 'fail', to: 'clean failed', target: null },
  { from: 'clean wait', event: 'fail', to: 'clean failed', target: null },
  { from: 'clean wait', event: 'abort', to: 'clean failed', target: null },
  { from: 'clean failed', event: 'manage', to: 'manageable', target: null },
  { from: 'available', event: 'manage', to: 'manageable', target: null },

  // Deployment.
  { from: 'available', event: 'deploy', to: 'deploying', target: 'active' },
  { from: 'deploying', event: 'wait', to: 'wait call-back', target: 'active' },
  { from: 'wait call-back', event: 'resume', to: 'deploying', target: 'active' },
  { from: 'deploying', event: 'done', to: 'active', target: null },
  { from: 'deploying', event: 'fail', to: 'deploy failed', target: 'active' },
  { from: 'wait call-back', event: 'fail', to: 'deploy failed', target: 'active' },
  { from: 'wait call-back', event: 'abort', to: 'deploy failed', target: 'active' },
  { from: 'deploy failed', event: 'deploy', to: 'deploying', target: 'active' },
  { from: 'deploy failed', event: 'rebuild', to: 'deploying', target: 'active' },
  { from: 'active', event: 'rebuild', to: 'deploying', target: 'active' },
  { from: 'error', event: 'rebuild', to: 'deploying', target: 'active' },

  // Tear down: deleting, then cleaning back to available.
  { from: 'active', event: 'undeploy', to: 'deleting', target: 'available' },
  { from: 'deploy failed', event: 'undeploy', to: 'deleting', target: 'available' },
  { from: 'wait call-back', event: 'undeploy', to: 'deleting', target: 'available' },
  { from: 'error', event: 'undeploy', to: 'deleting', target: 'available' },
  { from: 'deleting', event: 'done', to: 'cleaning', target: 'available' },
  { from: 'deleting', event: 'fail', to: 'error', target: null },

  // Rescue (API 1.38): a deployed node boots a rescue system, then back to its instance. No agent rescue
  // ramdisk is supported, so no rescue flow waits (Ironic's "rescue wait" is never entered).
  { from: 'active', event: 'rescue', to: 'rescuing', target: 'rescue' },
  { from: 'rescue', event: 'rescue', to: 'rescuing', target: 'rescue' },
  { from: 'rescue failed', event: 'rescue', to: 'rescuing', target: 'rescue' },
  { from: 'unrescue failed', event: 'rescue', to: 'rescuing', target: 'rescue' },
  { from: 'rescuing', event: 'done', to: 'rescue', target: null },
  { from: 'rescuing', event: 'fail', to: 'rescue failed', target: null },
  { from: 'rescue', event: 'unrescue', to: 'unrescuing', target: 'active' },
  { from: 'rescue failed', event: 'unrescue', to: 'unrescuing', target: 'active' },
  { from: 'unrescue failed', event: 'unrescue', to: 'unrescuing', target: 'active' },
  { from: 'unrescuing', event: 'done', to: 'active', target: null },
  { from: 'unrescuing', event: 'fail', to: 'unrescue failed', target: null },
  { from: 'rescue', event: 'undeploy', to: 'deleting', target: 'available' },
  { from: 'rescue failed', event: 'undeploy', to: 'deleting', target: 'available' },
  { from: 'unrescue failed', event: 'undeploy', to: 'deleting', target: 'available' },

  // Adoption (API 1.17): a node already running its instance becomes active without a deploy.
  { from: 'manageable', event: 'adopt', to: 'adopting', target: 'active' },
  { from: 'adopt failed', event: 'adopt', to: 'adopting', target: 'active' },
  { from: 'adopting', event: 'done', to: 'active', target: null },
  { from: 'adopting', event: 'fail', to: 'adopt failed', target: 'active' },
  { from: 'adopt failed', event: 'manage', to: 'manageable', target: null },

  // Servicing (API 1.87): steps run on a deployed node, which stays deployed. No service step waits for
  // an agent here, so Ironic's "service wait" is never entered.
  { from: 'active', event: 'service', to: 'servicing', target: 'active' },
  { from: 'service failed', event: 'service', to: 'servicing', target: 'active' },
  { from: 'servicing', event: 'done', to: 'active', target: null },
  { from: 'servicing', event: 'fail', to: 'service failed', target: null },
  { from: 'service failed', event: 'rescue', to: 'rescuing', target: 'rescue' },

];

const table = new Map<string, Transition[]>();
for (const t of TRANSITIONS) {
  const key = `${from(t)}\u0000${t.event}`;
  table.set(key, [...(table.get(key) ?? []), t]);
}
function from(t: Transition): string {
  return t.from;
}

export function findTransition(from: ProvisionState, event: ProvisionEvent, target: ProvisionState | null = null): Transition | undefined {
  const candidates = table.get(`${from}\u0000${event}`) ?? [];
  return candidates.find((t) => t.whenTarget !== undefined && t.whenTarget === target) ?? candidates.find((t) => t.whenTarget === undefined);
}

/** A user's request, for the refusal's words: the node and the action as the request named it. */
export interface Requested {
  node: string;
  action: string;
}

/** Where `event` leads from `from`, or an InvalidState error naming both (in Ironic's words for a user's request). */
export function nextState(from: ProvisionState, event: ProvisionEvent, target: ProvisionState | null = null, requested?: Requested): Transition {
  const t = findTransition(from, event, target);
  if (!t) {
    const allowed = allowedVerbs(from);
    const head = requested
      ? `The requested action "${requested.action}" can not be performed on node "${requested.node}" while it is in state "${from}".`
      : `The requested action "${event}" can not be performed on a node in provision state "${from}".`;
    throw new EngineError('InvalidState', head + (allowed.length ? ` Allowed there: ${allowed.join(', ')}.` : ' No user action is allowed there.'));
  }
  return t;
}

export function allowedVerbs(from: ProvisionState): UserVerb[] {
  return USER_VERBS.filter((v) => table.has(`${from}\u0000${v}`));
}

/** The verbs that move a node between its resting states (enroll, manageable, available). */
const RESTING_VERBS: readonly UserVerb[] = ['manage', 'provide'];

/** Where a verb's flow comes to rest when it succeeds: the target it travels toward, or where it moves. */
export function restsAt(from: ProvisionState, verb: UserVerb): ProvisionState | undefined {
  const t = findTransition(from, verb);
  return t ? (t.target ?? t.to) : undefined;
}

/**
 * The shortest list of verbs (manage, provide) that walks a node from `from` to the resting state
 * `target`, found in the transition table: [] when it is there, or when no way leads there (enroll can
 * be left, never re-entered). The planner, the applier and the Terraform provider all walk by it.
 */
export function restingPath(from: ProvisionState, target: ProvisionState): UserVerb[] {
  const seen = new Set<ProvisionState>([from]);
  let frontier: Array<{ at: ProvisionState; path: UserVerb[] }> = [{ at: from, path: [] }];
  while (frontier.length) {
    const next: typeof frontier = [];
    for (const { at, path } of frontier) {
      if (at === target) return path;
      for (const verb of RESTING_VERBS) {
        const to = restsAt(at, verb);
        if (!to || seen.has(to)) continue;
        seen.add(to);
        next.push({ at: to, path: [...path, verb] });
      }
    }
    frontier = next;
  }
  return [];
}

/** Verbs that touch the hardware and so are refused while the node is in maintenance (as Ironic does). */
export const REFUSED_IN_MAINTENANCE: ReadonlySet<UserVerb> = new Set(['deploy', 'rebuild', 'provide', 'clean', 'inspect', 'manage', 'rescue', 'unrescue', 'adopt', 'service']);

/** The failed state a node stuck in a transient state moves to when its conductor is gone (Ironic's rule). */
export function stuckStateOutcome(state: ProvisionState): { to: ProvisionState; reason: string } | undefined {
  switch (state) {
    case 'deploying':
      return { to: 'deploy failed', reason: 'Deploy was interrupted: the conductor working on it stopped.' };
    case 'cleaning':
      return { to: 'clean failed', reason: 'Cleaning was interrupted: the conductor working on it stopped.' };
    case 'verifying':
      return { to: 'enroll', reason: 'Verification was interrupted: the conductor working on it stopped.' };
    case 'inspecting':
      return { to: 'inspect failed', reason: 'Inspection was interrupted: the conductor working on it stopped.' };
    case 'deleting':
      return { to: 'error', reason: 'Tear down was interrupted: the conductor working on it stopped.' };
    case 'rescuing':
      return { to: 'rescue failed', reason: 'Rescue was interrupted: the conductor working on it stopped.' };
    case 'unrescuing':
      return { to: 'unrescue failed', reason: 'Unrescue was interrupted: the conductor working on it stopped.' };
    case 'adopting':
      return { to: 'adopt failed', reason: 'Adoption was interrupted: the conductor working on it stopped.' };
    case 'servicing':
      return { to: 'service failed', reason: 'Servicing was interrupted: the conductor working on it stopped.' };
    default:
      return undefined;
  }
}

/**
 * States where nothing runs on the node: Ironic allows deleting a node, or changing its driver, only
 * there (or in maintenance).
 */
export const IDLE_STATES: readonly ProvisionState[] = ['enroll', 'manageable', 'available', 'inspect failed', 'clean failed'];

/** States in which the deploy agent may look its node up. */
export const LOOKUP_ALLOWED_STATES: readonly ProvisionState[] = ['deploying', 'wait call-back', 'cleaning', 'clean wait', 'inspecting', 'inspect wait'];
