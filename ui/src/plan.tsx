// The declarative side: the specs in force, a plan read like `terraform plan` (grouped by node, each
// action with its reasons), its apply with live per-action progress, and the applies before it.
import { useEffect, useState } from 'preact/hooks';
import type { Apply } from '../../engine/generated/apply.js';
import type { Fleet } from '../../engine/generated/fleet.js';
import type { Plan, PlanAction } from '../../engine/generated/plan.js';
import { SYMBOL, VERB } from '../../engine/plan-format.js';
import { api } from './api.js';
import { useCanAct } from './app.js';
import { latestEventId, type Event } from './sse.js';

const show = (v: unknown) => (v === undefined || v === null ? 'null' : JSON.stringify(v));
const SYMBOL_CLASS: Record<string, string> = { '+': 'add', '-': 'del', '~': 'chg' };

function groups(plan: Plan): Array<[string, PlanAction[]]> {
  const out = new Map<string, PlanAction[]>();
  for (const a of plan.actions) {
    const key = a.node ?? a.name;
    out.set(key, [...(out.get(key) ?? []), a]);
  }
  return [...out];
}

function PlanView({ plan, apply }: { plan: Plan; apply: Apply | null }) {
  const status = new Map(apply?.actions.map((a) => [a.action_id, a]) ?? []);
  if (!plan.actions.length) return <p data-testid="plan-empty">No changes. The recorded state matches the specs: nothing to do.</p>;
  const s = plan.summary;
  return (
    <div class="plan" data-testid="plan">
      <p>
        <b>Plan:</b> <span class="add">{s.create} to add</span>, <span class="chg">{s.update} to change</span>, <span class="del">{s.delete} to destroy</span> ({s.actions} actions) · plan <span class="mono">{plan.id}</span>
      </p>
      {groups(plan).map(([node, actions]) => (
        <section key={node} class="plan-node">
          <h4>node {node}</h4>
          {actions.map((a) => {
            const sym = SYMBOL[a.op];
            const st = status.get(a.id);
            return (
              <div key={a.id} class="plan-action" data-action-id={a.id}>
                <div>
                  <span class={`sym ${SYMBOL_CLASS[sym]}`}>{sym}</span> <b>{a.op}</b> {a.resource} "{a.name}" <span class="muted"># {VERB[a.op]}</span>
                  {st && <span class={`status ${st.status.replace(' ', '-')}`} data-status={st.status}>{st.status}</span>}
                </div>
                {a.reasons.map((r, i) => (
                  <div key={i} class="reason mono">
                    {'desired' in r || 'recorded' in r ? `${r.field}: ${show(r.recorded)} → ${show(r.desired)}` : r.field}
                    {r.note ? <span class="muted">  # {r.note}</span> : null}
                  </div>
                ))}
                {a.depends_on.length > 0 && <div class="muted reason">after: {a.depends_on.join(', ')}</div>}
                {st?.error && <div class="error reason">{st.error}</div>}
              </div>
            );
          })}
        </section>
      ))}
    </div>
  );
}

/** The applies recorded among the last 10,000 events: start and outcome of each. */
async function pastApplies(): Promise<Array<{ id: string; started: string; outcome: string; reason: string | null }>> {
  const last = await latestEventId();
  const { events } = await api<{ events: Event[] }>('GET', `/v1/events?format=json&limit=10000&after=${Math.max(0, last - 10000)}`);
  const byId = new Map<string, { id: string; started: string; outcome: string; reason: string | null }>();
  for (const e of events) {
    if (e.type !== 'apply' || !e.apply_id) continue;
    const row = byId.get(e.apply_id) ?? { id: e.apply_id, started: e.time, outcome: 'running', reason: e.reason ?? null };
    if (e.from === 'running') row.outcome = e.to ?? row.outcome;
    if (e.reason) row.reason = e.reason;
    byId.set(e.apply_id, row);
  }
  return [...byId.values()].reverse();
}

function SpecsLine({ nodes, deployments }: { nodes: string[]; deployments: string[] }) {
  const few = (names: string[]) => names.slice(0, 12).join(', ') + (names.length > 12 ? ', …' : '');
  return (
    <p data-testid="specs">
      {nodes.length} node specs{nodes.length ? ` (${few(nodes)})` : ''}, {deployments.length} deployment specs{deployments.length ? ` (${few(deployments)})` : ''}
    </p>
  );
}

export function PlanPage() {
  const canAct = useCanAct();
  const [specs, setSpecs] = useState<Fleet | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [apply, setApply] = useState<Apply | null>(null);
  const [past, setPast] = useState<Awaited<ReturnType<typeof pastApplies>>>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const guard = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void guard(async () => setSpecs(await api<Fleet>('GET', '/v1/specs')));
    pastApplies().then(setPast, () => setPast([]));
  }, []);
  // A running apply is followed by reading it twice a second until it ends.
  useEffect(() => {
    if (!apply || apply.status !== 'running') return;
    const t = setTimeout(() => api<Apply>('GET', `/v1/applies/${apply.id}`).then(setApply, (e: Error) => setError(e.message)), 500);
    return () => clearTimeout(t);
  }, [apply]);
  useEffect(() => {
    if (apply && apply.status !== 'running') pastApplies().then(setPast, () => undefined);
  }, [apply?.status]);

  // A reader may plan too: a dry run of the specs stores nothing.
  const makePlan = () =>
    guard(async () => {
      setApply(null);
      setPlan(canAct ? await api<Plan>('POST', '/v1/plans') : await api<Plan>('POST', '/v1/plans/dry-run', specs ?? { nodes: [], deployments: [] }));
    });
  const applyPlan = () =>
    guard(async () => {
      const started = await api<{ apply_id: string }>('POST', `/v1/plans/${plan!.id}/apply`, {});
      setApply(await api<Apply>('GET', `/v1/applies/${started.apply_id}`));
    });

  return (
    <div class="plan-page">
      <header class="page-head">
        <h2>Specs &amp; plans</h2>
      </header>
      {error && <p class="error" role="alert">{error}</p>}
      <section class="card">
        <h3>Specs in force</h3>
        {specs ? (
          <SpecsLine nodes={(specs.nodes ?? []).map((n) => n.name)} deployments={(specs.deployments ?? []).map((d) => d.name)} />
        ) : (
          <p class="muted">loading…</p>
        )}
        <div class="buttons">
          <button class="primary" onClick={makePlan} disabled={busy}>{canAct ? 'Plan' : 'Plan (dry run)'}</button>
          {canAct && plan && plan.actions.length > 0 && !plan.id.startsWith('dry-run-') && (!apply || apply.status !== 'running') && (
            <button onClick={applyPlan} disabled={busy || !!apply}>Apply {plan.actions.length} actions</button>
          )}
          {apply && (
            <span data-testid="apply-status" class={`status ${apply.status}`}>
              apply {apply.id.slice(0, 8)}: {apply.status} ({apply.actions.filter((a) => a.status === 'done').length}/{apply.actions.length} done){apply.error ? ` · ${apply.error}` : ''}
            </span>
          )}
        </div>
      </section>
      {plan && (
        <section class="card">
          <PlanView plan={plan} apply={apply} />
        </section>
      )}
      <section class="card">
        <h3>Recent applies</h3>
        {past.length === 0 ? (
          <p class="muted">None among the recent events.</p>
        ) : (
          <table class="plain">
            <tbody>
              {past.map((p) => (
                <tr key={p.id}>
                  <td class="muted">{new Date(p.started).toLocaleString()}</td>
                  <td class="mono">{p.id}</td>
                  <td class={`status ${p.outcome}`}>{p.outcome}</td>
                  <td>{p.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
