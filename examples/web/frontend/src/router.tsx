// A minimal client-side router: history.pushState plus popstate, like a SPA router does.
import { createContext, useContext, useEffect, useState, type MouseEvent, type ReactNode } from 'react';

const RouteContext = createContext<{ path: string; navigate: (to: string) => void }>({ path: '/', navigate: () => {} });

export function Router({ children }: { children: ReactNode }) {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to: string) => {
    window.history.pushState(null, '', to);
    setPath(to);
  };
  return <RouteContext.Provider value={{ path, navigate }}>{children}</RouteContext.Provider>;
}

export const useRoute = () => useContext(RouteContext);

export function Link({ to, children, id }: { to: string; children: ReactNode; id?: string }) {
  const { navigate } = useRoute();
  const onClick = (e: MouseEvent) => {
    e.preventDefault();
    navigate(to);
  };
  return <a id={id} href={to} onClick={onClick}>{children}</a>;
}
