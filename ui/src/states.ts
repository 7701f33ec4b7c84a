// Provision states and their colours, derived from the engine's state machine (engine/states.ts), which
// the bundle includes: a state added there appears here with the colour of its kind.
import { FAILED_STATES, STABLE_STATES, TRANSIENT_STATES, TRANSITIONS, WAIT_STATES, type ProvisionState } from '../../engine/states.js';

export type { ProvisionState };

/** Every provision state, in the order the state machine first names them (the life cycle's order). */
export const PROVISION_STATES: readonly ProvisionState[] = [...new Set(TRANSITIONS.flatMap((t) => [t.from, t.to]))];

export type Kind = 'failed' | 'active' | 'available' | 'working' | 'waiting' | 'resting';

export function kindOf(state: string | null | undefined): Kind {
  const s = state as ProvisionState;
  if (FAILED_STATES.includes(s)) return 'failed';
  if (s === 'active') return 'active';
  if (s === 'available') return 'available';
  if (TRANSIENT_STATES.includes(s)) return 'working';
  if (WAIT_STATES.includes(s)) return 'waiting';
  if (STABLE_STATES.includes(s)) return 'resting';
  return 'working';
}

export const KIND_COLOUR: Record<Kind, string> = {
  failed: '#d64545',
  active: '#2f9e5b',
  available: '#3d7bd9',
  working: '#e8a317',
  waiting: '#c77dd6',
  resting: '#8a94a6',
};

/** Distinct shades within a kind, so neighbouring bars of one kind (enroll, manageable) can be told apart. */
export const STATE_COLOUR: Record<string, string> = Object.fromEntries(
  PROVISION_STATES.map((s) => {
    const sameKind = PROVISION_STATES.filter((o) => kindOf(o) === kindOf(s));
    const shade = sameKind.indexOf(s) / Math.max(1, sameKind.length);
    return [s, mix(KIND_COLOUR[kindOf(s)], shade * 0.45)];
  }),
);

export const POWER_COLOUR: Record<string, string> = { 'power on': '#2f9e5b', 'power off': '#5a6478', none: '#c9ced8' };
export const MAINT_COLOUR = { maintenance: '#e8a317', fault: '#d64545', ok: '#cfd6e2' };

/** The colour lightened toward white by `t` (0..1). */
function mix(hex: string, t: number): string {
  const n = parseInt(hex.slice(1), 16);
  const ch = (shift: number) => Math.round(((n >> shift) & 255) + (255 - ((n >> shift) & 255)) * t);
  return `rgb(${ch(16)}, ${ch(8)}, ${ch(0)})`;
}
