// The fleet at a glance: counts by provision state, power, maintenance and faults as bars, every node
// as a cell of the grid, and the managers with their health. All of it follows the event stream.
import { useEffect, useState } from 'preact/hooks';
import type { Conductor } from '../../engine/generated/conductor.js';
import { api } from './api.js';
import { fleet, type FleetNode } from './fleet.js';
import { Grid, healthOf, type ColourBy } from './grid.js';
import { MAINT_COLOUR, POWER_COLOUR, PROVISION_STATES, STATE_COLOUR } from './states.js';

/** Re-renders the caller on every fleet change (at most once a frame). */
export function useFleet(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => fleet.onChange(() => setTick((t) => t + 1)), []);
  return tick;
}

interface Segment {
  key: string;
  label: string;
  count: number;
  colour: string;
}

function Bar({ title, segments, testid }: { title: string; segments: Segment[]; testid: string }) {
  const total = segments.reduce((s, x) => s + x.count, 0) || 1;
  return (
    <section class="bar-block" data-testid={testid}>
      <h3>{title}</h3>
      <div class="bar" role="img" aria-label={segments.map((s) => `${s.label}: ${s.count}`).join(', ')}>
        {segments.filter((s) => s.count > 0).map((s) => (
          <span key={s.key} style={{ width: `${(100 * s.count) / total}%`, background: s.colour }} title={`${s.label}: ${s.count}`} />
        ))}
      </div>
      <ul class="legend">
        {segments.filter((s) => s.count > 0).map((s) => (
          <li key={s.key} data-count={s.key}>
            <i style={{ background: s.colour }} />
            {s.label} <b>{s.count.toLocaleString()}</b>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Conductors() {
  const [list, setList] = useState<Conductor[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const load = () =>
      api<{ conductors: Conductor[] }>('GET', '/v1/conductors?detail=true')
        .then((r) => !stop && (setList(r.conductors), setError(null)))
        .catch((e: Error) => !stop && setError(e.message));
    void load();
    const t = setInterval(load, 10_000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, []);
  return (
    <section class="card">
      <h3>Managers</h3>
      {error && <p class="error">{error}</p>}
      {list && list.length === 0 && <p class="muted">No manager is registered.</p>}
      <table class="plain">
        <tbody>
          {list?.map((c) => (
            <tr key={c.hostname}>
              <td><span class={`dot ${c.alive ? 'ok' : 'bad'}`} /> {c.alive ? 'alive' : 'not heard from'}</td>
              <td class="mono">{c.hostname}</td>
              <td>{c.conductor_group || 'default group'}</td>
              <td class="muted">{c.drivers?.join(', ')}</td>
              <td class="muted">{c.updated_at ? `heartbeat ${new Date(c.updated_at).toLocaleTimeString()}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const stateOf = (n: FleetNode) => n.provision_state;
const powerOf = (n: FleetNode) => n.power_state ?? 'none';

export function Overview() {
  useFleet();
  const [by, setBy] = useState<ColourBy>('provision');
  const states = fleet.count(stateOf);
  const power = fleet.count(powerOf);
  const health = fleet.count(healthOf);
  // States the engine does not know (a newer service) still show, after the known ones.
  const known = [...PROVISION_STATES, ...[...states.keys()].filter((s) => !PROVISION_STATES.includes(s as never))];
  return (
    <div class="overview">
      <header class="page-head">
        <h2>
          Fleet <span class="muted" data-testid="node-total">{fleet.nodes.length.toLocaleString()}</span> nodes
        </h2>
        <span class={`live ${fleet.live ? 'on' : ''}`}>{fleet.live ? 'live' : 'connecting…'}</span>
        {!fleet.loaded && <span class="muted">loading…</span>}
      </header>
      <div class="bars">
        <Bar title="Provision state" testid="bar-provision" segments={known.map((s) => ({ key: s, label: s, count: states.get(s) ?? 0, colour: STATE_COLOUR[s] ?? '#000' }))} />
        <Bar title="Power" testid="bar-power" segments={['power on', 'power off', 'none'].map((s) => ({ key: s, label: s === 'none' ? 'unknown' : s, count: power.get(s) ?? 0, colour: POWER_COLOUR[s]! }))} />
        <Bar title="Maintenance and faults" testid="bar-health" segments={(['fault', 'maintenance', 'ok'] as const).map((s) => ({ key: s, label: s === 'ok' ? 'in service' : s, count: health.get(s) ?? 0, colour: MAINT_COLOUR[s] }))} />
      </div>
      <section class="card">
        <div class="card-head">
          <h3>Every node</h3>
          <label>
            colour by{' '}
            <select value={by} onChange={(e) => setBy((e.target as HTMLSelectElement).value as ColourBy)}>
              <option value="provision">provision state</option>
              <option value="power">power</option>
              <option value="health">maintenance and faults</option>
            </select>
          </label>
        </div>
        <Grid by={by} />
      </section>
      <Conductors />
    </div>
  );
}
