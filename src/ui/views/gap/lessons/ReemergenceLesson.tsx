// Re-emergence (Liang et al. 2022, §4): remove the gap at initialisation — the text tower's output
// rotated onto the image tower's by orthogonal Procrustes — then train; the gap forms again. Two runs
// of the same seed: aligned and as initialised, both at CLIP's final temperature τ = 1/100 held fixed
// (or with the temperature learned from its usual start).
import { useState } from 'react';
import { fmtFixed } from '../../../format';
import { useSettings } from '../../../stores/settingsStore';
import { CurvePlot } from './CurvePlot';
import { LessonCard } from './LessonCard';
import type { LessonRunResult } from './lessonRuns';
import { QueueControl, StepsField, lessonConfig, useLessonQueue, withFixedTemperature } from './queueParts';

export function ReemergenceLesson() {
  const base = useSettings((s) => s.config);
  const [steps, setSteps] = useState(300);
  const [fixedTau, setFixedTau] = useState(true);
  const { progress, error, start } = useLessonQueue();
  const [results, setResults] = useState<LessonRunResult[] | null>(null);

  const run = () => {
    const make = (align: boolean) => {
      const c = { ...lessonConfig(base, steps), alignTowersAtInit: align };
      return fixedTau ? withFixedTemperature(c, 1 / 100) : c;
    };
    start(
      [
        { label: 'gap removed at init', config: make(true) },
        { label: 'as initialised', config: make(false) },
      ],
      setResults,
    );
  };
  const a = results?.[0];
  const p = results?.[1];
  const rows = [
    { what: '‖Δ‖ at step 0, gap removed', paper: '0.04', ours: a ? fmtFixed(a.metrics[0]!.centroidDistance, 3) : '–' },
    { what: '‖Δ‖ after training, gap removed', paper: '0.75', ours: a ? fmtFixed(a.metrics.at(-1)!.centroidDistance, 3) : '–' },
    { what: 'largest ‖Δ‖ on the way, gap removed', paper: '–', ours: a ? fmtFixed(Math.max(...a.metrics.map((m) => m.centroidDistance)), 3) : '–' },
    { what: '‖Δ‖ step 0 → end, as initialised', paper: '–', ours: p ? `${fmtFixed(p.metrics[0]!.centroidDistance, 3)} → ${fmtFixed(p.metrics.at(-1)!.centroidDistance, 3)}` : '–' },
  ];
  return (
    <LessonCard
      id="reemergence"
      title="Re-emergence: remove the gap, train, and it comes back"
      source="Liang et al. 2022, §4"
      intro={
        <>
          Before the first step, the text tower&apos;s output is rotated so that, on 256 training pairs, the captions lie as close as a rotation allows to their images (a rotation keeps each cone&apos;s
          shape, so a little gap stays when the cones differ in width). Training then pulls pairs together and pushes everything else apart — and the gap opens again. The same seed without the
          rotation for comparison. By default both train at CLIP&apos;s final temperature 1/100, held fixed; with a learned temperature starting at 1/14 a small model on easy data closes much of
          the gap in either run.
        </>
      }
      formula={'R = argmin_{RᵀR=I} ‖V R − U‖_F = A Bᵀ  with  VᵀU = A Σ Bᵀ;   W_txt ← W_txt R  (so v ← v R)'}
      rows={rows}
    >
      <div className="lesson-controls">
        <StepsField value={steps} onChange={setSteps} disabled={progress !== null} />
        <label className="field-inline">
          <input type="checkbox" checked={fixedTau} disabled={progress !== null} onChange={(e) => setFixedTau(e.target.checked)} /> temperature fixed at 1/100
        </label>
        <QueueControl progress={progress} error={error} label="Train both runs" onRun={run} />
      </div>
      {results ? (
        <CurvePlot
          title="‖Δ‖ over training, with and without the gap removed at initialisation"
          x={results[0]!.steps}
          xLabel="step"
          yLabel="‖Δ‖"
          curves={results.map((r, i) => ({ label: r.label, colour: i === 0 ? '#f0a35b' : '#5b8def', y: r.metrics.map((m) => m.centroidDistance), dash: i === 0 ? undefined : [5, 3] }))}
          testId="reemergence-curves"
        />
      ) : null}
    </LessonCard>
  );
}
