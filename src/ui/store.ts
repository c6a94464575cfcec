// UI state (zustand). Reports from the worker land here through `applyReport`; the
// editable TrainConfig lives here too. The UI never holds tensors: only plain numbers,
// strings and small typed arrays copied out of reports.
import { create } from 'zustand';
import { defaultTrainConfig } from '../config/defaults';
import { MODEL_PRESETS, type ModelConfig, type PresetName } from '../model/config';
import type { BackendChoice, ObjectiveConfig, ObjectiveKind, ShapesDatasetSpec, StoredDatasetSpec, TrainConfig } from '../config/types';
import type { CheckpointBenchReport, FusedLossReport, LossBenchReport, ReaderBenchReport, StepProfileReport } from '../protocol/bench';
import type { BackendInfo, DatasetReport, ProgressReport, Report, RunState, StatusReport } from '../protocol/trainer';
import { MetricRing, type MetricPoint } from './metricRing';
import { useDataStore } from './dataStore';
import { useModelsStore } from './modelsStore';
import { defaultObjective } from '../config/defaults';
import { objectiveOf, withObjective } from '../config/objectiveOf';
import {
  RUNS_CAP,
  appendRunEval,
  appendRunMetrics,
  createRun,
  evalPointOf,
  flushRun,
  loadRuns,
  saveRuns,
  type CompareMetric,
  type RunRecord,
} from './runHistory';

export const BACKEND_STORAGE_KEY = 'clip-lab:backend';
const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'wasm', 'webgl', 'cpu'];
export const EVAL_HISTORY_CAP = 5_000;
export const ERRORS_CAP = 50;

export type ProgressPhase = ProgressReport['phase'];

/** The main area's tabs. */
export type View = 'train' | 'data' | 'models';
export const VIEWS: readonly View[] = ['train', 'data', 'models'];

export interface EvalPoint {
  step: number;
  zeroShotSeen: number;
  zeroShotHeldOut: number;
  zeroShotAll: number;
  gap: number;
  meanPositive: number;
  numClasses: number;
  evalMs: number;
  recallI2T1: number;
  recallT2I1: number;
  recallI2T5: number;
  recallT2I5: number;
}

export interface SimilaritySnapshot {
  step: number;
  n: number;
  /** Row-major n×n cosines. */
  values: Float32Array;
  captions: string[];
}

export interface UiError {
  id: number;
  message: string;
  context: string;
  at: number;
}

export interface StoreState {
  // ---- editable run settings
  config: TrainConfig;
  preset: PresetName;
  backendChoice: BackendChoice;
  /** The config sent with the last `configure` (null before the first run). */
  runConfig: TrainConfig | null;
  /** The Shapes world settings, kept while a stored dataset is chosen (restored on switching back). */
  lastShapes: ShapesDatasetSpec;
  view: View;

  // ---- worker reports
  backend: BackendInfo | null;
  status: StatusReport;
  /** Whether any StatusReport arrived yet. */
  statusReceived: boolean;
  progress: Partial<Record<ProgressPhase, ProgressReport>>;
  /** The last progress report of a non-training phase (backend, dataset, model, eval). */
  lastPhaseProgress: ProgressReport | null;
  /** ProtoCLIP: the run's recent episode progress reports (sub-phases, timings), newest last, capped at 400. */
  episodeLog: ProgressReport[];
  dataset: DatasetReport | null;
  errors: UiError[];
  /** Bounded ring buffer of per-step metrics; mutated in place, see metricsVersion. */
  metrics: MetricRing;
  /** Bumped on every append / clear of `metrics` (subscribe to it to redraw). */
  metricsVersion: number;
  /** Objective components present in `metrics` (loss terms and extras such as SigLIP's bias), in order of appearance. */
  componentNames: string[];
  /** The most recent metrics point (for tests and quick readouts). */
  latest: MetricPoint | null;
  /** Mean stepMs of the last ~50 steps, for the ETA. */
  recentStepMs: number;
  evals: EvalPoint[];
  /** Last data-pipeline benchmark (the benchmarkReader command). */
  readerBench: ReaderBenchReport | null;
  /** Last loss benchmark report (benchmarkLoss; one per finished point, rows cumulative). */
  lossBench: LossBenchReport | null;
  /** Last training-step memory profile (profileStep). */
  stepProfile: StepProfileReport | null;
  /** Last answer to setFusedLoss. */
  fusedLoss: FusedLossReport | null;
  /** Last checkpoint benchmark row (benchmarkCheckpoint). */
  checkpointBench: CheckpointBenchReport | null;
  numClasses: number;
  similarity: SimilaritySnapshot | null;

