// One node: what it is (properties, interfaces, driver info as the API masks it, ports), what is wrong
// (last_error, in full), what it is doing (a running deploy or cleaning, step by step) and what happened
// to it (the event timeline: who, when, from, to, why), all following the event stream.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PortRecord } from '../../contract/generated/port-record.js';
import { Confirm, NODE_ACTIONS, type Action } from './actions.js';
import { api, type ApiNode } from './api.js';
import { useCanAct } from './app.js';
import { subscribe, type Event } from './sse.js';
import { allowedVerbs, type ProvisionState } from '../../engine/states.js';
import { kindOf, STATE_COLOUR } from './states.js';

/** A port as a node's /ports/detail lists it: the record's fields (links aside). */
type Port = Pick<PortRecord, 'uuid' | 'address' | 'pxe_enabled' | 'portgroup_uuid'>;

function Dict({ value }: { value: Record<string, unknown> | undefined }) {
  const entries = Object.entries(value ?? {});
  if (!entries.length) return <p class="muted">none</p>;
  return (
    <table class="plain kv">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td class="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Where a flow that is under way stands: the states it passed through since it began, and its target. */
function Progress({ node, events }: { node: ApiNode; events: Event[] }) {
  const state = node.provision_state ?? '';
  const kind = kindOf(state);
  if (kind !== 'working' && kind !== 'waiting') return null;
  // The flow began at the last event that left a resting or failed state.
  const provision = events.filter((e) => e.type === 'provision');
  let start = provision.length - 1;
  while (start > 0 && (kindOf(provision[start]!.from) === 'working' || kindOf(provision[start]!.from) === 'waiting')) start--;
  const steps = provision.slice(Math.max(0, start));
  const agent = [...events].reverse().find((e) => e.type === 'progress');
  return (
    <section class="card progress" data-testid="progress">
      <h3>Under way: {state} → {node.target_provision_state ?? '…'}</h3>
      <ol class="steps">
        {steps.map((e) => (
          <li key={e.id}>
            <span class="muted">{new Date(e.time).toLocaleTimeString()}</span> {e.from} → <b>{e.to}</b> {e.reason ? <span class="muted">({e.reason})</span> : null}
          </li>
        ))}
        <li class="pending">waiting for {node.target_provision_state ?? 'the next step'}…</li>
      </ol>
      {agent && (
        <p>
          Agent reports <b>{agent.verb}</b> {agent.data ? <span class="mono">{JSON.stringify(agent.data)}</span> : null} at {new Date(agent.time).toLocaleTimeString()}
        </p>
      )}
    </section>
  );
}

function Timeline({ events }: { events: Event[] }) {
  return (
    <section class="card">
      <h3>Timeline</h3>
      <table class="plain timeline" data-testid="timeline">
        <thead>
          <tr><th>When</th><th>What</th><th>From → to</th><th>Who</th><th>Why</th></tr>
        </thead>
        <tbody>
          {[...events].reverse().slice(0, 500).map((e) => (
            <tr key={e.id} data-type={e.type}>
              <td class="muted">{new Date(e.time).toLocaleString()}</td>
              <td>{e.type}{e.verb ? `: ${e.verb}` : ''}</td>
              <td>{e.from ?? ''}{e.from || e.to ? ' → ' : ''}<b>{e.to ?? ''}</b></td>
              <td class="mono">{e.actor}</td>
              <td>{e.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function NodePage({ ident }: { ident: string }) {
  const canAct = useCanAct();
  const [node, setNode] = useState<ApiNode | null>(null);
  const [ports, setPorts] = useState<Port[]>([]);
  const [events, setEvents] = useState<Event[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Action | null>(null);
  const refresh = useRef<ReturnType<typeof setTimeout>>(undefined);

  const load = () =>
    api<ApiNode>('GET', `/v1/nodes/${encodeURIComponent(ident)}`).then(
      (n) => (setNode(n), setError(null)),
      (e: Error) => setError(e.message),
    );
  useEffect(() => {
    setNode(null);
    setEvents([]);
    void load();
    api<{ ports: Port[] }>('GET', `/v1/nodes/${encodeURIComponent(ident)}/ports/detail`).then((r) => setPorts(r.ports), () => setPorts([]));
    // Every event of the node from the first, then live; each one also re-reads the node (coalesced).
    const sub = subscribe({
      after: 0,
      node: ident,
      onEvent: (e) => {
        setEvents((list) => [...list, e]);
        clearTimeout(refresh.current);
        refresh.current = setTimeout(load, 150);
      },
    });
    return () => {
      sub.close();
      clearTimeout(refresh.current);
    };
  }, [ident]);

  if (error && !node) return <p class="error page">{error}</p>;
  if (!node) return <p class="muted page">Loading…</p>;
  const state = node.provision_state ?? '';
  const interfaces = Object.fromEntries(Object.entries(node).filter(([k]) => k.endsWith('_interface')));
  return (
    <div class="node-page">
      <header class="page-head">
        <h2>{node.name ?? node.uuid}</h2>
        <span class="pill" data-testid="node-state" data-state={state} style={{ background: STATE_COLOUR[state] }}>{state}</span>
        <span class="pill plain" data-testid="node-power">{node.power_state ?? 'power unknown'}</span>
        {node.maintenance && <span class="pill warn">maintenance{node.maintenance_reason ? `: ${node.maintenance_reason}` : ''}</span>}
        <span class="mono muted">{node.uuid}</span>
      </header>
      {canAct && (
        <div class="actions" data-testid="node-actions">
          {NODE_ACTIONS.map((a) => {
            const allowed = !a.verb || allowedVerbs(state as ProvisionState).includes(a.verb);
            return (
              <button key={a.id} data-action={a.id} disabled={!allowed} title={allowed ? undefined : `not allowed in ${state}`} onClick={() => setConfirm(a)}>{a.label}</button>
            );
          })}
        </div>
      )}
      {node.last_error && (
        <section class="card error-box" data-testid="last-error">
          <h3>Last error</h3>
          <pre>{node.last_error}</pre>
        </section>
      )}
      <Progress node={node} events={events} />
      <div class="cols">
        <section class="card">
          <h3>Node</h3>
          <Dict value={{ driver: node.driver, resource_class: node.resource_class, traits: (node.traits ?? []).join(', ') || '—', target_provision_state: node.target_provision_state, target_power_state: node.target_power_state, reservation: node.reservation ?? '—', instance_uuid: node.instance_uuid, chassis_uuid: node.chassis_uuid, created_at: node.created_at, updated_at: node.updated_at }} />
          <h3>Properties</h3>
          <Dict value={node.properties} />
        </section>
        <section class="card">
          <h3>Interfaces</h3>
          <Dict value={interfaces} />
          <h3>Driver info <span class="muted">(secrets masked by the service)</span></h3>
          <Dict value={node.driver_info} />
          <h3>Instance info</h3>
          <Dict value={node.instance_info} />
          <h3>Ports</h3>
          {ports.length ? (
            <table class="plain"><tbody>{ports.map((p) => <tr key={p.uuid}><td class="mono">{p.address}</td><td>{p.pxe_enabled ? 'PXE' : ''}</td><td class="mono muted">{p.uuid}</td></tr>)}</tbody></table>
          ) : (
            <p class="muted">none</p>
          )}
        </section>
      </div>
      <Timeline events={events} />
      {confirm && <Confirm action={confirm} nodes={[{ uuid: node.uuid, name: node.name ?? null }]} onClose={() => (setConfirm(null), void load())} />}
    </div>
  );
}
