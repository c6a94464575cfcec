// The cone effect at initialisation (Liang et al. 2022, §3): untrained towers of several seeds, of the
// studied model's architecture, embed the probe pairs. Each modality lands in a narrow cone of its
// own, and the two cones differ from seed to seed, so a gap exists before any training.
import { useState } from 'react';
import type { GapSnapshot } from '../../../../protocol/gap';
import { fmtFixed, fmtPct } from '../../../format';
import { useGap } from '../../../stores/gapStore';
import { untrainedSnapshots } from '../gapSources';
import { CurvePlot } from './CurvePlot';
import { LessonCard } from './LessonCard';

const DEFAULT_SEEDS = [1, 2, 3, 4, 5];

export function ConeLesson() {
  const source = useGap((s) => s.source);
  const [seedsText, setSeedsText] = useState(DEFAULT_SEEDS.join(', '));
  const [result, setResult] = useState<{ seeds: number[]; snaps: GapSnapshot[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const seeds = seedsText
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  const seedsOk = seeds.length >= 1 && seeds.length <= 12 && seeds.every((s) => Number.isInteger(s) && s >= 0);
  const run = () => {
    setBusy(true);
    setError(null);
    untrainedSnapshots(seeds, source === 'live')
      .then((r) => setResult({ seeds: r.seeds, snaps: r.snapshots }))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };

  const mean = (f: (s: GapSnapshot) => number) => (result ? result.snaps.reduce((a, s) => a + f(s), 0) / result.snaps.length : NaN);
  const min = (f: (s: GapSnapshot) => number) => (result ? Math.min(...result.snaps.map(f)) : NaN);
  const rows = [
    { what: 'image cone (mean cos between images)', paper: '≈ 1 for deep random nets', ours: result ? `${fmtFixed(mean((s) => s.metrics.coneImage), 3)} (mean of ${result.snaps.length})` : '–' },
    { what: 'caption cone', paper: 'far above 0', ours: result ? fmtFixed(mean((s) => s.metrics.coneText), 3) : '–' },
    { what: '‖Δ‖ at initialisation', paper: '1.1–1.4 (random-init CLIP)', ours: result ? `${fmtFixed(mean((s) => s.metrics.centroidDistance), 3)} (min ${fmtFixed(min((s) => s.metrics.centroidDistance), 3)})` : '–' },
    { what: 'separability at initialisation', paper: 'the cones do not overlap', ours: result ? fmtPct(min((s) => s.metrics.separability), 1) + ' (lowest seed)' : '–' },
  ];
  return (
    <LessonCard
      id="cone"
      title="The cone effect: a gap before any training"
      source="Liang et al. 2022, §3"
      intro={
        <>
          Random directions in D dimensions are nearly orthogonal (mean cosine ≈ 0). Yet an untrained tower maps all its inputs into a narrow cone: stacked random layers, biases and layer norms
          share a common direction. The image tower and the text tower each have their own cone, so at initialisation images and captions already sit apart — a gap that training then only
          partly closes. Fresh towers of this model&apos;s architecture, one per seed:
        </>
      }
      formula={'cone = mean_{i≠j} x_i·x_j  (uniform directions: ≈ 0;  one cone: → 1)\n‖Δ‖ = ‖mean u − mean v‖  at step 0, one tower pair per seed'}
      rows={rows}
    >
      <div className="lesson-controls">
        <label className="field-inline">
          seeds
          <input className="lesson-seeds" value={seedsText} onChange={(e) => setSeedsText(e.target.value)} aria-label="Seeds" />
        </label>
        <button type="button" className="btn btn-primary" disabled={busy || !seedsOk} onClick={run}>
          {busy ? 'Embedding…' : `Initialise ${seedsOk ? seeds.length : ''} models`}
        </button>
        {!seedsOk ? <span className="error-text">Up to 12 whole numbers ≥ 0, separated by commas.</span> : null}
        {error ? <span className="error-text">{error}</span> : null}
      </div>
      {result ? (
        <CurvePlot
          title="Untrained towers, one per seed"
          x={result.seeds.map((_, i) => i + 1)}
          xLabel={`model (seeds ${result.seeds.join(', ')})`}
          yLabel="value"
          curves={[
            { label: 'image cone', colour: '#f0a35b', y: result.snaps.map((s) => s.metrics.coneImage) },
            { label: 'caption cone', colour: '#5b8def', y: result.snaps.map((s) => s.metrics.coneText) },
            { label: '‖Δ‖', colour: '#c678dd', y: result.snaps.map((s) => s.metrics.centroidDistance) },
            { label: 'separability', colour: '#4fc08d', y: result.snaps.map((s) => s.metrics.separability), dash: [5, 3] },
          ]}
          testId="cone-seeds"
        />
      ) : null}
    </LessonCard>
  );
}
