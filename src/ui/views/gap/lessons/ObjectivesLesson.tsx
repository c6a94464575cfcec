// Objectives: the gap and its metrics under CLIP, the positive-pair regulariser, SigLIP and CyCLIP
// at equal steps, read from the run history (the final evaluation of each run); a button trains the
// four at the chosen steps on the sidebar's dataset and model.
import { useState } from 'react';
import { defaultObjective } from '../../../../config/defaults';
import type { ObjectiveKind } from '../../../../config/types';
import { fmtFixed, fmtPct } from '../../../format';
import { OBJECTIVE_NAMES } from '../../../objectives';
import { useHistory } from '../../../stores/historyStore';
import { useSettings } from '../../../stores/settingsStore';
import { CurvePlot } from './CurvePlot';
import { LessonCard } from './LessonCard';
import { QueueControl, StepsField, lessonConfig, useLessonQueue } from './queueParts';

export const COMPARED_OBJECTIVES: readonly ObjectiveKind[] = ['clip', 'pospair', 'siglip', 'cyclip'];

const PAPER: Record<string, string> = {
  clip: '0.82 (CLIP ViT-B/32, COCO)',
  pospair: 'pairs pulled closer (higher S_ii)',
  siglip: '–',
  cyclip: '–',
};

export function ObjectivesLesson() {
  const base = useSettings((s) => s.config);
  const runs = useHistory((s) => s.runs);
  useHistory((s) => s.runsVersion);
  const [steps, setSteps] = useState(200);
  const { progress, error, start } = useLessonQueue();

  // The newest finished run of each objective at `steps` steps with gap metrics in its last evaluation.
  const latest = COMPARED_OBJECTIVES.map((kind) => {
    // Plain runs only: the temperature and re-emergence lessons' runs change more than the objective.
    const r = [...runs].reverse().find((x) => x.config.objective.kind === kind && x.config.model.learnLogitScale !== false && !x.config.alignTowersAtInit && x.lastStep === steps && x.evals.at(-1)?.step === steps && x.evals.at(-1)?.gapMetrics);
    return { kind, run: r ?? null, ev: r?.evals.at(-1) ?? null };
  });
  const found = latest.filter((x) => x.ev);

  const run = () => {
    const specs = COMPARED_OBJECTIVES.map((kind) => ({ label: OBJECTIVE_NAMES[kind], config: { ...lessonConfig(base, steps), objective: defaultObjective(kind) } }));
    start(specs, () => {}); // the table reads the run history
  };

  const rows = latest.map((x) => ({
    what: `‖Δ‖ · ${OBJECTIVE_NAMES[x.kind]}`,
    paper: PAPER[x.kind] ?? '–',
    ours: x.ev?.gapMetrics ? `${fmtFixed(x.ev.gapMetrics.centroidDistance, 3)} (run ${x.run!.label.split(' ')[0]})` : '–',
  }));
  return (
    <LessonCard
      id="objectives"
      title="Objectives: what each loss does to the gap"
      source="at equal steps, from the run history"
      intro={
        <>
          The four objectives on the same data, model, seed and number of steps. CLIP&apos;s softmax stops pulling a pair once it wins; the positive-pair regulariser keeps pulling (λ‖u − v‖²);
          SigLIP scores each pair on its own with a sigmoid; CyCLIP asks the two modalities&apos; similarity structures to agree. Any runs of these objectives at {steps} steps in the run
          history show up here; the button trains the four.
        </>
      }
      formula={'pospair: L = L_CLIP + λ·(1/N) Σ ‖u_i − v_i‖²\nsiglip:  L = −(1/N) Σ_ij log σ(z_ij (s·u_i·v_j + b)),  z_ij = ±1\ncyclip:  L = L_CLIP + λ₁ Σ (u_j·u_k − v_j·v_k)² / N + λ₂ Σ (u_j·v_k − u_k·v_j)² / N'}
      rows={rows}
    >
      <div className="lesson-controls">
        <StepsField value={steps} onChange={setSteps} disabled={progress !== null} />
        <QueueControl progress={progress} error={error} label="Train the 4 objectives" onRun={run} />
      </div>
      {found.length ? (
        <>
          <table className="data-table lesson-paper" data-testid="objectives-table">
            <thead>
              <tr>
                <th scope="col">objective</th>
                <th scope="col" className="num num-cell">‖Δ‖</th>
                <th scope="col" className="num num-cell">rel. gap</th>
                <th scope="col" className="num num-cell">separ.</th>
                <th scope="col" className="num num-cell">align.</th>
                <th scope="col" className="num num-cell">unif.</th>
                <th scope="col" className="num num-cell">zero-shot</th>
              </tr>
            </thead>
            <tbody>
              {found.map(({ kind, ev }) => (
                <tr key={kind}>
                  <th scope="row">{OBJECTIVE_NAMES[kind]}</th>
                  <td className="num num-cell">{fmtFixed(ev!.gapMetrics!.centroidDistance, 3)}</td>
                  <td className="num num-cell">{fmtFixed(ev!.gapMetrics!.relativeGap, 3)}</td>
                  <td className="num num-cell">{fmtPct(ev!.gapMetrics!.separability, 0)}</td>
                  <td className="num num-cell">{fmtFixed(ev!.gapMetrics!.alignment, 3)}</td>
                  <td className="num num-cell">{fmtFixed(ev!.gapMetrics!.uniformity, 2)}</td>
                  <td className="num num-cell">{fmtPct(ev!.zeroShotAll, 1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <CurvePlot
            title={`Gap metrics by objective at ${steps} steps`}
            x={found.map((_, i) => i + 1)}
            xLabel={found.map((f, i) => `${i + 1} = ${f.kind}`).join(', ')}
            yLabel="value"
            curves={[
              { label: '‖Δ‖', colour: '#f0a35b', y: found.map((f) => f.ev!.gapMetrics!.centroidDistance) },
              { label: 'relative gap', colour: '#5b8def', y: found.map((f) => f.ev!.gapMetrics!.relativeGap) },
              { label: 'alignment', colour: '#4fc08d', y: found.map((f) => f.ev!.gapMetrics!.alignment) },
            ]}
          />
        </>
      ) : (
        <p className="muted">No runs of these objectives at {steps} steps with gap metrics in the run history yet.</p>
      )}
    </LessonCard>
  );
}
