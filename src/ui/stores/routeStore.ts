// Which view is shown: the address's hash (`#data`, `#models`; none for Train) is the truth, so a
// view has its own address (deep links, Back and Forward). The views themselves are listed once,
// in src/ui/routes.tsx; this store only knows the id. The worker keeps running whatever is shown.
import { create } from 'zustand';

export const DEFAULT_VIEW = 'train';

export interface RouteState {
  view: string;
  /** The hash named a view that does not exist (shown as a notice; the default view is shown). */
  unknown: string | null;
  /** Shows a view and records it in the history (Back returns to the previous view). */
  navigate: (view: string) => void;
  /** Follows the address (hashchange / popstate). */
  syncFromLocation: () => void;
}

let knownViews: ReadonlySet<string> = new Set([DEFAULT_VIEW]);

/** The route list registers its ids here (src/ui/routes.tsx), before the first render. */
export function registerViews(ids: readonly string[]): void {
  knownViews = new Set(ids);
  useRoute.getState().syncFromLocation();
}

/** The view id of a hash: "" / "#" / "#train" → train; "#/data" and "#data" → data. */
export function viewOfHash(hash: string): string {
  const id = decodeURIComponent(hash.replace(/^#\/?/, '')).trim();
  return id || DEFAULT_VIEW;
}

function hashOf(view: string): string {
  return view === DEFAULT_VIEW ? '' : `#${view}`;
}

function fromLocation(): { view: string; unknown: string | null } {
  const id = viewOfHash(globalThis.location?.hash ?? '');
  return knownViews.has(id) ? { view: id, unknown: null } : { view: DEFAULT_VIEW, unknown: id };
}

export const useRoute = create<RouteState>()((set, get) => ({
  ...(typeof location === 'undefined' ? { view: DEFAULT_VIEW, unknown: null } : fromLocation()),
  navigate: (view) => {
    if (get().view === view && !get().unknown) return;
    try {
      const url = new URL(globalThis.location.href);
      url.hash = hashOf(view);
      globalThis.history.pushState(globalThis.history.state, '', url.hash ? url.href : url.pathname + url.search);
      globalThis.scrollTo?.(0, 0);
    } catch {
      /* no history (tests) */
    }
    set({ view, unknown: null });
  },
  syncFromLocation: () => {
    const next = fromLocation();
    const s = get();
    if (s.view !== next.view || s.unknown !== next.unknown) set(next);
  },
}));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => useRoute.getState().syncFromLocation());
  window.addEventListener('popstate', () => useRoute.getState().syncFromLocation());
}
