// State of the data worker as the UI sees it (zustand): stored datasets and storage
// quota, the current import job, the sample browser and the built-in dataset. Reports
// land here through `applyDataReport`; commands are noted through `noteCommand` (so
// jobs started from the test hook show up in the UI too). Plain data only. (Over 300 lines:
// one reducer over the data worker's reports and commands reads best in one place.)
import { create } from 'zustand';
import type { DataCommand, DataReport, DatasetSummary, ImportFormat, ImportSummary, SampleItem, StorageInfo } from '../../protocol/data';

export type DataWorkerStatus = 'starting' | 'ready' | 'error';

export interface ImportProgress {
  pairs: number;
  skipped: number;
  bytesRead: number;
  bytesTotal: number;
  message: string;
}

export interface ImportJob {
  jobId: string;
  name: string;
  /** Null for a job the UI learnt about only from its reports. */
  format: ImportFormat | null;
  fileCount: number;
  bytes: number;
  startedAt: number;
  progress: ImportProgress | null;
  /** Set by importDone: the job is over. */
  summary: ImportSummary | null;
  cancelRequested: boolean;
}

export interface BrowseState {
  /** The browse request on screen: only its answer is shown (an older, slower one is stale). */
  requestId: string | null;
  /** Dataset being browsed (null: none chosen). */
  id: string | null;
  offset: number;
  limit: number;
  query: string;
  items: SampleItem[];
  total: number;
  /** A browse request is on its way. */
  loading: boolean;
  /** At least one answer for this dataset arrived. */
  loaded: boolean;
}

export type BuiltinName = 'fashion-mnist';

export interface BuiltinState {
  status: 'idle' | 'preparing' | 'ready' | 'error';
  /** Stored dataset id of the prepared built-in set (last builtinReady). */
  id: string | null;
  /** True while the user's choice in the Run sidebar waits for builtinReady. */
  wanted: boolean;
  imageSize: number;
  vocabSize: number;
  /** Progress of an import job the worker runs to prepare it (jobs the UI did not start). */
  progress: ImportProgress | null;
  error: string | null;
}

export interface DataState {
  workerStatus: DataWorkerStatus;
  /** Why the worker is unavailable (workerStatus 'error'). */
  workerError: string | null;
  datasets: DatasetSummary[];
  /** Whether a `datasets` report arrived yet. */
  datasetsLoaded: boolean;
  storage: StorageInfo | null;
  /** The current (or last) import job. */
  importJob: ImportJob | null;
  browse: BrowseState;
  builtin: BuiltinState;
  /** Every stored dataset id ever reported ready for a built-in name (also from earlier sessions). */
  builtinIds: string[];
  /** Dataset ids with an export / delete in flight. */
  exporting: string[];
  deleting: string[];
  lastExport: { id: string; fileName: string; bytes: number; at: number } | null;

  applyDataReport: (r: DataReport) => void;
  noteCommand: (cmd: DataCommand) => void;
  setWorkerStatus: (status: DataWorkerStatus, error?: string | null) => void;
  /** Drops the finished import's summary (hides the summary card). */
  clearImport: () => void;
  /** Forgets the built-in choice (the user picked another dataset). */
  dropBuiltinWish: () => void;
  closeBrowser: () => void;
}

export const BROWSE_PAGE = 24;
const BUILTIN_IDS_KEY = 'clip-lab:builtin-ids';

