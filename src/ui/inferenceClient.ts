// Owns the inference Web Worker (started when first needed: the Try view, a test, a CLI): loads
// models into it (a library model, or a snapshot of the live run fetched from the trainer between
// two steps), sends images and labels, and routes every answer to the Try store. Zero-shot updates
// are debounced, and an answer older than the newest request is dropped, so typing never queues
// work or shows stale bars.
import { linesOf, promptProblems } from '../eval/templateEnsemble';
import { PendingRequests, newRequestId } from '../protocol/requests';
import type { ClipImportedReport, ImageSource, InferenceCommand, InferenceReport, ModelLoadedReport, SuiteReport } from '../protocol/inference';
import { useModelsStore } from './stores/modelsStore';
import type { WeightsReport } from '../protocol/trainer';
import { reportError } from './stores/errorsStore';
import { useSettings } from './stores/settingsStore';
import { defaultLabels, useTry, type ModelChoice } from './stores/tryStore';
import { listModels, request as trainerRequest } from './trainerClient';
import { installTestHook } from './testHook';

/** Wait after the last keystroke before scoring (ms). */
export const ZERO_SHOT_DEBOUNCE_MS = 150;

let worker: Worker | null = null;
const requests = new PendingRequests<InferenceReport>();

function ensureWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('../worker/inference.worker.ts', import.meta.url), { type: 'module', name: 'clip-lab-inference' });
  worker.onmessage = (e: MessageEvent<InferenceReport>) => onReport(e.data);
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    const message = `Inference worker error: ${e.message || 'the worker script failed to load'}`;
    reportError(message, 'inference');
    requests.failAll(new Error(message));
  };
  post({ type: 'init', backend: useSettings.getState().backendChoice, requestId: newRequestId('n') });
  return worker;
}

function post(cmd: InferenceCommand): void {
  const w = ensureWorker();
  w.postMessage(cmd);
}

/** Sends a request; resolves with its answer, rejects with its error report. */
export function inferenceRequest<T extends InferenceReport = InferenceReport>(cmd: InferenceCommand & { requestId: string }): Promise<T> {
  ensureWorker();
  const answer = requests.track(cmd.requestId, (r) => r.type !== 'progress') as Promise<T>;
  post(cmd);
  return answer;
}

if (__TEST_HOOKS__) installTestHook({ inferenceRequest });

