// Client routes under /ui/ (the service answers index.html for any of them, so links can be shared).
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/ui';

export function navigate(path: string): void {
  history.pushState(null, '', `${BASE}${path}`);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** The path below /ui, e.g. "/nodes/abc". */
export function useRoute(): string {
  const read = () => location.pathname.replace(/^\/ui/, '') || '/';
  const [path, setPath] = useState(read);
  useEffect(() => {
    const on = () => setPath(read());
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  return path;
}

/** An in-app link: a real href (open in new tab works), navigation without a reload. */
export function linkProps(path: string) {
  return {
    href: `${BASE}${path}`,
    onClick: (e: MouseEvent) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
      e.preventDefault();
      navigate(path);
    },
  };
}
