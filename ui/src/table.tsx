// The node table: filters and sort go to the server (GET /v1/nodes query parameters), pages load as the
// user scrolls, and only the rows in view exist in the DOM (@tanstack/virtual-core), so 10,000 nodes
// scroll as smoothly as 10. States shown come from the live fleet model when it has the node.
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ACTIONS, Confirm, type Action } from './actions.js';
import type { Conductor } from '../../engine/generated/conductor.js';
import { since } from '../../engine/http/versions-table.js';
import { api, serviceMaxVersion, type ApiNode } from './api.js';
import { useCanAct } from './app.js';
import { fleet } from './fleet.js';
import { useFleet } from './overview.js';
import { linkProps } from './router.js';
import { PROVISION_STATES, STATE_COLOUR } from './states.js';

const ROW = 30;
const PAGE = 500;
const FIELDS = 'uuid,name,provision_state,power_state,maintenance,driver,resource_class,traits,last_error';
/** Filters (and columns) of later microversions, each offered once the service answers its version. */
const LATER = ['owner', 'conductor_group', 'conductor'] as const;
type Later = (typeof LATER)[number];
type SortKey = 'name' | 'uuid' | 'provision_state' | 'created_at' | 'updated_at';

export interface Filters {
  search: string;
  provision_state: string;
  driver: string;
  resource_class: string;
  trait: string;
  maintenance: '' | 'true' | 'false';
  owner: string;
  conductor_group: string;
  conductor: string;
}

export function queryOf(f: Filters, sort: { key: SortKey; dir: 'asc' | 'desc' }, later: readonly Later[]): URLSearchParams {
  const q = new URLSearchParams({ fields: [FIELDS, ...later].join(','), limit: String(PAGE), sort_key: sort.key, sort_dir: sort.dir });
  if (f.search.trim()) q.set('name_contains', f.search.trim());
  for (const k of ['provision_state', 'driver', 'resource_class', 'trait', 'maintenance', ...later] as const) if (f[k].trim()) q.set(k, f[k].trim());
  return q;
}

/** The rows of the current query: the first page at once, the next ones on demand. */
function useRows(query: string | null) {
  const [rows, setRows] = useState<ApiNode[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [settledAt, setSettledAt] = useState(0);
  const abort = useRef<AbortController | undefined>(undefined);
  // Each keystroke of a search is a query; the one before it is aborted, so the table shows the latest.
  const load = async (path: string, append: boolean) => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setLoading(true);
    try {
      const page = await api<{ nodes: ApiNode[]; next?: string }>('GET', path, undefined, ctl.signal);
      setRows((r) => (append ? [...r, ...page.nodes] : page.nodes));
      setNext(page.next ? new URL(page.next).pathname + new URL(page.next).search : undefined);
      setError(null);
      setSettledAt(performance.now());
    } catch (err) {
      if ((err as Error).name !== 'AbortError') setError((err as Error).message);
    } finally {
      if (abort.current === ctl) setLoading(false);
    }
  };
  useEffect(() => {
    if (query !== null) void load(`/v1/nodes?${query}`, false);
  }, [query]);
  return { rows, next, loading, error, settledAt, more: () => next && !loading && load(next, true) };
}

function useDrivers(): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    api<{ drivers: Array<{ name: string }> }>('GET', '/v1/drivers').then((r) => setNames(r.drivers.map((d) => d.name)), () => setNames([]));
  }, []);
  return names;
}

/** The later filters the service answers (null until its version is known), and its managers to choose from. */
function useLater(): { later: Later[] | null; conductors: Conductor[] } {
  const [later, setLater] = useState<Later[] | null>(null);
  const [conductors, setConductors] = useState<Conductor[]>([]);
  useEffect(() => {
    serviceMaxVersion().then(
      (max) => {
        const have = LATER.filter((k) => since('query', 'nodes', k) <= max);
        setLater(have);
        if (have.includes('conductor') || have.includes('conductor_group')) {
          api<{ conductors: Conductor[] }>('GET', '/v1/conductors').then((r) => setConductors(r.conductors), () => setConductors([]));
        }
      },
      () => setLater([]),
    );
  }, []);
  return { later, conductors };
}

