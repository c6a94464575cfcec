// Answers of the benchmark and diagnostics commands (npm run bench, the backend-parity tests),
// kept apart from the product's stores: nothing in the app's views reads them.
import { create } from 'zustand';
import type { BenchReport, CheckpointBenchReport, FusedLossReport, LossBenchReport, ReaderBenchReport, StepProfileReport } from '../../protocol/bench';

export interface BenchState {
  readerBench: ReaderBenchReport | null;
  /** Last loss benchmark report (one per finished point, rows cumulative). */
  lossBench: LossBenchReport | null;
  stepProfile: StepProfileReport | null;
  fusedLoss: FusedLossReport | null;
  checkpointBench: CheckpointBenchReport | null;
  applyBenchReport: (r: BenchReport) => void;
}

export const useBench = create<BenchState>()((set) => ({
  readerBench: null,
  lossBench: null,
  stepProfile: null,
  fusedLoss: null,
  checkpointBench: null,
  applyBenchReport: (r) => {
    switch (r.type) {
      case 'readerBench':
        return set({ readerBench: r });
      case 'lossBench':
        return set({ lossBench: r });
      case 'stepProfile':
        return set({ stepProfile: r });
      case 'fusedLoss':
        return set({ fusedLoss: r });
      case 'checkpointBench':
        return set({ checkpointBench: r });
    }
  },
}));

const BENCH_TYPES: ReadonlySet<string> = new Set(['readerBench', 'lossBench', 'stepProfile', 'fusedLoss', 'checkpointBench']);

export function isBenchReport(r: { type: string }): r is BenchReport {
  return BENCH_TYPES.has(r.type);
}
