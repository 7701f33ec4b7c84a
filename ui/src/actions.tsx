// What the console can do to nodes, each a call of the v1 API, and the confirmation that names what will
// happen to which nodes before anything is sent.
import { useState } from 'preact/hooks';
import type { UserVerb } from '../../engine/states.js';
import { api } from './api.js';

export interface Action {
  id: string;
  /** The state machine's verb, when the action is one: the node page offers it only where it is allowed. */
  verb?: UserVerb;
  label: string;
  /** What happens, as the confirmation says it: "will be powered off". */
  effect: string;
  run(uuid: string): Promise<unknown>;
}

const provision = (target: string) => (uuid: string) => api('PUT', `/v1/nodes/${uuid}/states/provision`, { target });
const power = (target: string) => (uuid: string) => api('PUT', `/v1/nodes/${uuid}/states/power`, { target });

export const ACTIONS: readonly Action[] = [
  { id: 'power-on', label: 'Power on', effect: 'will be powered on', run: power('power on') },
  { id: 'power-off', label: 'Power off', effect: 'will be powered off (hard)', run: power('power off') },
  { id: 'reboot', label: 'Reboot', effect: 'will be rebooted', run: power('rebooting') },
  { id: 'maintenance-on', label: 'Maintenance on', effect: 'will be put in maintenance (the manager stops acting on them)', run: (u) => api('PUT', `/v1/nodes/${u}/maintenance`, { reason: 'set from the console' }) },
  { id: 'maintenance-off', label: 'Maintenance off', effect: 'will leave maintenance', run: (u) => api('DELETE', `/v1/nodes/${u}/maintenance`) },
  { id: 'manage', verb: 'manage', label: 'Manage', effect: 'will be made manageable (credentials verified)', run: provision('manage') },
  { id: 'provide', verb: 'provide', label: 'Provide', effect: 'will be cleaned and made available', run: provision('provide') },
];

/** Deploy and undeploy are one node's business: the node page offers them. */
export const NODE_ACTIONS: readonly Action[] = [
  ...ACTIONS,
  { id: 'deploy', verb: 'deploy', label: 'Deploy', effect: 'will be deployed (its instance_info names the image)', run: provision('active') },
  { id: 'undeploy', verb: 'undeploy', label: 'Undeploy', effect: 'will be torn down and cleaned (the instance is lost)', run: provision('deleted') },
];

export interface Outcome {
  ok: number;
  failed: Array<{ name: string; error: string }>;
}

/** Runs an action on each node, a few at a time (a thousand at once would be a thousand sockets). */
export async function runAll(action: Action, nodes: Array<{ uuid: string; name: string | null }>, onProgress: (done: number) => void): Promise<Outcome> {
  const out: Outcome = { ok: 0, failed: [] };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < nodes.length) {
      const n = nodes[next++]!;
      try {
        await action.run(n.uuid);
        out.ok++;
      } catch (err) {
        out.failed.push({ name: n.name ?? n.uuid, error: (err as Error).message });
      }
      onProgress(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, nodes.length) }, worker));
  return out;
}

export function Confirm({ action, nodes, onClose }: { action: Action; nodes: Array<{ uuid: string; name: string | null }>; onClose: () => void }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const names = nodes.slice(0, 8).map((n) => n.name ?? n.uuid);
  const go = async () => {
    setProgress(0);
    setOutcome(await runAll(action, nodes, setProgress));
  };
  return (
    <div class="modal-back" role="dialog" aria-modal="true" aria-label={`${action.label}: confirm`}>
      <div class="modal card">
        <h3>{action.label}</h3>
        <p data-testid="confirm-text">
          {nodes.length === 1 ? 'Node' : `${nodes.length} nodes`} <b>{names.join(', ')}</b>
          {nodes.length > names.length ? ` and ${nodes.length - names.length} more` : ''} {action.effect}.
        </p>
        {progress !== null && !outcome && <p>Sent {progress} of {nodes.length}…</p>}
        {outcome && (
          <div data-testid="outcome">
            <p>{outcome.ok} accepted{outcome.failed.length ? `, ${outcome.failed.length} refused:` : '.'}</p>
            <ul class="errors">{outcome.failed.slice(0, 20).map((f) => <li key={f.name}><b>{f.name}</b>: {f.error}</li>)}</ul>
          </div>
        )}
        <div class="buttons">
          {!outcome && <button onClick={go} disabled={progress !== null} class="primary">{action.label} {nodes.length === 1 ? 'this node' : `${nodes.length} nodes`}</button>}
          <button onClick={onClose}>{outcome ? 'Close' : 'Cancel'}</button>
        </div>
      </div>
    </div>
  );
}