  // ---- kept runs (Compare runs card)
  /** The last RUNS_CAP runs, oldest first; the one training is mutated in place (see runsVersion). */
  runs: RunRecord[];
  /** Bumped whenever a run record gains points or the list changes (charts subscribe to it). */
  runsVersion: number;
  /** Id of the run the worker is training now (null before the first Start in this page). */
  currentRunId: number | null;
  /** Next run id (#1, #2, …; persisted with the runs). */
  nextRunId: number;
  /** Ids of the runs drawn in the comparison chart. */
  compareSelected: number[];
  compareMetric: CompareMetric;
  /** Last settings of each objective, restored when switching back to it. */
  objectiveMemory: Partial<Record<ObjectiveKind, ObjectiveConfig>>;

  // ---- actions
  applyReport: (r: Report) => void;
  setConfig: (update: (c: TrainConfig) => TrainConfig) => void;
  updateModel: (update: (m: ModelConfig) => ModelConfig) => void;
  setPreset: (p: PresetName) => void;
  /** Trains on the Shapes world again (with its last settings). */
  chooseShapes: () => void;
  /** Trains on a stored dataset (imported or built in). */
  chooseDataset: (spec: StoredDatasetSpec) => void;
  setView: (v: View) => void;
  /** Switches the objective, restoring that objective's last settings (or its defaults). */
  setObjectiveKind: (kind: ObjectiveKind) => void;
  setObjective: (o: ObjectiveConfig) => void;
  toggleCompareRun: (id: number) => void;
  setCompareMetric: (m: CompareMetric) => void;
  /** Forgets every kept run (and its stored copy). */
  clearRuns: () => void;
  resetConfig: () => void;
  setBackendChoice: (b: BackendChoice) => void;
  /** Clears metrics, evals and similarity; remembers the config of the new run and records it in `runs`. */
  beginRun: (config: TrainConfig) => void;
  addError: (message: string, context: string) => void;
  dismissError: (id: number) => void;
  clearErrors: () => void;
  /** Marks the run as failed locally (e.g. the worker could not load). */
  setLocalState: (state: RunState) => void;
}

export function loadBackendChoice(): BackendChoice {
  try {
    const v = globalThis.localStorage?.getItem(BACKEND_STORAGE_KEY);
    if (v && (BACKEND_CHOICES as readonly string[]).includes(v)) return v as BackendChoice;
  } catch {
    /* storage unavailable */
  }
  return 'auto';
}

function saveBackendChoice(b: BackendChoice): void {
  try {
    globalThis.localStorage?.setItem(BACKEND_STORAGE_KEY, b);
  } catch {
    /* storage unavailable */
  }
}

export const INITIAL_STATUS: StatusReport = {
  type: 'status',
  state: 'idle',
  step: 0,
  totalSteps: 0,
  numTensors: 0,
  numBytes: 0,
  stepMs: 0,
  dataWaitShare: 0,
  datasetId: null,
  paramCount: 0,
  vocabSize: 0,
};

/** Keeps the Shapes fields that mirror the model (image size, vocab target) in sync. */
function syncShapes(d: ShapesDatasetSpec, model: ModelConfig): ShapesDatasetSpec {
  if (d.imageSize === model.image.imageSize && d.vocabSize === model.text.vocabSize) return d;
  return { ...d, imageSize: model.image.imageSize, vocabSize: model.text.vocabSize };
}

