// A real CLIP brought from disk (src/model/checkpoints/loadClipFolder.ts), kept in the browser: it is
// stored as the app's own model file (modelFile.ts, F32, the CLIP tokenizer and the model's mean/std
// in its metadata) through the atomic checkpoint store, so every place that reads a stored model
// (the Try view, search, the evaluation suite, the Gap lab) reads it the same way, and the next
// load needs no conversion. Before a byte is written, the space it takes is checked against what
// the browser's quota leaves free; a refused or cancelled import stores nothing.
import type { ClipLabDatabase } from '../data/db';
import type { ModelRecord } from '../data/store/checkpointTypes';
import { CheckpointError, vitName } from '../model/checkpoints/clipLayouts';
import type { LoadedCheckpoint } from '../model/checkpoints/loadClipFolder';
import type { ClipOrigin, ModelSummary } from '../protocol/trainer';
import type { StorageInfo } from '../protocol/data';
import type { ClipTokenizerJSON } from '../tokenizer/clipTokenizer';
import { writeCheckpoint, writePlannedFile } from './checkpointStore';
import { MetricHistory } from './metricHistory';
import { planModelFile } from './modelFile';
import { RUN_FORMAT, type RunMeta, type RunSnapshot } from './runSnapshot';

/**
 * Bytes a stored CLIP of `elements` weights takes: 4 per value (F32) plus the header, whose size is
 * mostly the tokenizer (CLIP's 49 408 ids and 48 894 merges are ≈ 1.7 MB, written twice: as the
 * file's tokenizer and inside the run state).
 */
export function storedClipBytes(elements: number, tokenizerJsonBytes: number): number {
  return 4 * elements + 2 * tokenizerJsonBytes + (64 << 10);
}

/** Head-room left free beside a write (other tabs and IndexedDB's own overhead): 5 % and 32 MB. */
export function storageHeadroom(bytes: number): number {
  return Math.ceil(bytes * 0.05) + (32 << 20);
}

const mb = (b: number) => {
  const m = b / 2 ** 20;
  return m < 10 ? `${m.toFixed(1)} MB` : `${Math.round(m).toLocaleString('en')} MB`;
};

/** Refuses (naming the model) when the quota leaves less than `bytes` + head-room free; no estimate → allowed. */
export function checkStorageFor(name: string, bytes: number, storage: Pick<StorageInfo, 'usage' | 'quota'> | null): void {
  if (!storage || !(storage.quota > 0)) return;
  const free = storage.quota - storage.usage;
  if (free < bytes + storageHeadroom(bytes)) {
    throw new CheckpointError(
      `${name}: storing it takes ${mb(bytes)} of browser storage; ${mb(Math.max(0, free))} are free of the ${mb(storage.quota)} quota: delete models or datasets, or give the site more storage, and try again`,
    );
  }
}

export interface StoreClipOptions {
  /** After each tensor written (k of n); may throw to cancel (nothing stays stored). */
  onTensor?: (done: number, total: number) => void;
  /** Which files it came from (shown in the Models library). */
  files: string[];
}

/** The run state an imported CLIP carries: step 0 of no run, on its own (unknown) pretraining data. */
function metaOf(id: string, loaded: LoadedCheckpoint): RunMeta {
  const w = loaded.weights;
  const config = { ...w.config, steps: 0 };
  return {
    format: RUN_FORMAT,
    id,
    name: w.name,
    createdAt: new Date().toISOString(),
    config,
    tokenizer: w.tokenizer as ClipTokenizerJSON,
    dataset: { id: '', name: 'its pretraining data', source: 'clip-checkpoint', imageSize: config.model.image.imageSize, trainPairs: 0, valPairs: 0 },
    step: 0,
    source: null,
    history: new MetricHistory().toJSON(),
  };
}

/** Stores a loaded CLIP as a new library model (kind 'clip'); returns its record. */
export async function storeClipModel(db: ClipLabDatabase, loaded: LoadedCheckpoint, options: StoreClipOptions): Promise<ModelRecord> {
  const id = `clip-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const meta = metaOf(id, loaded);
  const snap: RunSnapshot = {
    meta,
    tensors: loaded.weights.tensors.map((t) => ({ name: t.name, dtype: 'F32', shape: t.shape, read: async () => t.values })),
  };
  const plan = planModelFile(snap);
  const origin: ClipOrigin = {
    layout: loaded.checkpoint.layout,
    architecture: vitName(meta.config.model),
    weightsFile: loaded.weightsFile,
    dtypes: loaded.dtypes,
    fileBytes: loaded.weightBytes,
    files: options.files,
  };
  const summary: Omit<ModelRecord, 'checkpointId' | 'bytes'> & Pick<ModelSummary, 'origin'> = {
    id,
    name: meta.name,
    kind: 'clip',
    origin,
    createdAt: meta.createdAt,
    updatedAt: meta.createdAt,
    config: meta.config,
    datasetId: '',
    datasetName: meta.dataset.name,
    step: 0,
    totalSteps: 0,
    finished: true,
    resumable: false,
    paramCount: loaded.weights.tensors.reduce((a, t) => a + t.values.length, 0),
    lastLoss: null,
    lastEval: null,
  };
  const { model } = await writeCheckpoint(db, { model: summary, step: 0, write: (w) => writePlannedFile(w, plan.header, plan.entries, snap.tensors, options.onTensor) });
  return model;
}
