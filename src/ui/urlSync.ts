// Keeps the address bar and the run settings in step (src/config/urlConfig.ts has the format):
// on load, the address's settings become the sidebar's (problems are shown by LinkNotice, and those
// fields keep their defaults); afterwards every change of the settings rewrites the query string
// (replaceState, at most every 250 ms: browsers throttle history updates), leaving the view's hash.
import { create } from 'zustand';
import { decodeConfig, encodeConfig } from '../config/urlConfig';
import { useSettings } from './stores/settingsStore';

export interface LinkState {
  /** Problems of the settings in the address this page was opened with (empty: none). */
  problems: string[];
  dismiss: () => void;
}

export const useLinkProblems = create<LinkState>()((set) => ({ problems: [], dismiss: () => set({ problems: [] }) }));

const WRITE_DELAY_MS = 250;

/** The query string for the current settings (what the address bar shows). */
export function currentSearch(): string {
  const s = useSettings.getState();
  return `?${encodeConfig({ config: s.config, backend: s.backendChoice }).toString()}`;
}

let started = false;

export function startUrlSync(): void {
  if (started || typeof location === 'undefined') return;
  started = true;
  const decoded = decodeConfig(new URLSearchParams(location.search));
  if (decoded.present) {
    const s = useSettings.getState();
    s.replaceConfig(decoded.config);
    if (decoded.backend) s.setBackendChoice(decoded.backend);
  }
  useLinkProblems.setState({ problems: decoded.problems });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    timer = undefined;
    const search = currentSearch();
    if (search === location.search) return;
    history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
  };
  write();
  useSettings.subscribe((s, prev) => {
    if (s.config === prev.config && s.backendChoice === prev.backendChoice) return;
    if (timer === undefined) timer = setTimeout(write, WRITE_DELAY_MS);
  });
}