/** Stored datasets carry their own image size and tokenizer: only Shapes settings follow the model. */
function syncDataset(c: TrainConfig): TrainConfig {
  if (c.dataset.kind !== 'shapes') return c;
  const dataset = syncShapes(c.dataset, c.model);
  return dataset === c.dataset ? c : { ...c, dataset };
}

/** The new config plus the remembered Shapes settings (updated while Shapes is chosen). */
function withConfig(s: { lastShapes: ShapesDatasetSpec }, next: TrainConfig): { config: TrainConfig; lastShapes: ShapesDatasetSpec } {
  const config = syncDataset(next);
  return { config, lastShapes: config.dataset.kind === 'shapes' ? config.dataset : s.lastShapes };
}

function initialView(): View {
  try {
    const hash = (globalThis.location?.hash ?? '').slice(1);
    return (VIEWS as readonly string[]).includes(hash) ? (hash as View) : 'train';
  } catch {
    return 'train';
  }
}

const INITIAL_CONFIG = defaultTrainConfig('tiny');
const INITIAL_RUNS = loadRuns();

let errorId = 0;

// Saving the kept runs: at most every 2 s while training, at once when a run ends.
const SAVE_DELAY_MS = 2000;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
function persistRuns(now = false): void {
  if (saveTimer !== undefined) {
    if (!now) return;
    clearTimeout(saveTimer);
    saveTimer = undefined;
  }
  const write = () => {
    saveTimer = undefined;
    const s = useStore.getState();
    saveRuns(s.runs, s.nextRunId);
  };
  if (now) write();
  else saveTimer = setTimeout(write, SAVE_DELAY_MS);
}

const ENDED: ReadonlySet<RunState> = new Set<RunState>(['done', 'stopped', 'error']);
const ACTIVE: ReadonlySet<RunState> = new Set<RunState>(['preparing', 'running', 'paused']);
/** Whether the worker has reported the current run as active yet (a late status of the
 *  previous run, arriving just after Start, must not end the new one). */
let currentRunActive = false;

