// The colour scheme: dark by default, light when the system asks for it (prefers-color-scheme; the
// palette is CSS variables in styles.css). Canvas drawings (charts, heatmap) read the same variables.
import { useSyncExternalStore } from 'react';

export type ColourScheme = 'dark' | 'light';

const query = () => (typeof matchMedia === 'undefined' ? null : matchMedia('(prefers-color-scheme: light)'));

function subscribe(onChange: () => void): () => void {
  const q = query();
  q?.addEventListener('change', onChange);
  return () => q?.removeEventListener('change', onChange);
}

export function currentScheme(): ColourScheme {
  return query()?.matches ? 'light' : 'dark';
}

/** The scheme now; components re-render (and canvases redraw) when it changes. */
export function useColourScheme(): ColourScheme {
  return useSyncExternalStore(subscribe, currentScheme, () => 'dark');
}

/** A CSS colour variable of the page (e.g. '--muted'), or the fallback outside a page. */
export function cssColour(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}
