// Owns the trainer Web Worker: sends Commands, dispatches every Report into the store.
// The UI never imports tfjs; all tensors live in the worker.
import type { BackendChoice } from '../config/types';
import type { Command, Report } from '../protocol/trainer';
import { refreshDatasets } from './dataClient';
import { downloadBlob } from './download';
import { useModelsStore } from './modelsStore';
import { withObjective } from '../config/objectiveOf';
import { newRequestId } from '../protocol/requests';
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
  window.__clipLab = { ...window.__clipLab, send, getState: () => useStore.getState(), getModels: () => useModelsStore.getState() };
  try {
    worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module', name: 'clip-lab-trainer' });
  } catch (e) {
    store.addError(`Could not start the trainer worker: ${e instanceof Error ? e.message : String(e)}`, 'worker');
    store.setLocalState('error');
    return;
  }
  worker.onmessage = (e: MessageEvent<unknown>) => {
    if (!isReport(e.data)) return;
    useStore.getState().applyReport(e.data);
    afterReport(e.data);
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
  // The library (and an unfinished run to offer for resuming) as soon as the worker is up.
  send({ type: 'listModels' });
  for (const cmd of pending.splice(0)) send(cmd);
}

/** Side effects of reports beyond the stores: downloads, and a fresh library after a save. */
function afterReport(r: Report): void {
  switch (r.type) {
    case 'modelFile':
      downloadBlob(r.blob, r.fileName);
      return;
    case 'checkpoint':
      if (r.ok) send({ type: 'listModels' });
      return;
    case 'dataset':
      // A Shapes world the trainer just generated is a new stored dataset: the Data tab lists it.
      if (!r.fromCache) refreshDatasets();
      return;
    case 'status':
      // A run that ended (or was loaded) changes what the library shows as resumable.
      if (r.state === 'done' || r.state === 'stopped' || r.state === 'paused') scheduleListModels();
      return;
    default:
      return;
  }
}

let listTimer: ReturnType<typeof setTimeout> | undefined;
function scheduleListModels(): void {
  if (listTimer !== undefined) return;
  listTimer = setTimeout(() => {
    listTimer = undefined;
    send({ type: 'listModels' });
  }, 300);
}

// ---------------------------------------------------------------- the Models library
export const listModels = () => send({ type: 'listModels' });
export const saveCheckpoint = () => send({ type: 'saveCheckpoint' });
export const renameModel = (id: string, name: string) => send({ type: 'renameModel', id, name });
export const deleteModel = (id: string) => send({ type: 'deleteModel', id });

/** Loads a saved run at its checkpoint (paused; Resume continues it). */
export function resumeModel(id: string): void {
  send({ type: 'resumeModel', id });
}

export function exportModel(id: string): void {
  useModelsStore.getState().exportStarted(id);
  send({ type: 'exportModel', requestId: newRequestId('m'), id });
}

/** Checks and stores .safetensors files in the library (each answered by a modelImport report). */
export function importModelFiles(files: readonly File[]): void {
  for (const file of files) {
    useModelsStore.getState().importStarted(file.name);
    send({ type: 'importModel', requestId: newRequestId('i'), file });
  }
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
