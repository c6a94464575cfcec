// Temperature (Liang et al. 2022, fig. 6): short runs with the temperature held fixed at several
// values; the gap at the end grows as the temperature falls.
import { useState } from 'react';
import { fmtFixed } from '../../../format';
import { useSettings } from '../../../stores/settingsStore';
import { CurvePlot } from './CurvePlot';
import { LessonCard } from './LessonCard';
import type { LessonRunResult } from './lessonRuns';
import { QueueControl, StepsField, lessonConfig, useLessonQueue, withFixedTemperature } from './queueParts';

/** Liang et al.'s fine-tuning of CLIP on COCO at a fixed τ: the gap at the end (methods.md). */
export const PAPER_TEMPERATURE_GAP: Record<string, number> = { '1': 0.2384, '1/10': 0.3028, '1/20': 0.5524, '1/30': 0.6352, '1/50': 0.7961, '1/100': 1.0006 };

/** "1, 1/10, 0.05" → τ values; null when a value is not a positive number. */
export function parseTemperatures(text: string): { label: string; tau: number }[] | null {
  const out: { label: string; tau: number }[] = [];
  for (const part of text.split(/[\s,;]+/).filter(Boolean)) {
    const m = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(part);
    if (!m) return null;
    const tau = m[2] ? Number(m[1]) / Number(m[2]) : Number(m[1]);
    if (!(tau > 0) || tau > 10) return null;
    out.push({ label: part, tau });
  }
  return out.length ? out : null;
}

export function TemperatureLesson() {
  const base = useSettings((s) => s.config);
  const [text, setText] = useState('1, 1/10, 1/30, 1/100');
  const [steps, setSteps] = useState(200);
  const { progress, error, start } = useLessonQueue();
  const [results, setResults] = useState<(LessonRunResult & { tau: number; tauLabel: string })[] | null>(null);
  const temps = parseTemperatures(text);

  const run = () => {
    if (!temps) return;
    const specs = temps.map(({ label, tau }) => ({ label: `τ = ${label}`, config: withFixedTemperature(lessonConfig(base, steps), tau) }));
    start(specs, (r) => setResults(r.map((x, i) => ({ ...x, tau: temps[i]!.tau, tauLabel: temps[i]!.label }))));
  };

  const rows = (results ?? temps?.map((t) => ({ tauLabel: t.label, tau: t.tau, metrics: null as LessonRunResult['metrics'] | null, zeroShot: NaN })) ?? []).map((r) => {
    const last = r.metrics?.at(-1);
    const paper = PAPER_TEMPERATURE_GAP[r.tauLabel];
    return {
      what: `‖Δ‖ after training at τ = ${r.tauLabel}`,
      paper: paper === undefined ? '–' : fmtFixed(paper, 2),
      ours: last ? `${fmtFixed(r.metrics![0]!.centroidDistance, 2)} → ${fmtFixed(last.centroidDistance, 3)}` : '–',
    };
  });
  return (
    <LessonCard
      id="temperature"
      title="Temperature: a colder softmax keeps the gap open"
      source="Liang et al. 2022, fig. 6 (CLIP fine-tuned on COCO)"
      intro={
        <>
          The same run at several fixed temperatures τ (the logit scale s = 1/τ is not learned). A high temperature lets the loss pull the two modalities together; a low one — CLIP&apos;s learned
          value is about 1/100 — leaves them apart. Each run replaces the one in the trainer and is kept in the run history and the Models library.
        </>
      }
      formula={'L = ½ [CE(s·U Vᵀ, I) + CE(s·V Uᵀ, I)],  s = 1/τ held fixed;  measure ‖Δ‖ = ‖mean u − mean v‖ after N steps'}
      rows={rows}
    >
      <div className="lesson-controls">
        <label className="field-inline">
          τ
          <input className="lesson-seeds" value={text} onChange={(e) => setText(e.target.value)} aria-label="Temperatures" disabled={progress !== null} />
        </label>
        <StepsField value={steps} onChange={setSteps} disabled={progress !== null} />
        <QueueControl progress={progress} error={error} label={`Train ${temps?.length ?? 0} runs`} disabled={!temps} onRun={run} />
        {!temps ? <span className="error-text">Temperatures as numbers or fractions (1/30), up to 10.</span> : null}
      </div>
      {results ? (
        <>
          <CurvePlot
            title="‖Δ‖ over training at each fixed temperature"
            x={results[0]!.steps}
            xLabel="step"
            yLabel="‖Δ‖"
            curves={results.map((r, i) => ({ label: `τ = ${r.tauLabel}`, colour: ['#5b8def', '#4fc08d', '#c678dd', '#f0a35b', '#e5c07b', '#ef5b6b'][i % 6]!, y: r.metrics.map((m) => m.centroidDistance) }))}
            testId="temperature-curves"
          />
          <CurvePlot
            title="‖Δ‖ at the end vs the logit scale s = 1/τ"
            x={results.map((r) => 1 / r.tau)}
            xLabel="s = 1/τ"
            yLabel="‖Δ‖"
            curves={[
              { label: 'here', colour: '#f0a35b', y: results.map((r) => r.metrics.at(-1)!.centroidDistance) },
              { label: 'Liang et al.', colour: '#8d99b0', y: results.map((r) => PAPER_TEMPERATURE_GAP[r.tauLabel] ?? NaN), dash: [5, 3] },
            ]}
          />
        </>
      ) : null}
    </LessonCard>
  );
}
