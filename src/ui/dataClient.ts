// Owns the data Web Worker (imports, browsing, export, deletion, built-in datasets):
// sends DataCommands, dispatches every DataReport into the data store. The UI never
// parses files itself; File objects are handed to the worker as they are.
import type { KeepImages } from '../data/store/types';
import type { DataCommand, DataReport, ImportFormat } from '../protocol/data';
import { BROWSE_PAGE, useDataStore, type DataState } from './stores/dataStore';
import { reportError as addAppError } from './stores/errorsStore';
import { useSettings } from './stores/settingsStore';
import { installTestHook } from './testHook';
import { downloadBlob } from './download';
import { newRequestId } from '../protocol/requests';

let worker: Worker | null = null;

function isDataReport(x: unknown): x is DataReport {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Reports an error of the data side in the app's one error list (the banner), marked "data · …". */
function reportError(message: string, context: string): void {
  addAppError(message, `data · ${context}`);
}

/** Sends one command to the data worker (and notes it in the data store). */
export function sendData(cmd: DataCommand): void {
  const ds = useDataStore.getState();
  if (!worker || ds.workerStatus === 'error') {
    reportError(`The data worker is not available${ds.workerError ? ` (${ds.workerError})` : ''}; "${cmd.type}" was not sent.`, cmd.type);
    return;
  }
  ds.noteCommand(cmd);
  try {
    worker.postMessage(cmd);
  } catch (e) {
    reportError(errorText(e), `send ${cmd.type}`);
  }
}

function onReport(r: DataReport): void {
  useDataStore.getState().applyDataReport(r);
  switch (r.type) {
    case 'exported':
      downloadBlob(r.blob, r.fileName);
      return;
    case 'importDone':
      // Data worth keeping: ask once that the browser not evict it (window-only API).
      if (r.summary.datasetId && !r.summary.error && useDataStore.getState().storage?.persisted === false) void requestPersistence(false);
      sendData({ type: 'listDatasets' });
      return;
    case 'builtinReady':
      // The dataset list changed; ask in case the worker does not push it itself.
      sendData({ type: 'listDatasets' });
      if (r.type === 'builtinReady' && useDataStore.getState().builtin.wanted) {
        useDataStore.getState().dropBuiltinWish();
        useSettings.getState().chooseDataset({ kind: 'stored', id: r.id });
      }
      return;
    case 'dataError':
      addAppError(r.message, `data · ${r.context}`);
      return;
    default:
      return;
  }
}


/** Creates the data worker (once), wires it into the store and lists the datasets. */
export function startDataClient(): void {
  if (worker) return;
  if (__TEST_HOOKS__) installTestHook({ sendData });
  const ds = useDataStore.getState();
  ds.setWorkerStatus('starting');
  try {
    worker = new Worker(new URL('../worker/data.worker.ts', import.meta.url), { type: 'module', name: 'clip-lab-data' });
  } catch (e) {
    worker = null;
    const msg = `Could not start the data worker: ${errorText(e)}`;
    useDataStore.getState().setWorkerStatus('error', msg);
    reportError(msg, 'worker');
    return;
  }
  const w = worker;
  w.onmessage = (e: MessageEvent<unknown>) => {
    if (isDataReport(e.data)) onReport(e.data);
  };
  w.onmessageerror = () => reportError('A message from the data worker could not be decoded', 'worker');
  w.onerror = (e: Event) => {
    e.preventDefault();
    const ev = e instanceof ErrorEvent ? e : null;
    const where = ev?.filename ? ` (${ev.filename.split('/').pop()}:${ev.lineno})` : '';
    const store = useDataStore.getState();
    if (store.workerStatus !== 'ready' || !ev?.message) {
      // Before its first report (or without a message) the script itself failed to load.
      // The Data tab and the Run sidebar show this state; the error list keeps it for tests.
      const msg = `The data worker failed to load${ev?.message ? `: ${ev.message}` : ' (src/worker/data.worker.ts)'}${where}`;
      store.setWorkerStatus('error', msg);
      reportError(msg, 'worker');
      return;
    }
    reportError(`Data worker error: ${ev.message}${where}`, 'worker');
  };
  sendData({ type: 'listDatasets' });
}

/** Terminates the data worker and starts a fresh one (after a load failure). */
export function restartDataClient(): void {
  worker?.terminate();
  worker = null;
  startDataClient();
}

// ---------------------------------------------------------------- actions used by the UI

let persistAsked = false;

/**
 * Asks the browser to keep this origin's storage (navigator.storage.persist is exposed to
 * windows only, so the page asks, not the worker). `force` asks again after an earlier try.
 */
export async function requestPersistence(force = true): Promise<boolean> {
  if (persistAsked && !force) return false;
  persistAsked = true;
  const sm = (globalThis.navigator as Navigator | undefined)?.storage;
  if (!sm || typeof sm.persist !== 'function') return false;
  let granted = false;
  try {
    granted = await sm.persist();
  } catch {
    granted = false;
  }
  if (useDataStore.getState().workerStatus === 'ready') sendData({ type: 'listDatasets' });
  return granted;
}

function newJobId(): string {
  try {
    return crypto.randomUUID();
  } catch {
    return `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  }
}

export interface ImportOptions {
  format: ImportFormat;
  name: string;
  files: File[];
  valFraction: number;
  keepImages: KeepImages;
}

/** Starts an import at the model's image size and vocabulary target; returns the job id. */
export function startImport(o: ImportOptions): string {
  const { model } = useSettings.getState().config;
  const jobId = newJobId();
  sendData({
    type: 'import',
    request: {
      jobId,
      format: o.format,
      name: o.name,
      files: o.files,
      imageSize: model.image.imageSize,
      valFraction: o.valFraction,
      keepImages: o.keepImages,
      vocabSize: model.text.vocabSize,
    },
  });
  return jobId;
}

export function cancelImport(jobId: string): void {
  sendData({ type: 'cancelImport', jobId });
}

export function refreshDatasets(): void {
  sendData({ type: 'listDatasets' });
}

export function deleteDataset(id: string): void {
  sendData({ type: 'deleteDataset', id });
  // The training choice must not point at a deleted dataset.
  const s = useSettings.getState();
  if (s.config.dataset.kind === 'stored' && s.config.dataset.id === id) s.chooseShapes();
  sendData({ type: 'listDatasets' });
  // Ask again later in case the first answer came before the deletion finished.
  setTimeout(() => {
    if (useDataStore.getState().deleting.includes(id)) sendData({ type: 'listDatasets' });
  }, 1500);
}

export function exportDataset(id: string): void {
  sendData({ type: 'exportDataset', requestId: newRequestId('x'), id });
}

/** Shows a page of samples (offset 0 for a new dataset or query). */
export function browseDataset(id: string, offset = 0, query = ''): void {
  sendData({ type: 'browse', requestId: newRequestId('b'), id, offset: Math.max(0, offset), limit: BROWSE_PAGE, query });
}

/** Asks the worker for Fashion-MNIST at the model's image size; builtinReady selects it. */
export function chooseFashionMnist(): void {
  const { model } = useSettings.getState().config;
  sendData({ type: 'ensureBuiltin', requestId: newRequestId('f'), name: 'fashion-mnist', imageSize: model.image.imageSize, vocabSize: model.text.vocabSize });
}

/** Trains on the Shapes world or a stored dataset; drops a pending built-in choice. */
export function chooseDatasetNow(choice: { kind: 'shapes' } | { kind: 'stored'; id: string }): void {
  useDataStore.getState().dropBuiltinWish();
  const s = useSettings.getState();
  if (choice.kind === 'shapes') s.chooseShapes();
  else s.chooseDataset({ kind: 'stored', id: choice.id });
}

export type { DataState };
