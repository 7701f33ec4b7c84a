import { describe, it, expect } from 'vitest';
import { TRANSITIONS, USER_VERBS, nextState, findTransition, allowedVerbs, stuckStateOutcome, TRANSIENT_STATES } from '../../engine/states.js';
import type { ProvisionState } from '../../engine/states.js';
import { EngineError } from '../../engine/errors.js';

const ALL_STATES: ProvisionState[] = [
  'enroll', 'verifying', 'manageable', 'inspecting', 'inspect wait', 'inspect failed', 'cleaning', 'clean wait', 'clean failed',
  'available', 'deploying', 'wait call-back', 'deploy failed', 'active', 'deleting', 'error',
];

describe('provision state machine', () => {
  it('walks every allowed transition to the state the table names', () => {
    for (const t of TRANSITIONS) {
      const step = nextState(t.from, t.event, t.whenTarget ?? null);
      expect(step.to, `${t.from} --${t.event}--> ${t.to}`).toBe(t.to);
    }
  });

  it('refuses every disallowed user verb with an error naming the state and the verb', () => {
    let refused = 0;
    for (const state of ALL_STATES) {
      for (const verb of USER_VERBS) {
        if (findTransition(state, verb)) continue;
        refused++;
        try {
          nextState(state, verb);
          expect.fail(`${verb} from ${state} should be refused`);
        } catch (err) {
          expect(err).toBeInstanceOf(EngineError);
          expect((err as EngineError).code).toBe('InvalidState');
          expect((err as EngineError).status).toBe(400);
          expect((err as Error).message).toContain(`"${verb}"`);
          expect((err as Error).message).toContain(`"${state}"`);
        }
      }
    }
    expect(refused).toBeGreaterThan(80);
  });

  it('follows Ironic for the main life cycle', () => {
    expect(nextState('enroll', 'manage').to).toBe('verifying');
    expect(nextState('verifying', 'done').to).toBe('manageable');
    expect(nextState('manageable', 'provide').to).toBe('cleaning');
    expect(nextState('cleaning', 'done', 'available').to).toBe('available');
    expect(nextState('cleaning', 'done', 'manageable').to).toBe('manageable');
    expect(nextState('available', 'deploy').to).toBe('deploying');
    expect(nextState('deploying', 'wait').to).toBe('wait call-back');
    expect(nextState('wait call-back', 'resume').to).toBe('deploying');
    expect(nextState('deploying', 'done').to).toBe('active');
    expect(nextState('active', 'undeploy').to).toBe('deleting');
    expect(nextState('deleting', 'done').to).toBe('cleaning');
    expect(nextState('wait call-back', 'abort').to).toBe('deploy failed');
    expect(nextState('deploy failed', 'deploy').to).toBe('deploying');
    expect(allowedVerbs('active').sort()).toEqual(['rebuild', 'rescue', 'service', 'undeploy']);
  });

  it('has a failed state for every transient state a dead conductor can leave', () => {
    for (const s of TRANSIENT_STATES) {
      const out = stuckStateOutcome(s);
      expect(out, s).toBeDefined();
      expect(out!.reason.length).toBeGreaterThan(10);
    }
    expect(stuckStateOutcome('deploying')!.to).toBe('deploy failed');
    expect(stuckStateOutcome('cleaning')!.to).toBe('clean failed');
    expect(stuckStateOutcome('active')).toBeUndefined();
  });
});

describe('resting paths (derived from the transition table)', () => {
  it('walks between enroll, manageable and available as Ironic does, and nowhere it cannot', async () => {
    const { restingPath } = await import('../../engine/states.js');
    expect(restingPath('enroll', 'available')).toEqual(['manage', 'provide']);
    expect(restingPath('enroll', 'manageable')).toEqual(['manage']);
    expect(restingPath('manageable', 'available')).toEqual(['provide']);
    expect(restingPath('available', 'manageable')).toEqual(['manage']);
    expect(restingPath('clean failed', 'available')).toEqual(['manage', 'provide']);
    expect(restingPath('inspect failed', 'manageable')).toEqual(['manage']);
    expect(restingPath('available', 'available')).toEqual([]);
    // enroll is never re-entered; an active node is not walked by manage/provide.
    expect(restingPath('manageable', 'enroll')).toEqual([]);
    expect(restingPath('active', 'available')).toEqual([]);
  });
});
