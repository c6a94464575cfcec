// Learning-rate schedule (methods.md §1 recipe): linear warm-up to peakLr, then cosine to minLr.
// step is 0-based (the index of the update about to be applied):
//   step < W: lr = peak·(step+1)/W;  else p = clamp((step−W)/max(1, total−W), 0, 1), lr = min + ½(peak−min)(1+cos πp).

export interface LrSchedule {
  peakLr: number;
  minLr: number;
  warmupSteps: number;
  totalSteps: number;
}

export function lrAt(step: number, schedule: LrSchedule): number;
export function lrAt(step: number, peakLr: number, minLr: number, warmupSteps: number, totalSteps: number): number;
export function lrAt(step: number, a: LrSchedule | number, minLr = 0, warmupSteps = 0, totalSteps = 1): number {
  const s: LrSchedule = typeof a === 'number' ? { peakLr: a, minLr, warmupSteps, totalSteps } : a;
  if (step < s.warmupSteps) return (s.peakLr * (step + 1)) / s.warmupSteps;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const p = Math.min(1, Math.max(0, (step - s.warmupSteps) / span));
  return s.minLr + 0.5 * (s.peakLr - s.minLr) * (1 + Math.cos(Math.PI * p));
}