const EMPTY: Filters = { search: '', provision_state: '', driver: '', resource_class: '', trait: '', maintenance: '', owner: '', conductor_group: '', conductor: '' };

export function NodeTable() {
  useFleet();
  const canAct = useCanAct();
  const drivers = useDrivers();
  const { later, conductors } = useLater();
  const has = (k: Later) => !!later?.includes(k);
  // Owner and conductor columns come together (1.50 has both), so the grid has one extra layout.
  const laterCols = has('owner') && has('conductor');
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [sort, setSort] = useState<{ key: SortKey; dir: 'asc' | 'desc' }>({ key: 'name', dir: 'asc' });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<Action | null>(null);
  // The first page waits for the service's version, which says which fields it may ask for.
  const query = later ? queryOf(filters, sort, later).toString() : null;
  const { rows, next, loading, error, settledAt, more } = useRows(query);
  const scroller = useRef<HTMLDivElement>(null);
  const [, redraw] = useState(0);

  const virtualizer = useMemo(
    () =>
      new Virtualizer<HTMLDivElement, Element>({
        count: 0,
        getScrollElement: () => scroller.current,
        estimateSize: () => ROW,
        overscan: 12,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        onChange: () => redraw((x) => x + 1),
      }),
    [],
  );
  virtualizer.setOptions({ ...virtualizer.options, count: rows.length });
  useEffect(() => virtualizer._didMount(), []);
  useEffect(() => {
    virtualizer._willUpdate();
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = items.length ? items[items.length - 1]!.index : 0;
  useEffect(() => {
    if (next && lastShown > rows.length - 100) more();
  }, [lastShown, rows.length, next]);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    setSelected(new Set());
  }, [query]);

  const set = <K extends keyof Filters>(k: K) => (e: Event) => setFilters((f) => ({ ...f, [k]: (e.target as HTMLInputElement).value }));
  const sortBy = (key: SortKey) => setSort((s) => ({ key, dir: s.key === key && s.dir === 'asc' ? 'desc' : 'asc' }));
  const head = (key: SortKey | null, label: string) => (
    <span class={`th ${key ? 'sortable' : ''}`} onClick={key ? () => sortBy(key) : undefined} aria-sort={sort.key === key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      {label}
      {sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
    </span>
  );
  const toggle = (uuid: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(uuid)) n.delete(uuid);
      else n.add(uuid);
      return n;
    });
  const chosen = rows.filter((r) => selected.has(r.uuid));

  return (
    <div class="table-page">
      <header class="page-head">
        <h2>Nodes</h2>
        <span class="muted" data-testid="row-count" data-settled={settledAt}>
          {rows.length.toLocaleString()}
          {next ? '+' : ''} {rows.length === 1 ? 'node' : 'nodes'}
          {loading ? ' · loading…' : ''}
        </span>
      </header>
      <div class="filters">
        <input type="search" placeholder="name or UUID contains…" aria-label="search" value={filters.search} onInput={set('search')} />
        <select aria-label="provision state" value={filters.provision_state} onChange={set('provision_state')}>
          <option value="">any state</option>
          {PROVISION_STATES.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
        <select aria-label="driver" value={filters.driver} onChange={set('driver')}>
          <option value="">any driver</option>
          {drivers.map((d) => <option key={d} value={d}>{d}</option>)}
        </select>
        <input aria-label="resource class" placeholder="resource class" value={filters.resource_class} onChange={set('resource_class')} />
        <input aria-label="trait" placeholder="trait" value={filters.trait} onChange={set('trait')} />
        <select aria-label="maintenance" value={filters.maintenance} onChange={set('maintenance')}>
          <option value="">maintenance: any</option>
          <option value="true">in maintenance</option>
          <option value="false">in service</option>
        </select>
        {has('owner') && <input aria-label="owner" placeholder="owner" value={filters.owner} onChange={set('owner')} />}
        {has('conductor_group') && (
          <>
            <input aria-label="conductor group" placeholder="conductor group" list="conductor-groups" value={filters.conductor_group} onInput={set('conductor_group')} />
            <datalist id="conductor-groups">
              {[...new Set(conductors.map((c) => c.conductor_group).filter(Boolean))].sort().map((g) => <option key={g} value={g} />)}
            </datalist>
          </>
        )}
        {has('conductor') && (
          <select aria-label="conductor" value={filters.conductor} onChange={set('conductor')}>
            <option value="">any conductor</option>
            {conductors.map((c) => <option key={c.hostname} value={c.hostname}>{c.hostname}</option>)}
          </select>
        )}
        {JSON.stringify(filters) !== JSON.stringify(EMPTY) && (
          <button class="link" onClick={() => setFilters(EMPTY)}>clear</button>
        )}
      </div>
      {canAct ? (
        <div class="actions" data-testid="bulk-actions">
          <span>{selected.size} selected</span>
          {ACTIONS.map((a) => (
            <button key={a.id} disabled={!selected.size} onClick={() => setConfirm(a)}>{a.label}</button>
          ))}
        </div>
      ) : (
        <p class="muted" data-testid="read-only">Read-only: your token has the reader role.</p>
      )}
      {error && <p class="error">{error}</p>}
      <div class={`vtable ${laterCols ? 'later' : ''}`}>
        <div class="tr thead">
          {canAct && (
            <span class="check">
              <input type="checkbox" aria-label="select all loaded" checked={rows.length > 0 && selected.size === rows.length} onChange={(e) => setSelected((e.target as HTMLInputElement).checked ? new Set(rows.map((r) => r.uuid)) : new Set())} />
            </span>
          )}
          {head('name', 'Name')}
          {head('uuid', 'UUID')}
          {head('provision_state', 'Provision state')}
          {head(null, 'Power')}
          {head(null, 'Maint.')}
          {head(null, 'Driver')}
          {head(null, 'Resource class')}
          {head(null, 'Traits')}
          {laterCols && head(null, 'Owner')}
          {laterCols && head(null, 'Conductor')}
        </div>
        <div class="tbody" ref={scroller} data-testid="table-body">
          <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
            {items.map((it) => {
              const r = rows[it.index]!;
              const live = fleet.byUuid.get(r.uuid);
              const state = live?.provision_state ?? r.provision_state ?? '';
              return (
                <div key={r.uuid} class={`tr ${selected.has(r.uuid) ? 'sel' : ''}`} data-testid="node-row" style={{ transform: `translateY(${it.start}px)`, height: `${ROW}px` }}>
                  {canAct && (
                    <span class="check">
                      <input type="checkbox" aria-label={`select ${r.name ?? r.uuid}`} checked={selected.has(r.uuid)} onChange={() => toggle(r.uuid)} />
                    </span>
                  )}
                  <span><a {...linkProps(`/nodes/${r.uuid}`)}>{r.name ?? '—'}</a></span>
                  <span class="mono muted">{r.uuid.slice(0, 8)}</span>
                  <span data-state={state}><i class="swatch" style={{ background: STATE_COLOUR[state] }} />{state}{r.last_error ? ' ⚠' : ''}</span>
                  <span>{live?.power_state ?? r.power_state ?? '—'}</span>
                  <span>{(live?.maintenance ?? r.maintenance) ? 'yes' : ''}</span>
                  <span>{r.driver}</span>
                  <span>{r.resource_class ?? ''}</span>
                  <span class="muted">{(r.traits ?? []).join(', ')}</span>
                  {laterCols && <span data-col="owner">{r.owner ?? ''}</span>}
                  {laterCols && <span class="mono muted" data-col="conductor" title={r.conductor_group ? `group ${r.conductor_group}` : undefined}>{r.conductor ?? ''}</span>}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      {confirm && <Confirm action={confirm} nodes={chosen.map((r) => ({ uuid: r.uuid, name: r.name ?? null }))} onClose={() => setConfirm(null)} />}
    </div>
  );
}