function onReport(r: InferenceReport): void {
  const s = useTry.getState();
  if (r.type === 'backend') s.set({ backend: r.info });
  if (r.type === 'progress') {
    if (s.indexJob?.requestId === r.requestId) s.set({ indexJob: { requestId: r.requestId, progress: r } });
    if (s.suiteJob?.requestId === r.requestId) s.set({ suiteJob: { requestId: r.requestId, progress: r } });
    const clip = useModelsStore.getState().clipImport;
    if (clip?.requestId === r.requestId) useModelsStore.getState().setClipImport({ ...clip, done: r.done, total: r.total, message: r.message });
    return;
  }
  if (r.type === 'error') {
    if (r.requestId) requests.fail(r.requestId, Object.assign(new Error(r.message), { cancelled: r.cancelled === true }));
    return;
  }
  requests.settle(r);
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

// ---------------------------------------------------------------- models
let loadSeq = 0;

/** Loads a model into the inference worker: the live run (a snapshot now) or a library model. */
export async function loadModel(choice: ModelChoice): Promise<void> {
  const seq = ++loadSeq;
  const s = useTry.getState();
  s.set({ choice, loading: true, loadError: null });
  try {
    const source =
      choice.kind === 'live'
        ? { kind: 'live' as const, weights: (await trainerRequest({ type: 'snapshotWeights', requestId: newRequestId('w') }) as WeightsReport).weights }
        : { kind: 'stored' as const, id: choice.id };
    const r = await inferenceRequest<ModelLoadedReport>({ type: 'loadModel', requestId: newRequestId('l'), source });
    if (seq !== loadSeq) return;
    const now = useTry.getState();
    const sameData = now.model?.datasetId === r.model.datasetId;
    now.set({
      model: r.model,
      loading: false,
      index: now.index && now.index.modelKey === r.model.key ? now.index : null,
      search: null,
      captions: null,
      templatesText: now.templatesEdited && sameData ? now.templatesText : r.model.templates.join('\n'),
      templatesEdited: now.templatesEdited && sameData,
      labelsText: now.labelsEdited || (sameData && now.labelsText) ? now.labelsText : defaultLabels(r.model.classes.length ? r.model.classes : ['a red circle', 'a blue square', 'a green triangle']).join('\n'),
      singleTemplate: Math.min(now.singleTemplate, Math.max(0, r.model.templates.length - 1)),
    });
    // The image's embedding belongs to the old model: embed it again, then score.
    const image = useTry.getState().image;
    if (image) await embedImage(image.key, { kind: 'raw', rgb: image.rgb, size: image.size }, image.label, true);
    scheduleZeroShot(0);
  } catch (e) {
    if (seq !== loadSeq) return;
    useTry.getState().set({ loading: false, loadError: messageOf(e) });
  }
}

/** A fresh snapshot of the live run, when the Try view follows it and the run moved on. */
export async function refreshLiveModel(currentStep: number): Promise<void> {
  const s = useTry.getState();
  if (s.choice?.kind !== 'live' || s.loading || !s.follow) return;
  if (s.model && s.model.source === 'live' && s.model.step === currentStep) return;
  await loadModel({ kind: 'live' });
}

/**
 * Reads a CLIP checkpoint folder (its picked or dropped files) into the library, in the inference
 * worker; progress and the outcome go to the Models store, and the library list is refreshed.
 */
export async function importClipFolder(files: readonly File[], name: string): Promise<void> {
  const models = useModelsStore.getState();
  if (models.clipImport) return;
  const requestId = newRequestId('c');
  models.setClipImport({ requestId, name, done: 0, total: 1, message: `Reading ${name}…` });
  try {
    const r = await inferenceRequest<ClipImportedReport>({ type: 'importClip', requestId, files: [...files], name });
    useModelsStore.getState().setClipImport(null, { name, ok: true, model: r.model, readMs: r.readMs, writeMs: r.writeMs });
  } catch (e) {
    const cancelled = (e as { cancelled?: boolean }).cancelled === true;
    useModelsStore.getState().setClipImport(null, { name, ok: false, cancelled, error: messageOf(e) });
  }
  listModels();
}

export function cancelClipImport(): void {
  const job = useModelsStore.getState().clipImport;
  if (job) post({ type: 'cancel', requestId: job.requestId });
}

// ---------------------------------------------------------------- images
let imageSeq = 0;

type RawImage = { kind: 'raw'; rgb: Uint8Array; size: number };

/** Encodes raw RGB (an image already at the model's size) as PNG bytes for the worker. */
async function rawToBlob(img: RawImage): Promise<Blob> {
  const c = new OffscreenCanvas(img.size, img.size);
  const ctx = c.getContext('2d')!;
  const data = ctx.createImageData(img.size, img.size);
  for (let i = 0; i < img.size * img.size; i++) {
    data.data.set([img.rgb[i * 3]!, img.rgb[i * 3 + 1]!, img.rgb[i * 3 + 2]!, 255], i * 4);
  }
  ctx.putImageData(data, 0, 0);
  return c.convertToBlob({ type: 'image/png' });
}

async function embedImage(key: string, image: ImageSource | RawImage, label: string, keepError = false): Promise<void> {
  const seq = ++imageSeq;
  const s = useTry.getState();
  if (!s.model) {
    s.set({ imageError: 'Choose a model first' });
    return;
  }
  if (!keepError) s.set({ imageError: null });
  try {
    const source: ImageSource = image.kind === 'raw' ? { kind: 'encoded', blob: await rawToBlob(image), name: label } : image;
    const r = await inferenceRequest<Extract<InferenceReport, { type: 'image' }>>({ type: 'setImage', requestId: newRequestId('g'), imageKey: key, image: source });
    if (seq !== imageSeq) return;
    useTry.getState().set({ image: { key, label, rgb: r.rgb, size: r.size, original: r.original }, imageError: null });
    scheduleZeroShot(0);
  } catch (e) {
    if (seq !== imageSeq) return;
    useTry.getState().set({ imageError: messageOf(e) });
  }
}

let imageCounter = 0;
const freshKey = (what: string) => `${what}-${++imageCounter}`;

/** A file, a pasted image, the drawing or a camera frame: decoded in the worker like an import. */
export function tryImageBlob(blob: Blob, name: string): Promise<void> {
  return embedImage(freshKey('blob'), { kind: 'encoded', blob, name }, name);
}

/** A stored pair of the model's dataset (as the model was trained on it). */
export function tryDatasetImage(datasetId: string, split: 'train' | 'val', index: number): Promise<void> {
  return embedImage(`${datasetId}/${split}/${index}`, { kind: 'dataset', datasetId, split, index }, `${split === 'val' ? 'validation' : 'training'} image ${index + 1}`);
}

// ---------------------------------------------------------------- zero-shot
let zeroShotTimer: ReturnType<typeof setTimeout> | undefined;
let zeroShotSeq = 0;

/** Scores again after `delay` ms of quiet (typing), dropping answers to older requests. */
export function scheduleZeroShot(delay = ZERO_SHOT_DEBOUNCE_MS): void {
  clearTimeout(zeroShotTimer);
  zeroShotTimer = setTimeout(() => void zeroShotNow(), delay);
}

async function zeroShotNow(): Promise<void> {
  const s = useTry.getState();
  if (!s.model || !s.image) return;
  const labels = linesOf(s.labelsText);
  const templates = linesOf(s.templatesText);
  const problems = promptProblems(labels, templates);
  if (problems.length) {
    s.set({ resultError: problems.join(' '), result: null });
    return;
  }
  const seq = ++zeroShotSeq;
  s.set({ scoring: true });
  try {
    const r = await inferenceRequest<Extract<InferenceReport, { type: 'zeroShot' }>>({
      type: 'zeroShot',
      requestId: newRequestId('z'),
      imageKey: s.image.key,
      labels,
      templates,
      singleTemplate: Math.min(s.singleTemplate, templates.length - 1),
    });
    if (seq !== zeroShotSeq) return;
    useTry.getState().set({ result: r, resultError: null, scoring: false });
  } catch (e) {
    if (seq !== zeroShotSeq) return;
    useTry.getState().set({ resultError: messageOf(e), scoring: false });
  }
}

// ---------------------------------------------------------------- dataset images, search, suite
export async function loadSamples(datasetId: string, offset: number, limit = 48): Promise<void> {
  try {
    const r = await inferenceRequest<Extract<InferenceReport, { type: 'samples' }>>({ type: 'samples', requestId: newRequestId('s'), datasetId, split: 'val', offset, limit });
    useTry.getState().set({ samples: r });
  } catch (e) {
    useTry.getState().set({ imageError: messageOf(e) });
  }
}

export async function buildIndex(datasetId: string): Promise<void> {
  const requestId = newRequestId('x');
  useTry.getState().set({ indexJob: { requestId, progress: null }, indexError: null, follow: false });
  try {
    const r = await inferenceRequest<Extract<InferenceReport, { type: 'index' }>>({ type: 'buildIndex', requestId, datasetId });
    useTry.getState().set({ index: r, indexJob: null });
  } catch (e) {
    useTry.getState().set({ indexJob: null, indexError: (e as { cancelled?: boolean }).cancelled ? 'Cancelled: nothing was kept.' : messageOf(e) });
  }
}

export function cancelJob(requestId: string): void {
  post({ type: 'cancel', requestId });
}

let searchSeq = 0;
let searchTimer: ReturnType<typeof setTimeout> | undefined;

/** Searches after `delay` ms of quiet (typing); an empty query clears the results. */
export function scheduleSearch(query: string, k: number, delay = ZERO_SHOT_DEBOUNCE_MS): void {
  clearTimeout(searchTimer);
  if (!query.trim()) {
    ++searchSeq;
    useTry.getState().set({ search: null, searchError: null, captions: null });
    return;
  }
  searchTimer = setTimeout(() => void search(query, k), delay);
}

export async function search(query: string, k: number): Promise<void> {
  clearTimeout(searchTimer);
  const seq = ++searchSeq;
  try {
    const r = await inferenceRequest<Extract<InferenceReport, { type: 'search' }>>({ type: 'search', requestId: newRequestId('q'), query, k });
    if (seq === searchSeq) useTry.getState().set({ search: r, searchError: null, captions: null });
  } catch (e) {
    if (seq === searchSeq) useTry.getState().set({ searchError: messageOf(e) });
  }
}

export async function imageCaptions(position: number, k = 5): Promise<void> {
  try {
    const r = await inferenceRequest<Extract<InferenceReport, { type: 'captions' }>>({ type: 'imageCaptions', requestId: newRequestId('c'), position, k });
    useTry.getState().set({ captions: r });
  } catch (e) {
    useTry.getState().set({ searchError: messageOf(e) });
  }
}

export async function runSuite(datasetId: string): Promise<SuiteReport['result'] | null> {
  const requestId = newRequestId('e');
  useTry.getState().set({ suiteJob: { requestId, progress: null }, suiteError: null });
  try {
    const r = await inferenceRequest<SuiteReport>({ type: 'evaluate', requestId, datasetId });
    const s = useTry.getState();
    s.set({ suiteJob: null, suites: [...s.suites, r.result] });
    if (r.result.modelId) listModels(); // the stored copy travels with the model's record
    return r.result;
  } catch (e) {
    useTry.getState().set({ suiteJob: null, suiteError: (e as { cancelled?: boolean }).cancelled ? 'Cancelled.' : messageOf(e) });
    return null;
  }
}