export const useStore = create<StoreState>()((set, get) => ({
  config: INITIAL_CONFIG,
  preset: 'tiny',
  backendChoice: loadBackendChoice(),
  runConfig: null,
  lastShapes: INITIAL_CONFIG.dataset as ShapesDatasetSpec,
  view: initialView(),

  backend: null,
  status: INITIAL_STATUS,
  statusReceived: false,
  progress: {},
  lastPhaseProgress: null,
  episodeLog: [],
  dataset: null,
  errors: [],
  metrics: new MetricRing(),
  metricsVersion: 0,
  componentNames: [],
  latest: null,
  recentStepMs: NaN,
  evals: [],
  readerBench: null,
  lossBench: null,
  stepProfile: null,
  fusedLoss: null,
  checkpointBench: null,
  numClasses: 0,
  similarity: null,

  runs: INITIAL_RUNS.runs,
  runsVersion: 0,
  currentRunId: null,
  nextRunId: INITIAL_RUNS.nextId,
  compareSelected: INITIAL_RUNS.runs.map((r) => r.id),
  compareMetric: 'loss',
  objectiveMemory: {},

  applyReport: (r) => {
    switch (r.type) {
      case 'status': {
        set({ status: r, statusReceived: true });
        // The run being trained ends: record how, emit its last partial bucket, save.
        const run = currentRun(get());
        if (ACTIVE.has(r.state)) currentRunActive = true;
        else if (run && run.outcome === 'running' && currentRunActive && ENDED.has(r.state)) {
          flushRun(run);
          run.outcome = r.state as RunRecord['outcome'];
          set((s) => ({ runs: [...s.runs], runsVersion: s.runsVersion + 1 }));
          persistRuns(true);
        }
        return;
      }
      case 'progress': {
        const progress = { ...get().progress, [r.phase]: r };
        if (r.phase === 'training') set({ progress });
        else if (r.phase === 'episode') set({ progress, lastPhaseProgress: r, episodeLog: [...get().episodeLog.slice(-399), r] });
        else set({ progress, lastPhaseProgress: r });
        return;
      }
      case 'metrics': {
        if (r.count <= 0) return;
        const { metrics, metricsVersion } = get();
        // A step counter going backwards means a new run the UI did not start (e.g. after
        // a reconfigure from the test hook): start the curves afresh.
        const prev = metrics.last();
        if (prev && r.step[0]! < prev.step) metrics.clear();
        metrics.append(r);
        const names = metrics.componentNames();
        const known = get().componentNames;
        const componentNames = names.length === known.length && names.every((n, i) => n === known[i]) ? known : names;
        const run = currentRun(get());
        const recorded = run !== undefined && run.outcome === 'running' && !(r.step[0]! < run.lastStep);
        if (recorded) {
          appendRunMetrics(run, r);
          persistRuns();
        }
        set((s) => ({
          metricsVersion: metricsVersion + 1,
          componentNames,
          latest: metrics.last(),
          recentStepMs: metrics.recentMean('stepMs', 50),
          runsVersion: recorded ? s.runsVersion + 1 : s.runsVersion,
        }));
        return;
      }
      case 'eval': {
        const point: EvalPoint = {
          step: r.step,
          zeroShotSeen: r.zeroShotSeen,
          zeroShotHeldOut: r.zeroShotHeldOut,
          zeroShotAll: r.zeroShotAll,
          gap: r.gap,
          meanPositive: r.meanPositive,
          numClasses: r.numClasses,
          evalMs: r.evalMs,
          recallI2T1: r.recallI2T1,
          recallT2I1: r.recallT2I1,
          recallI2T5: r.recallI2T5,
          recallT2I5: r.recallT2I5,
        };
        // Replace a point of the same step (re-evaluation), keep steps ascending.
        const evals = get().evals.filter((e) => e.step < r.step);
        evals.push(point);
        if (evals.length > EVAL_HISTORY_CAP) evals.splice(0, evals.length - EVAL_HISTORY_CAP);
        const run = currentRun(get());
        if (run) {
          appendRunEval(run, evalPointOf(r));
          persistRuns();
        }
        set({
          runsVersion: get().runsVersion + (run ? 1 : 0),
          evals,
          numClasses: r.numClasses,
          similarity:
            r.similarityN > 0
              ? { step: r.step, n: r.similarityN, values: r.similarity, captions: r.similarityCaptions }
              : get().similarity,
        });
        return;
      }
      case 'backend':
        set({ backend: r.info });
        return;
      case 'dataset':
        set({ dataset: r, numClasses: get().numClasses || r.classes.length });
        return;
      case 'error':
        get().addError(r.message, r.context);
        return;
      case 'readerBench':
        set({ readerBench: r });
        return;
      case 'lossBench':
        set({ lossBench: r });
        return;
      case 'stepProfile':
        set({ stepProfile: r });
        return;
      case 'fusedLoss':
        set({ fusedLoss: r });
        return;
      case 'checkpointBench':
        set({ checkpointBench: r });
        return;
      case 'models':
        useModelsStore.getState().applyModels(r);
        return;
      case 'checkpoint':
        useModelsStore.getState().applyCheckpoint(r);
        if (!r.ok && r.error) get().addError(r.error, 'checkpoint');
        return;
      case 'modelImport':
        useModelsStore.getState().applyImport(r);
        return;
      case 'modelFile':
        useModelsStore.getState().exportDone(r.id);
        return;
      case 'run':
        useModelsStore.getState().setRun(r);
        if (r.resumedFrom !== null) {
          // A run loaded from a checkpoint: its settings become the sidebar's, and its history
          // (sent next as one metrics report) fills a fresh run record.
          set((s) => ({ ...withConfig(s, r.config), preset: r.config.preset }));
          get().beginRun(r.config);
        }
        return;
    }
  },

  setConfig: (update) => set((s) => withConfig(s, update(s.config))),

  updateModel: (update) => set((s) => withConfig(s, { ...s.config, model: update(s.config.model) })),

  setPreset: (p) =>
    set((s) => ({
      preset: p,
      ...withConfig(s, { ...s.config, preset: p, model: structuredClone(MODEL_PRESETS[p]) }),
    })),

  chooseShapes: () =>
    set((s) => (s.config.dataset.kind === 'shapes' ? {} : withConfig(s, { ...s.config, dataset: syncShapes(s.lastShapes, s.config.model) }))),

  chooseDataset: (spec) => set((s) => withConfig(s, { ...s.config, dataset: { kind: 'stored', id: spec.id } })),

  setView: (v) => {
    if (get().view === v) return;
    try {
      globalThis.scrollTo?.(0, 0);
      const url = new URL(globalThis.location.href);
      url.hash = v === 'train' ? '' : v;
      globalThis.history?.replaceState(globalThis.history.state, '', url.hash ? url.href : url.pathname + url.search);
    } catch {
      /* no history (tests) */
    }
    set({ view: v });
  },

  setObjectiveKind: (kind) =>
    set((s) => {
      const current = objectiveOf(s.config);
      if (current.kind === kind) return {};
      const objectiveMemory = { ...s.objectiveMemory, [current.kind]: current };
      const objective = objectiveMemory[kind] ?? defaultObjective(kind);
      return { objectiveMemory, ...withConfig(s, { ...s.config, objective }) };
    }),

  setObjective: (objective) => set((s) => withConfig(s, { ...s.config, objective })),

  toggleCompareRun: (id) =>
    set((s) => ({
      compareSelected: s.compareSelected.includes(id) ? s.compareSelected.filter((x) => x !== id) : [...s.compareSelected, id],
    })),

  setCompareMetric: (m) => set({ compareMetric: m }),

  clearRuns: () => {
    set((s) => ({ runs: [], compareSelected: [], currentRunId: null, nextRunId: 1, runsVersion: s.runsVersion + 1 }));
    persistRuns(true);
  },

  resetConfig: () =>
    set((s) => {
      const config = defaultTrainConfig(s.preset);
      return { config, lastShapes: config.dataset as ShapesDatasetSpec };
    }),

  setBackendChoice: (b) => {
    saveBackendChoice(b);
    set({ backendChoice: b });
  },

  beginRun: (config) => {
    const { metrics, metricsVersion } = get();
    metrics.clear();
    const previous = currentRun(get());
    if (previous && previous.outcome === 'running') {
      flushRun(previous);
      previous.outcome = 'stopped';
    }
    currentRunActive = false;
    set((s) => {
      const stored = config.dataset.kind === 'stored' ? config.dataset.id : null;
      const run = createRun(s.nextRunId, config, Date.now(), stored ? useDataStore.getState().datasets.find((d) => d.id === stored)?.name : undefined);
      const runs = [...s.runs, run].slice(-RUNS_CAP);
      const kept = new Set(runs.map((x) => x.id));
      return {
        runs,
        currentRunId: run.id,
        nextRunId: s.nextRunId + 1,
        compareSelected: [...s.compareSelected.filter((id) => kept.has(id)), run.id],
        runsVersion: s.runsVersion + 1,
      };
    });
    persistRuns(true);
    set({
      runConfig: withObjective(structuredClone(config)),
      metricsVersion: metricsVersion + 1,
      componentNames: [],
      latest: null,
      recentStepMs: NaN,
      evals: [],
      similarity: null,
      numClasses: 0,
      progress: {},
      episodeLog: [],
    });
  },

  addError: (message, context) =>
    set((s) => {
      const errors = [...s.errors, { id: ++errorId, message, context, at: Date.now() }];
      if (errors.length > ERRORS_CAP) errors.splice(0, errors.length - ERRORS_CAP);
      return { errors };
    }),

  dismissError: (id) => set((s) => ({ errors: s.errors.filter((e) => e.id !== id) })),

  clearErrors: () => set({ errors: [] }),

  setLocalState: (state) => set((s) => ({ status: { ...s.status, state } })),
}));

function currentRun(s: StoreState): RunRecord | undefined {
  return s.currentRunId === null ? undefined : s.runs.find((r) => r.id === s.currentRunId);
}

/** States in which the run settings cannot be edited. */
export function isBusy(state: RunState): boolean {
  return state === 'running' || state === 'paused' || state === 'preparing';
}
