// The Models library and checkpoint state of the UI (a small zustand store of its own): the
// saved models as the trainer worker lists them, the run it offers to resume, the last
// checkpoint written, and the progress of exports and imports (model files, CLIP checkpoint folders).
import { create } from 'zustand';
import type { CheckpointReport, ModelImportReport, ModelSummary, ModelsReport, RunReport } from '../../protocol/trainer';
import type { StorageInfo } from '../../protocol/data';

export interface ModelsState {
  models: ModelSummary[];
  /** Whether a list has arrived yet. */
  loaded: boolean;
  /** The newest unfinished run the worker offers to resume (not the one it holds). */
  resumable: ModelSummary | null;
  /** Resume offers the user dismissed ("Not now"), by model id and step. */
  dismissed: string[];
  storage: StorageInfo | null;
  /** The run the trainer holds now. */
  run: RunReport | null;
  lastCheckpoint: CheckpointReport | null;
  /** Model ids being exported. */
  exporting: string[];
  /** File names being imported. */
  importing: string[];
  lastImport: ModelImportReport | null;
  /** A CLIP checkpoint folder being read and stored (by the inference worker). */
  clipImport: ClipImportJob | null;
  lastClipImport: ClipImportResult | null;

  applyModels: (r: ModelsReport) => void;
  applyCheckpoint: (r: CheckpointReport) => void;
  applyImport: (r: ModelImportReport) => void;
  setRun: (r: RunReport) => void;
  exportStarted: (id: string) => void;
  exportDone: (id: string) => void;
  importStarted: (fileName: string) => void;
  setClipImport: (job: ClipImportJob | null, result?: ClipImportResult) => void;
  dismissResume: (m: ModelSummary) => void;
}

export interface ClipImportJob {
  requestId: string;
  name: string;
  done: number;
  total: number;
  message: string;
}

export interface ClipImportResult {
  name: string;
  ok: boolean;
  model?: ModelSummary;
  error?: string;
  cancelled?: boolean;
  readMs?: number;
  writeMs?: number;
}

/** The key under which a resume offer is dismissed (a later checkpoint of the same run offers again). */
export const resumeKey = (m: Pick<ModelSummary, 'id' | 'step'>) => `${m.id}@${m.step}`;

export const useModelsStore = create<ModelsState>()((set) => ({
  models: [],
  loaded: false,
  resumable: null,
  dismissed: [],
  storage: null,
  run: null,
  lastCheckpoint: null,
  exporting: [],
  importing: [],
  lastImport: null,
  clipImport: null,
  lastClipImport: null,

  applyModels: (r) => set({ models: r.list, resumable: r.resumable, storage: r.storage, loaded: true }),
  applyCheckpoint: (r) => set({ lastCheckpoint: r }),
  applyImport: (r) => set((s) => ({ lastImport: r, importing: s.importing.filter((f) => f !== r.fileName) })),
  setRun: (r) => set({ run: r }),
  exportStarted: (id) => set((s) => ({ exporting: [...s.exporting, id] })),
  exportDone: (id) => set((s) => ({ exporting: s.exporting.filter((x) => x !== id) })),
  setClipImport: (job, result) => set((s) => ({ clipImport: job, lastClipImport: result ?? (job ? null : s.lastClipImport) })),
  importStarted: (fileName) => set((s) => ({ importing: [...s.importing, fileName], lastImport: null })),
  dismissResume: (m) => set((s) => ({ dismissed: [...s.dismissed, resumeKey(m)] })),
}));
