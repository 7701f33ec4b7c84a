// The declarative side: the specs in force, a plan read like `terraform plan` (grouped by node, each
// action with its reasons), its apply with live per-action progress, and the applies before it.
import { useEffect, useState } from 'preact/hooks';
import type { Apply } from '../../engine/generated/apply.js';
import type { ApplyList, ApplySummary } from '../../engine/generated/apply-list.js';
import type { Fleet } from '../../engine/generated/fleet.js';
import type { Plan, PlanAction } from '../../engine/generated/plan.js';
import { SYMBOL, VERB } from '../../engine/plan-format.js';
import { api } from './api.js';
import { useCanAct } from './app.js';
import { fleet } from './fleet.js';

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

const RECENT = 20;

/** The newest applies as the service records them (GET /v1/applies), outcome and action counts included. */
async function recentApplies(): Promise<ApplySummary[]> {
  return (await api<ApplyList>('GET', `/v1/applies?limit=${RECENT}`)).applies;
}

/** "3/4 done · 1 failed": the counts that say how an apply went, zeros left out. */
function countsText(c: ApplySummary['counts']): string {
  const rest = (['failed', 'skipped', 'not run', 'running', 'pending'] as const).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
  return [`${c.done}/${c.total} done`, ...rest].join(' · ');
}

function took(a: ApplySummary): string {
  if (!a.finished_at) return '';
  const s = Math.max(0, (Date.parse(a.finished_at) - Date.parse(a.started_at)) / 1000);
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function RecentApplies({ applies }: { applies: ApplySummary[] }) {
  if (applies.length === 0) return <p class="muted">No apply is recorded.</p>;
  return (
    <table class="plain" data-testid="recent-applies">
      <tbody>
        {applies.map((a) => (
          <tr key={a.id} data-apply-id={a.id}>
            <td class="muted">{new Date(a.started_at).toLocaleString()}</td>
            <td class="mono" title={`plan ${a.plan_id}`}>{a.id}</td>
            <td class={`status ${a.status}`} data-status={a.status}>{a.status}</td>
            <td data-counts>{countsText(a.counts)}</td>
            <td class="muted">{took(a)}</td>
            <td>{a.error ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
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
  const [past, setPast] = useState<ApplySummary[]>([]);
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
    const reload = () => recentApplies().then(setPast, () => undefined);
    void reload();
    // Anyone's apply starting or ending is an event on the stream the fleet follows: the list follows it.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onEvent = (e: { type: string }) => {
      if (e.type !== 'apply') return;
      clearTimeout(timer);
      timer = setTimeout(reload, 200);
    };
    fleet.eventListeners.add(onEvent);
    return () => {
      fleet.eventListeners.delete(onEvent);
      clearTimeout(timer);
    };
  }, []);
  // A running apply is followed by reading it twice a second until it ends.
  useEffect(() => {
    if (!apply || apply.status !== 'running') return;
    const t = setTimeout(() => api<Apply>('GET', `/v1/applies/${apply.id}`).then(setApply, (e: Error) => setError(e.message)), 500);
    return () => clearTimeout(t);
  }, [apply]);

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
        <RecentApplies applies={past} />
      </section>
    </div>
  );
}
