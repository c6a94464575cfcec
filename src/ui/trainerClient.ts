// Owns the trainer Web Worker: sends Commands, routes every Report to its store (applyReport.ts),
// and settles requests by their id. The UI never imports tfjs; all tensors live in the worker.
import { withObjective } from '../config/objectiveOf';
import type { BackendChoice } from '../config/types';
import { PendingRequests, newRequestId } from '../protocol/requests';
import type { Command, Report } from '../protocol/trainer';
import { applyReport, beginRun } from './applyReport';
import { refreshDatasets } from './dataClient';
import { downloadBlob } from './download';
import { reportError } from './stores/errorsStore';
import { useModelsStore } from './stores/modelsStore';
import { useSettings } from './stores/settingsStore';
import { useTelemetry } from './stores/telemetryStore';
import { installTestHook } from './testHook';

let worker: Worker | null = null;
/** Commands sent before the worker exists are queued (e.g. during a failed start). */
const pending: Command[] = [];
/** Requests awaiting their answer (the report with the same requestId, or an error report). */
const requests = new PendingRequests<Report>();

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
    reportError(e instanceof Error ? e.message : String(e), `send ${cmd.type}`);
  }
}

/** Sends a command that expects one answer; resolves with it (a loss benchmark: with its last report). */
export function request(cmd: Command & { requestId: string }): Promise<Report> {
  const answer = requests.track(cmd.requestId, (r) => r.type !== 'lossBench' || r.done);
  send(cmd);
  return answer;
}

/** Creates the worker (once), wires reports into the store and sends `init`. */
export function startTrainerClient(): void {
  if (worker) return;
  if (__TEST_HOOKS__) installTestHook({ send, request });
  try {
    worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module', name: 'clip-lab-trainer' });
  } catch (e) {
    reportError(`Could not start the trainer worker: ${e instanceof Error ? e.message : String(e)}`, 'worker');
    useTelemetry.getState().setLocalState('error');
    return;
  }
  worker.onmessage = (e: MessageEvent<unknown>) => {
    if (!isReport(e.data)) return;
    applyReport(e.data);
    afterReport(e.data);
    settle(e.data);
  };
  worker.onmessageerror = () => {
    reportError('A message from the trainer could not be decoded', 'worker');
  };
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    const where = e.filename ? ` (${e.filename.split('/').pop()}:${e.lineno})` : '';
    const message = `Trainer worker error: ${e.message || 'the worker script failed to load'}${where}`;
    reportError(message, 'worker');
    useTelemetry.getState().setLocalState('error');
    requests.failAll(new Error(message));
  };
  send({ type: 'init', backend: useSettings.getState().backendChoice });
  // The library (and an unfinished run to offer for resuming) as soon as the worker is up.
  send({ type: 'listModels' });
  for (const cmd of pending.splice(0)) send(cmd);
}

/** An answer settles its request; an error report with a requestId rejects it. */
function settle(r: Report): void {
  if (r.type === 'error') {
    if (r.requestId) requests.fail(r.requestId, new Error(r.message));
    return;
  }
  requests.settle(r);
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

/** Downloads the model as an open_clip checkpoint folder (.tar); a refusal names what does not map. */
export function exportOpenClipModel(id: string): void {
  const models = useModelsStore.getState();
  models.exportStarted(id);
  request({ type: 'exportOpenClip', requestId: newRequestId('o'), id })
    .catch((e: unknown) => reportError(e instanceof Error ? e.message : String(e), 'export for open_clip'))
    .finally(() => useModelsStore.getState().exportDone(id));
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
  const config = withObjective(structuredClone(useSettings.getState().config));
  beginRun(config);
  send({ type: 'configure', config });
  send({ type: 'start' });
}

/** Configures a run with the current settings without starting it (a fine-tuning run's time estimate). */
export function prepareRun(): void {
  const config = withObjective(structuredClone(useSettings.getState().config));
  beginRun(config);
  send({ type: 'configure', config });
}

/** One step: configures first when no model is ready (idle / done / stopped / error). */
export function stepRun(): void {
  const state = useTelemetry.getState().status.state;
  if (state !== 'ready' && state !== 'paused') {
    const config = withObjective(structuredClone(useSettings.getState().config));
    beginRun(config);
    send({ type: 'configure', config });
  }
  send({ type: 'step' });
}

/** Persists the backend choice and asks the worker to switch. */
export function chooseBackend(choice: BackendChoice): void {
  useSettings.getState().setBackendChoice(choice);
  send({ type: 'setBackend', backend: choice });
}
