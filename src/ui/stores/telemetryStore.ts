// What the trainer reports about the run on screen: its state, progress, per-step metrics (a ring
// buffer mutated in place; charts subscribe to `metricsVersion`), evaluations and the similarity
// snapshot. Filled by src/ui/reportRouter.ts; cleared by `beginRun`. Only plain numbers, strings
// and small typed arrays copied out of reports: the UI never holds tensors.
import { create } from 'zustand';
import { withObjective } from '../../config/objectiveOf';
import type { TrainConfig } from '../../config/types';
import type { BackendInfo, DatasetReport, EvalReport, MetricsReport, ProgressReport, RunState, StatusReport } from '../../protocol/trainer';
import { MetricRing, type MetricPoint } from '../metricRing';

export const EVAL_HISTORY_CAP = 5_000;

export type ProgressPhase = ProgressReport['phase'];

export type EvalPoint = Omit<EvalReport, 'type' | 'similarity' | 'similarityN' | 'similarityCaptions'>;

export interface SimilaritySnapshot {
  step: number;
  n: number;
  /** Row-major n×n cosines. */
  values: Float32Array;
  captions: string[];
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

export interface TelemetryState {
  /** The config of the run on screen (null before the first run). */
  runConfig: TrainConfig | null;
  backend: BackendInfo | null;
  status: StatusReport;
  /** Whether any StatusReport arrived yet. */
  statusReceived: boolean;
  progress: Partial<Record<ProgressPhase, ProgressReport>>;
  /** The last progress report of a non-training phase (backend, dataset, model, eval, episode). */
  lastPhaseProgress: ProgressReport | null;
  /** ProtoCLIP: the run's recent episode progress reports, newest last, capped at 400. */
  episodeLog: ProgressReport[];
  dataset: DatasetReport | null;
  /** Bounded ring buffer of per-step metrics; mutated in place, see metricsVersion. */
  metrics: MetricRing;
  /** Bumped on every append / clear of `metrics` (subscribe to it to redraw). */
  metricsVersion: number;
  /** Objective components present in `metrics`, in order of appearance. */
  componentNames: string[];
  /** The most recent metrics point. */
  latest: MetricPoint | null;
  /** Mean stepMs of the last ~50 steps, for the ETA. */
  recentStepMs: number;
  evals: EvalPoint[];
  numClasses: number;
  similarity: SimilaritySnapshot | null;

  applyStatus: (r: StatusReport) => void;
  applyProgress: (r: ProgressReport) => void;
  applyMetrics: (r: MetricsReport) => void;
  applyEval: (r: EvalReport) => void;
  setBackend: (info: BackendInfo | null) => void;
  setDataset: (r: DatasetReport) => void;
  /** Clears metrics, evals and similarity for a new run with this config. */
  beginRun: (config: TrainConfig) => void;
  /** Marks the run as failed locally (e.g. the worker could not load). */
  setLocalState: (state: RunState) => void;
}

export const useTelemetry = create<TelemetryState>()((set, get) => ({
  runConfig: null,
  backend: null,
  status: INITIAL_STATUS,
  statusReceived: false,
  progress: {},
  lastPhaseProgress: null,
  episodeLog: [],
  dataset: null,
  metrics: new MetricRing(),
  metricsVersion: 0,
  componentNames: [],
  latest: null,
  recentStepMs: NaN,
  evals: [],
  numClasses: 0,
  similarity: null,

  applyStatus: (r) => set({ status: r, statusReceived: true }),

  applyProgress: (r) => {
    const progress = { ...get().progress, [r.phase]: r };
    if (r.phase === 'training') set({ progress });
    else if (r.phase === 'episode') set({ progress, lastPhaseProgress: r, episodeLog: [...get().episodeLog.slice(-399), r] });
    else set({ progress, lastPhaseProgress: r });
  },

  applyMetrics: (r) => {
    if (r.count <= 0) return;
    const { metrics, metricsVersion } = get();
    // A step counter going backwards means a new run the UI did not start (e.g. a reconfigure
    // from a script): start the curves afresh.
    const prev = metrics.last();
    if (prev && r.step[0]! < prev.step) metrics.clear();
    metrics.append(r);
    const names = metrics.componentNames();
    const known = get().componentNames;
    const componentNames = names.length === known.length && names.every((n, i) => n === known[i]) ? known : names;
    set({ metricsVersion: metricsVersion + 1, componentNames, latest: metrics.last(), recentStepMs: metrics.recentMean('stepMs', 50) });
  },

  applyEval: (r) => {
    const { type: _t, similarity, similarityN, similarityCaptions, ...point } = r;
    // Replace a point of the same step (re-evaluation), keep steps ascending.
    const evals = get().evals.filter((e) => e.step < r.step);
    evals.push(point);
    if (evals.length > EVAL_HISTORY_CAP) evals.splice(0, evals.length - EVAL_HISTORY_CAP);
    set({
      evals,
      numClasses: r.numClasses,
      similarity: similarityN > 0 ? { step: r.step, n: similarityN, values: similarity, captions: similarityCaptions } : get().similarity,
    });
  },

  setBackend: (info) => set({ backend: info }),

  setDataset: (r) => set({ dataset: r, numClasses: get().numClasses || r.classes.length }),

  beginRun: (config) => {
    const { metrics, metricsVersion } = get();
    metrics.clear();
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

  setLocalState: (state) => set((s) => ({ status: { ...s.status, state } })),
}));

/** States in which the run settings cannot be edited. */
export function isBusy(state: RunState): boolean {
  return state === 'running' || state === 'paused' || state === 'preparing';
}
