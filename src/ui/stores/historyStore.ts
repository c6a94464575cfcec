// Kept runs (the Compare runs card): each Start records a RunRecord (src/ui/runHistory.ts), which
// gains the run's metrics and evaluations while it trains and its outcome when it ends. The last
// RUNS_CAP runs persist in localStorage: at most every 2 s while training, at once when a run ends.
import { create } from 'zustand';
import type { TrainConfig } from '../../config/types';
import type { EvalReport, MetricsReport, RunState } from '../../protocol/trainer';
import {
  RUNS_CAP,
  appendRunEval,
  appendRunMetrics,
  createRun,
  evalPointOf,
  flushRun,
  type CompareMetric,
  type RunRecord,
} from '../runHistory';
import { loadRuns, saveRuns } from '../runHistoryStorage';

export interface HistoryState {
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

  /** A new run starts: its record is created (the previous one, if still running, counts as stopped). */
  recordRunStart: (config: TrainConfig, datasetName?: string) => void;
  recordStatus: (state: RunState) => void;
  recordMetrics: (r: MetricsReport) => void;
  recordEval: (r: EvalReport) => void;
  toggleCompareRun: (id: number) => void;
  setCompareMetric: (m: CompareMetric) => void;
  /** Forgets every kept run (and its stored copy). */
  clearRuns: () => void;
}

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
    const s = useHistory.getState();
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

function currentRun(s: HistoryState): RunRecord | undefined {
  return s.currentRunId === null ? undefined : s.runs.find((r) => r.id === s.currentRunId);
}

const INITIAL = loadRuns();

export const useHistory = create<HistoryState>()((set, get) => ({
  runs: INITIAL.runs,
  runsVersion: 0,
  currentRunId: null,
  nextRunId: INITIAL.nextId,
  compareSelected: INITIAL.runs.map((r) => r.id),
  compareMetric: 'loss',

  recordRunStart: (config, datasetName) => {
    const previous = currentRun(get());
    if (previous && previous.outcome === 'running') {
      flushRun(previous);
      previous.outcome = 'stopped';
    }
    currentRunActive = false;
    set((s) => {
      const run = createRun(s.nextRunId, config, Date.now(), datasetName);
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
  },

  recordStatus: (state) => {
    const run = currentRun(get());
    if (ACTIVE.has(state)) currentRunActive = true;
    else if (run && run.outcome === 'running' && currentRunActive && ENDED.has(state)) {
      // The run being trained ends: record how, emit its last partial bucket, save.
      flushRun(run);
      run.outcome = state as RunRecord['outcome'];
      set((s) => ({ runs: [...s.runs], runsVersion: s.runsVersion + 1 }));
      persistRuns(true);
    }
  },

  recordMetrics: (r) => {
    const run = currentRun(get());
    if (r.count <= 0 || !run || r.step[0]! < run.lastStep) return;
    appendRunMetrics(run, r);
    // The worker reports Stop first and flushes the last steps' metrics after it: an ended run still
    // takes them, so its "stopped · step N" matches the step counter.
    const ended = run.outcome !== 'running';
    if (ended) flushRun(run);
    persistRuns(ended);
    set((s) => ({ runs: ended ? [...s.runs] : s.runs, runsVersion: s.runsVersion + 1 }));
  },

  recordEval: (r) => {
    const run = currentRun(get());
    if (!run) return;
    appendRunEval(run, evalPointOf(r));
    persistRuns();
    set((s) => ({ runsVersion: s.runsVersion + 1 }));
  },

  toggleCompareRun: (id) =>
    set((s) => ({ compareSelected: s.compareSelected.includes(id) ? s.compareSelected.filter((x) => x !== id) : [...s.compareSelected, id] })),

  setCompareMetric: (m) => set({ compareMetric: m }),

  clearRuns: () => {
    set((s) => ({ runs: [], compareSelected: [], currentRunId: null, nextRunId: 1, runsVersion: s.runsVersion + 1 }));
    persistRuns(true);
  },
}));
