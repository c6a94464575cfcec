// Shift along the gap (Liang et al. 2022, §4.2): move the probe's image embeddings by −δ/2 Δ̂ and
// its caption embeddings (and zero-shot class vectors) by +δ/2 Δ̂, renormalise, and watch the
// contrastive loss at several fixed scales, the gap left, zero-shot accuracy and recall@1 as δ
// sweeps from widening the gap (δ < 0) to closing it (δ ≈ ‖Δ‖). The sweep runs in the gap-lab worker.
import { useState } from 'react';
import type { ShiftSweep } from '../../../../lab/shiftLesson';
import { fmtFixed, fmtPct } from '../../../format';
import { gapLabRequest, syncRecording } from '../../../gapLabClient';
import { shownRecording, useGap } from '../../../stores/gapStore';
import { cssColour } from '../../../theme';
import { CurvePlot } from './CurvePlot';
import { LessonCard } from './LessonCard';

const FIXED_SCALES = [100, 30, 10, 1];
const COLOURS = ['#f0a35b', '#c678dd', '#4fc08d', '#5b8def', '#e5c07b'];

export function ShiftLesson() {
  const rec = useGap((s) => shownRecording(s));
  const selected = useGap((s) => s.selected);
  const snap = rec?.snapshots[selected ?? (rec?.snapshots.length ?? 0) - 1];
  const [result, setResult] = useState<{ step: number; owner: string; sweep: ShiftSweep } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [at, setAt] = useState(0);

  const run = () => {
    if (!rec || !snap || !rec.probe) return;
    setBusy(true);
    setError(null);
    syncRecording(rec);
    const trained = Math.round(snap.logitScale * 100) / 100;
    const scales = [trained, ...FIXED_SCALES.filter((s) => Math.abs(s - trained) > 0.5)];
    gapLabRequest<'shift'>({ type: 'shift', ownerId: rec.ownerId, step: snap.step, scales, classVectors: snap.classVectors, labels: rec.probe.labels })
      .then((r) => {
        setResult({ step: r.step, owner: rec.ownerId, sweep: r.sweep });
        setAt(r.sweep.deltas.findIndex((d) => Math.abs(d) < 1e-9));
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };

  const sw = result?.sweep;
  const k0 = sw ? sw.deltas.findIndex((d) => Math.abs(d) < 1e-9) : -1;
  const minAt = (i: number) => (sw ? sw.minimumDelta[i]! : NaN);
  const gapLeftAt = (delta: number) => (sw ? sw.gapAfter[sw.deltas.indexOf(delta)]! : NaN);
  const low = sw ? sw.scales.length - 1 : 0; // s = 1 is last
  const kClosed = sw ? sw.gapAfter.indexOf(Math.min(...sw.gapAfter)) : -1;
  const rows = [
    { what: 'loss minimum at the trained scale s', paper: 'at the trained gap (δ ≈ 0)', ours: sw ? `δ = ${fmtFixed(minAt(0), 2)} (gap left ${fmtFixed(gapLeftAt(minAt(0)), 2)} of ${fmtFixed(sw.gap, 2)})` : '–' },
    { what: 'loss minimum at s = 1', paper: 'near a closed gap', ours: sw ? `δ = ${fmtFixed(minAt(low), 2)} (gap left ${fmtFixed(gapLeftAt(minAt(low)), 2)})` : '–' },
    {
      what: 'zero-shot: trained gap → gap closed',
      paper: 'small (CIFAR-10 90.1 → 90.8 % at the best δ)',
      ours: sw && Number.isFinite(sw.zeroShot[k0]!) ? `${fmtPct(sw.zeroShot[k0], 1)} → ${fmtPct(sw.zeroShot[kClosed], 1)}` : sw ? 'no classes' : '–',
    },
    { what: 'recall@1 image→caption: trained → closed', paper: 'changes little', ours: sw ? `${fmtPct(sw.recallI2T[k0], 1)} → ${fmtPct(sw.recallI2T[kClosed], 1)}` : '–' },
  ];
  const stale = result && snap && (result.step !== snap.step || result.owner !== rec?.ownerId);
  return (
    <LessonCard
      id="shift"
      title="Shift along the gap: the temperature decides where the loss is lowest"
      source="Liang et al. 2022, §4.2"
      intro={
        <>
          Take the trained embeddings of the step on the timeline and slide both modalities along the gap direction Δ̂ towards each other (δ &gt; 0) or apart (δ &lt; 0). At the trained, high logit
          scale the contrastive loss is lowest where training left the gap; at s = 1 it would rather close it. Zero-shot accuracy and retrieval barely move: the gap is not what makes the model work.
        </>
      }
      formula={"u'_i = normalise(u_i − (δ/2) Δ̂),  v'_j = normalise(v_j + (δ/2) Δ̂),  Δ̂ = Δ/‖Δ‖,  Δ = mean u − mean v\nloss(δ; s) = symmetric InfoNCE of s·u'_i·v'_j over the probe pairs"}
      rows={rows}
    >
      <div className="lesson-controls">
        <button type="button" className="btn btn-primary" disabled={!snap || busy} onClick={run}>
          {busy ? 'Sweeping…' : `Sweep δ at step ${snap?.step ?? '–'}`}
        </button>
        {stale ? <span className="muted">The timeline moved: sweep again for step {snap?.step}.</span> : null}
        {!snap ? <span className="muted">Needs a recording: train, or choose a stored model above.</span> : null}
        {error ? <span className="error-text">{error}</span> : null}
      </div>
      {sw ? (
        <>
          <CurvePlot
            title={`Loss change vs shift δ (step ${result!.step})`}
            x={sw.deltas}
            xLabel="δ (0 = trained; ‖Δ‖ ≈ closed)"
            yLabel="loss − loss at δ = 0"
            curves={sw.scales.map((s, i) => ({ label: i === 0 ? `s = ${fmtFixed(s, 1)} (trained)` : `s = ${s}`, colour: COLOURS[i % COLOURS.length]!, y: sw.loss[i]!.map((l) => l - sw.loss[i]![k0]!) }))}
            markers={[
              { x: 0, colour: cssColour('--muted', '#8d99b0'), label: 'trained' },
              { x: sw.deltas[at] ?? 0, colour: cssColour('--text', '#dbe2ee') },
            ]}
            testId="shift-loss"
          />
          <CurvePlot
            title={`Accuracy and the gap left vs δ (step ${result!.step})`}
            x={sw.deltas}
            xLabel="δ"
            yLabel="share / ‖Δ'‖"
            curves={[
              { label: 'zero-shot top-1', colour: '#4fc08d', y: sw.zeroShot },
              { label: 'recall@1 image→caption', colour: '#f0a35b', y: sw.recallI2T },
              { label: 'recall@1 caption→image', colour: '#5b8def', y: sw.recallT2I },
              { label: "gap left ‖Δ'‖", colour: '#c678dd', y: sw.gapAfter, dash: [5, 3] },
            ]}
            markers={[{ x: sw.deltas[at] ?? 0, colour: cssColour('--text', '#dbe2ee') }]}
          />
          <label className="field-inline">
            δ
            <input type="range" min={0} max={sw.deltas.length - 1} value={at} onChange={(e) => setAt(Number(e.target.value))} aria-label="Shift δ" />
            <span className="num">
              {fmtFixed(sw.deltas[at], 2)}: gap {fmtFixed(sw.gapAfter[at], 2)}, zero-shot {fmtPct(sw.zeroShot[at], 1)}, R@1 {fmtPct(sw.recallI2T[at], 1)} / {fmtPct(sw.recallT2I[at], 1)}
            </span>
          </label>
        </>
      ) : null}
    </LessonCard>
  );
}