function loadBuiltinIds(): string[] {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(BUILTIN_IDS_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function saveBuiltinIds(ids: string[]): void {
  try {
    globalThis.localStorage?.setItem(BUILTIN_IDS_KEY, JSON.stringify(ids));
  } catch {
    /* storage unavailable */
  }
}

const EMPTY_BROWSE: BrowseState = { requestId: null, id: null, offset: 0, limit: BROWSE_PAGE, query: '', items: [], total: 0, loading: false, loaded: false };

export const useDataStore = create<DataState>()((set, get) => ({
  workerStatus: 'starting',
  workerError: null,
  datasets: [],
  datasetsLoaded: false,
  storage: null,
  importJob: null,
  browse: EMPTY_BROWSE,
  builtin: { status: 'idle', id: null, wanted: false, imageSize: 0, vocabSize: 0, progress: null, error: null },
  builtinIds: loadBuiltinIds(),
  exporting: [],
  deleting: [],
  lastExport: null,

  applyDataReport: (r) => {
    const s = get();
    if (s.workerStatus !== 'ready') set({ workerStatus: 'ready', workerError: null });
    switch (r.type) {
      case 'datasets': {
        const ids = new Set(r.list.map((d) => d.id));
        const browse = s.browse.id && !ids.has(s.browse.id) ? EMPTY_BROWSE : s.browse;
        set({
          datasets: r.list,
          storage: r.storage,
          datasetsLoaded: true,
          deleting: s.deleting.filter((id) => ids.has(id)),
          browse,
        });
        return;
      }
      case 'importProgress': {
        const progress: ImportProgress = { pairs: r.pairs, skipped: r.skipped, bytesRead: r.bytesRead, bytesTotal: r.bytesTotal, message: r.message };
        const job = s.importJob;
        if (job && job.jobId === r.jobId) {
          if (!job.summary) set({ importJob: { ...job, progress } });
          return;
        }
        // A job the UI did not start: the worker preparing the built-in set, most likely.
        if (s.builtin.status === 'preparing') {
          set({ builtin: { ...s.builtin, progress } });
          return;
        }
        if (isImportRunning(job)) return; // never clobber the job on screen
        set({ importJob: { jobId: r.jobId, name: '', format: null, fileCount: 0, bytes: r.bytesTotal, startedAt: Date.now(), progress, summary: null, cancelRequested: false } });
        return;
      }
      case 'importDone': {
        const sum = r.summary;
        const job = s.importJob;
        if (job && job.jobId === sum.jobId) {
          set({ importJob: { ...job, name: job.name || sum.name, summary: sum } });
        } else if (s.builtin.status === 'preparing' || isImportRunning(job)) {
          // The built-in preparation's own job (builtinReady / dataError follow), or a
          // job the UI did not start while its own is still on screen.
        } else {
          set({ importJob: { jobId: sum.jobId, name: sum.name, format: null, fileCount: 0, bytes: 0, startedAt: Date.now() - sum.seconds * 1000, progress: null, summary: sum, cancelRequested: false } });
        }
        return;
      }
      case 'samples': {
        const b = s.browse;
        // Only the answer to the request on screen counts (older ones are stale).
        if (r.requestId !== b.requestId) return;
        set({ browse: { ...b, items: r.items, total: r.total, loading: false, loaded: true } });
        return;
      }
      case 'exported':
        set({
          exporting: s.exporting.filter((id) => id !== r.id),
          lastExport: { id: r.id, fileName: r.fileName, bytes: r.blob.size, at: Date.now() },
        });
        return;
      case 'builtinReady': {
        const builtinIds = s.builtinIds.includes(r.id) ? s.builtinIds : [...s.builtinIds, r.id];
        if (builtinIds !== s.builtinIds) saveBuiltinIds(builtinIds);
        set({ builtin: { ...s.builtin, status: 'ready', id: r.id, progress: null, error: null }, builtinIds });
        return;
      }
      case 'dataError': {
        const ctx = r.context.toLowerCase();
        const patch: Partial<DataState> = {};
        if (s.builtin.status === 'preparing' && /builtin|fashion|ensure/.test(ctx)) {
          patch.builtin = { ...s.builtin, status: 'error', wanted: false, progress: null, error: r.message };
        }
        if ((r.requestId ? r.requestId === s.browse.requestId : /browse/.test(ctx)) && s.browse.loading) patch.browse = { ...s.browse, loading: false };
        if (/export/.test(ctx)) patch.exporting = [];
        if (/delete/.test(ctx)) patch.deleting = [];
        if (Object.keys(patch).length) set(patch);
        return;
      }
    }
  },

  noteCommand: (cmd) => {
    const s = get();
    switch (cmd.type) {
      case 'import': {
        const q = cmd.request;
        set({
          importJob: {
            jobId: q.jobId,
            name: q.name,
            format: q.format,
            fileCount: q.files.length,
            bytes: q.files.reduce((a, f) => a + f.size, 0),
            startedAt: Date.now(),
            progress: null,
            summary: null,
            cancelRequested: false,
          },
        });
        return;
      }
      case 'cancelImport':
        if (s.importJob && s.importJob.jobId === cmd.jobId && !s.importJob.summary) set({ importJob: { ...s.importJob, cancelRequested: true } });
        return;
      case 'browse': {
        const same = s.browse.id === cmd.id;
        set({
          browse: {
            requestId: cmd.requestId,
            id: cmd.id,
            offset: cmd.offset,
            limit: cmd.limit,
            query: cmd.query,
            items: same ? s.browse.items : [],
            total: same ? s.browse.total : 0,
            loading: true,
            loaded: same ? s.browse.loaded : false,
          },
        });
        return;
      }
      case 'exportDataset':
        if (!s.exporting.includes(cmd.id)) set({ exporting: [...s.exporting, cmd.id] });
        return;
      case 'deleteDataset':
        if (!s.deleting.includes(cmd.id)) set({ deleting: [...s.deleting, cmd.id] });
        return;
      case 'ensureBuiltin':
        set({ builtin: { ...s.builtin, status: 'preparing', wanted: true, imageSize: cmd.imageSize, vocabSize: cmd.vocabSize, progress: null, error: null } });
        return;
      case 'listDatasets':
        return;
    }
  },

  setWorkerStatus: (status, error = null) => {
    const s = get();
    const patch: Partial<DataState> = { workerStatus: status, workerError: error };
    if (status === 'error') {
      // Nothing in flight will be answered.
      if (s.importJob && !s.importJob.summary) {
        patch.importJob = {
          ...s.importJob,
          summary: {
            jobId: s.importJob.jobId,
            datasetId: null,
            name: s.importJob.name,
            skippedCount: 0,
            imported: s.importJob.progress?.pairs ?? 0,
            skipped: [],
            cancelled: false,
            error: error ?? 'the data worker stopped',
            seconds: (Date.now() - s.importJob.startedAt) / 1000,
          },
        };
      }
      if (s.builtin.status === 'preparing') patch.builtin = { ...s.builtin, status: 'error', wanted: false, progress: null, error: error ?? 'the data worker stopped' };
      patch.exporting = [];
      patch.deleting = [];
      if (s.browse.loading) patch.browse = { ...s.browse, loading: false };
    }
    set(patch);
  },

  clearImport: () => set((s) => (s.importJob?.summary ? { importJob: null } : {})),

  dropBuiltinWish: () => set((s) => ({ builtin: { ...s.builtin, wanted: false } })),

  closeBrowser: () => set({ browse: EMPTY_BROWSE }),
}));

/** Whether a stored dataset is (a copy of) a built-in set rather than a user import. */
export function isBuiltinDataset(d: DatasetSummary, builtinIds: readonly string[]): boolean {
  return builtinIds.includes(d.id) || /fashion.?mnist/i.test(d.source);
}

/** A Shapes world the trainer generated and cached (listed, but not an import). */
export function isGeneratedDataset(d: DatasetSummary): boolean {
  return d.source === 'shapes';
}

/** A dataset the user imported (neither built in nor a generated cache). */
export function isImportedDataset(d: DatasetSummary, builtinIds: readonly string[]): boolean {
  return !isGeneratedDataset(d) && !isBuiltinDataset(d, builtinIds);
}

export function findDataset(list: readonly DatasetSummary[], id: string | null | undefined): DatasetSummary | null {
  return id ? (list.find((d) => d.id === id) ?? null) : null;
}

/** An import job that has not finished yet. */
export function isImportRunning(job: ImportJob | null): boolean {
  return job !== null && job.summary === null;
}
