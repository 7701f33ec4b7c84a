// The shell: login when the service wants a token, the navigation, and the page the route names.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { probeRole, setToken, type Role } from './api.js';
import { fleet } from './fleet.js';
import { Login } from './login.js';
import { NodePage } from './node-page.js';
import { Overview } from './overview.js';
import { PlanPage } from './plan.js';
import { linkProps, useRoute } from './router.js';
import { NodeTable } from './table.js';

export const RoleContext = createContext<Role>('reader');
/** Whether the user may act (admin); a reader sees everything and no action buttons. */
export const useCanAct = () => useContext(RoleContext) === 'admin';

function Page({ path }: { path: string }) {
  const node = /^\/nodes\/([^/]+)$/.exec(path);
  if (node) return <NodePage ident={decodeURIComponent(node[1]!)} />;
  if (path === '/nodes') return <NodeTable />;
  if (path === '/plans') return <PlanPage />;
  return <Overview />;
}

export function App() {
  const path = useRoute();
  const [role, setRole] = useState<Role | 'none' | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    probeRole().then(setRole, (e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    if (role !== 'admin' && role !== 'reader') return;
    fleet.start().catch((e: Error) => setError(e.message));
    return () => fleet.stop();
  }, [role]);

  if (error) return <p class="error page">The service could not be reached: {error}</p>;
  if (role === null) return <p class="muted page">Connecting…</p>;
  if (role === 'none') return <Login onLogin={setRole} />;
  const nav = (to: string, label: string) => (
    <a {...linkProps(to)} class={(to === '/' ? path === '/' : path.startsWith(to)) ? 'active' : ''}>
      {label}
    </a>
  );
  return (
    <RoleContext.Provider value={role}>
      <nav class="top">
        <b class="brand">ironplan</b>
        {nav('/', 'Overview')}
        {nav('/nodes', 'Nodes')}
        {nav('/plans', 'Specs & plans')}
        <span class="spacer" />
        <span class="role" data-testid="role">{role}</span>
        <button
          class="link"
          onClick={() => {
            setToken(null);
            fleet.stop();
            location.reload();
          }}
        >
          Log out
        </button>
      </nav>
      <main>
        <Page path={path} />
      </main>
    </RoleContext.Provider>
  );
}
