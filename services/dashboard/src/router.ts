import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/scores/D5.2`): the API serves one index.html and every view lives behind the fragment,
 * so a reload or a shared link lands on the same view without server-side fallbacks.
 */
export interface Route {
  parts: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = hash.split('?');
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(search),
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    // The fragment may have changed between the first render and now, and that hashchange event is gone.
    update();
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const search = params.toString();
  return `#${path}${search ? `?${search}` : ''}`;
}

export function navigate(path: string, query: Record<string, string | undefined> = {}) {
  window.location.hash = href(path, query);
}
