// The kept runs in localStorage (the Compare runs card survives a reload): the last RUNS_CAP runs,
// thinned to ≤ PERSIST_POINTS_CAP points at 5 significant digits; a garbled or old entry is skipped,
// a full storage drops the oldest runs until the rest fit.
import type { TrainConfig } from '../config/types';
import { withObjective } from '../config/objectiveOf';
import { PERSIST_POINTS_CAP, RUNS_CAP, RUNS_STORAGE_KEY, halveSeries, runLabel, type RunEvalPoint, type RunRecord } from './runHistory';

interface PersistedRuns {
  version: 1;
  nextId: number;
  runs: RunRecord[];
}

const round = (v: number): number | null => (Number.isFinite(v) ? Number(v.toPrecision(5)) : null);

function compactRun(run: RunRecord): RunRecord {
  let series = run.series;
  let stride = run.stride;
  while (series.step.length > PERSIST_POINTS_CAP) {
    series = halveSeries(series);
    stride *= 2;
  }
  const r = (a: number[]) => a.map(round) as unknown as number[];
  return {
    ...run,
    stride,
    series: { step: series.step, loss: r(series.loss), meanMargin: r(series.meanMargin), meanPositive: r(series.meanPositive) },
    evals: run.evals.map((e) => ({
      step: e.step,
      zeroShotAll: round(e.zeroShotAll),
      zeroShotSeen: round(e.zeroShotSeen),
      zeroShotHeldOut: round(e.zeroShotHeldOut),
      gap: round(e.gap),
      meanPositive: round(e.meanPositive),
    })) as unknown as RunEvalPoint[],
  };
}

export function serializeRuns(runs: readonly RunRecord[], nextId: number): string {
  const data: PersistedRuns = { version: 1, nextId, runs: runs.map(compactRun) };
  return JSON.stringify(data);
}

const toNum = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);
const numArray = (v: unknown): number[] | null => (Array.isArray(v) ? v.map(toNum) : null);

function reviveRun(x: unknown): RunRecord | null {
  if (!x || typeof x !== 'object') return null;
  const o = x as Record<string, unknown>;
  if (typeof o.id !== 'number' || !o.config || typeof o.config !== 'object') return null;
  const s = (o.series ?? {}) as Record<string, unknown>;
  const step = numArray(s.step);
  if (!step) return null;
  const col = (k: string) => {
    const a = numArray(s[k]) ?? [];
    return step.map((_, i) => a[i] ?? NaN);
  };
  const config = withObjective(o.config as TrainConfig);
  const outcome = o.outcome === 'done' || o.outcome === 'stopped' || o.outcome === 'error' ? o.outcome : 'interrupted';
  const evals = Array.isArray(o.evals)
    ? (o.evals as Record<string, unknown>[]).filter((e) => e && typeof e.step === 'number').map((e) => ({
        step: e.step as number,
        zeroShotAll: toNum(e.zeroShotAll),
        zeroShotSeen: toNum(e.zeroShotSeen),
        zeroShotHeldOut: toNum(e.zeroShotHeldOut),
        gap: toNum(e.gap),
        meanPositive: toNum(e.meanPositive),
      }))
    : [];
  return {
    id: o.id,
    label: typeof o.label === 'string' ? o.label : runLabel(o.id, config),
    config,
    startedAt: toNum(o.startedAt),
    outcome,
    lastStep: toNum(o.lastStep) || (step[step.length - 1] ?? 0),
    stride: Math.max(1, toNum(o.stride) || 1),
    series: { step, loss: col('loss'), meanMargin: col('meanMargin'), meanPositive: col('meanPositive') },
    evals,
  };
}

export function parseRuns(text: string | null | undefined): { runs: RunRecord[]; nextId: number } {
  const empty = { runs: [], nextId: 1 };
  if (!text) return empty;
  try {
    const data = JSON.parse(text) as Partial<PersistedRuns>;
    if (!data || data.version !== 1 || !Array.isArray(data.runs)) return empty;
    const runs = data.runs.map(reviveRun).filter((r): r is RunRecord => r !== null).slice(-RUNS_CAP);
    const maxId = runs.reduce((m, r) => Math.max(m, r.id), 0);
    return { runs, nextId: Math.max(maxId + 1, typeof data.nextId === 'number' && Number.isFinite(data.nextId) ? data.nextId : 1) };
  } catch {
    return empty;
  }
}

export function loadRuns(): { runs: RunRecord[]; nextId: number } {
  try {
    return parseRuns(globalThis.localStorage?.getItem(RUNS_STORAGE_KEY));
  } catch {
    return { runs: [], nextId: 1 };
  }
}

/** Writes the runs; on a full storage drops the oldest until it fits. */
export function saveRuns(runs: readonly RunRecord[], nextId: number): void {
  try {
    const storage = globalThis.localStorage;
    if (!storage) return;
    if (runs.length === 0) {
      storage.removeItem(RUNS_STORAGE_KEY);
      return;
    }
    for (let k = 0; k <= runs.length; k++) {
      try {
        storage.setItem(RUNS_STORAGE_KEY, serializeRuns(runs.slice(k), nextId));
        return;
      } catch {
        /* quota: retry with fewer runs */
      }
    }
  } catch {
    /* storage unavailable */
  }
}
