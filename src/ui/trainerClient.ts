// Owns the trainer Web Worker: sends Commands, dispatches every Report into the store.
// The UI never imports tfjs; all tensors live in the worker.
import type { BackendChoice, Command, Report } from '../protocol/messages';
import { withObjective } from './objectives';
import { useStore } from './store';
import './testHook';

let worker: Worker | null = null;
/** Commands sent before the worker exists are queued (e.g. during a failed start). */
const pending: Command[] = [];

function isReport(x: unknown): x is Report {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';
}

/** Sends one command to the worker. */
export function send(cmd: Command): void {
  if (!worker) {
    pending.push(cmd);
    return;
  }
  try {
    worker.postMessage(cmd);
  } catch (e) {
    useStore.getState().addError(e instanceof Error ? e.message : String(e), `send ${cmd.type}`);
  }
}

/** Creates the worker (once), wires reports into the store and sends `init`. */
export function startTrainerClient(): void {
  if (worker) return;
  const store = useStore.getState();
  window.__clipLab = { ...window.__clipLab, send, getState: () => useStore.getState() };
  try {
    worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module', name: 'clip-lab-trainer' });
  } catch (e) {
    store.addError(`Could not start the trainer worker: ${e instanceof Error ? e.message : String(e)}`, 'worker');
    store.setLocalState('error');
    return;
  }
  worker.onmessage = (e: MessageEvent<unknown>) => {
    if (isReport(e.data)) useStore.getState().applyReport(e.data);
  };
  worker.onmessageerror = () => {
    useStore.getState().addError('A message from the trainer could not be decoded', 'worker');
  };
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    const where = e.filename ? ` (${e.filename.split('/').pop()}:${e.lineno})` : '';
    const s = useStore.getState();
    s.addError(`Trainer worker error: ${e.message || 'the worker script failed to load'}${where}`, 'worker');
    s.setLocalState('error');
  };
  send({ type: 'init', backend: store.backendChoice });
  for (const cmd of pending.splice(0)) send(cmd);
}

/** Start: configure with the current settings, then start. */
export function startRun(): void {
  const s = useStore.getState();
  const config = withObjective(structuredClone(s.config));
  s.beginRun(config);
  send({ type: 'configure', config });
  send({ type: 'start' });
}

/** One step: configures first when no model is ready (idle / done / stopped / error). */
export function stepRun(): void {
  const s = useStore.getState();
  const state = s.status.state;
  if (state !== 'ready' && state !== 'paused') {
    const config = withObjective(structuredClone(s.config));
    s.beginRun(config);
    send({ type: 'configure', config });
  }
  send({ type: 'step' });
}

/** Persists the backend choice and asks the worker to switch. */
export function chooseBackend(choice: BackendChoice): void {
  useStore.getState().setBackendChoice(choice);
  send({ type: 'setBackend', backend: choice });
}
