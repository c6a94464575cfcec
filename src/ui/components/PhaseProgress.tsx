import { useTelemetry } from '../stores/telemetryStore';

const PHASE_LABEL = { backend: 'Backend', dataset: 'Dataset', model: 'Model', eval: 'Eval', training: 'Training', episode: 'Episode' } as const;

/**
 * Progress of the non-training phases: backend probe, dataset generation, model build, eval.
 * The bar shows only while a phase runs; a finished phase is one quiet line, so it never reads
 * as a second, frozen progress bar next to the training one.
 */
export function PhaseProgress() {
  const p = useTelemetry((s) => s.lastPhaseProgress);
  const frac = p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const active = p !== null && p.done < p.total;
  return (
    <div className={`progress-line phase-line${active ? '' : ' phase-idle'}`}>
      <span className="progress-label">{p ? PHASE_LABEL[p.phase] : 'Phase'}</span>
      {active ? (
        <div className="bar bar-thin" role="progressbar" aria-label="Phase progress" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.done}>
          <div className="bar-fill bar-fill-alt bar-live" style={{ width: `${(frac * 100).toFixed(2)}%` }} />
        </div>
      ) : null}
      <span className={`progress-text${active ? '' : ' phase-note'}`} data-testid="phase-message">
        {p && !active ? <span aria-hidden="true">✓ </span> : null}
        {p ? p.message : 'waiting for the trainer…'}
      </span>
    </div>
  );
}
