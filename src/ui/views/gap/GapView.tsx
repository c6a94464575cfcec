// The modality-gap lab (#gap): the probe pairs of the live run or of a stored model, recorded from
// step 0; the embedding map and its timeline, the gap metrics over training, the per-dimension gap,
// cosine histograms, and one-click lessons that reproduce the papers' findings.
import { StoredDatasetSelect } from '../../components/StoredDatasetSelect';
import { useEffect, useState } from 'react';
import { fmtInt } from '../../format';
import { reportError } from '../../stores/errorsStore';
import { shownRecording, useGap } from '../../stores/gapStore';
import { useDataStore } from '../../stores/dataStore';
import { useModelsStore } from '../../stores/modelsStore';
import { listModels } from '../../trainerClient';
import { CosineHistogramsChart } from './CosineHistogramsChart';
import { EmbeddingMap } from './EmbeddingMap';
import { GapMetricsPanel } from './GapMetricsPanel';
import { showStoredModel } from './gapSources';
import { Lessons } from './lessons/Lessons';
import { PerDimensionBars } from './PerDimensionBars';
import { StepTimeline } from './StepTimeline';

function SourcePicker() {
  const source = useGap((s) => s.source);
  const live = useGap((s) => s.live);
  const stored = useGap((s) => s.stored);
  const models = useModelsStore((s) => s.models);
  const datasets = useDataStore((s) => s.datasets);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dataId, setDataId] = useState('');
  useEffect(() => listModels(), []);

  const storedId = stored ? stored.ownerId.split('@')[0]! : busy;
  const value = source === 'live' ? 'live' : storedId ? `stored:${storedId}` : 'live';
  const storedModel = source === 'stored' ? models.find((m) => m.id === storedId) : undefined;
  // The probe's dataset: the model's own where it is stored, else the one chosen (a CLIP checkpoint has none here).
  const ownStored = storedModel ? datasets.some((d) => d.id === storedModel.datasetId) : false;
  const record = (id: string, data: string) => {
    setError(null);
    setBusy(id);
    showStoredModel(id, data || undefined)
      .catch((e: unknown) => {
        const msg = e instanceof Error ? e.message : String(e);
        setError(msg);
        reportError(msg, 'gap lab');
      })
      .finally(() => setBusy(null));
  };
  const onChange = (v: string) => {
    setError(null);
    if (v === 'live') return useGap.getState().setSource('live');
    const id = v.slice('stored:'.length);
    const m = models.find((x) => x.id === id);
    const own = m ? datasets.some((d) => d.id === m.datasetId) : false;
    record(id, own ? '' : dataId || (datasets[0]?.id ?? ''));
  };
  return (
    <div className="gap-source">
      <label className="field-inline">
        Model
        <select aria-label="Gap lab model" data-testid="gap-source" value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="live">{live ? `This run · ${live.ownerName} (live, ${live.snapshots.length} recording${live.snapshots.length === 1 ? '' : 's'})` : 'This run (live: press Start on the Train tab)'}</option>
          {models.map((m) => (
            <option key={m.id} value={`stored:${m.id}`}>
              {m.kind === 'clip' ? `${m.name} · ${m.origin?.architecture ?? 'CLIP'} checkpoint` : `${m.name} · step ${fmtInt(m.step)} · ${m.datasetName}`}
            </option>
          ))}
        </select>
      </label>
      {storedModel && !ownStored ? (
        <StoredDatasetSelect
          label="Data"
          ariaLabel="Gap lab dataset"
          testId="gap-dataset"
          datasets={datasets}
          value={dataId || (datasets[0]?.id ?? '')}
          onChange={(id) => {
            setDataId(id);
            record(storedModel.id, id);
          }}
        />
      ) : null}
      {busy ? <span className="muted">Embedding the probe pairs…</span> : null}
      {error ? (
        <span className="error-text" role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}

export function GapView() {
  const rec = useGap((s) => shownRecording(s));
  return (
    <div className="gap-view">
      <section className="card gap-intro" aria-label="About the modality gap">
        <h2 className="card-title">The modality gap</h2>
        <p className="card-caption">
          A CLIP model maps images to unit vectors u and captions to unit vectors v on the same sphere, and is trained so that each image lands near its own caption. Yet the two sets sit apart: every
          image is nearer the other images than any caption (Liang et al. 2022). The gap is there before training — each untrained tower squeezes its inputs into a narrow cone of its own — and
          contrastive training at a low temperature keeps it. Watch it here on {rec?.probe ? `${rec.probe.n} validation pairs of ${rec.probe.datasetName}` : 'a fixed set of validation pairs'},
          recorded from step 0.
        </p>
        <SourcePicker />
      </section>
      <div className="gap-grid">
        <div className="gap-main">
          <EmbeddingMap />
          <StepTimeline />
        </div>
        <div className="gap-side">
          <GapMetricsPanel />
        </div>
      </div>
      <div className="gap-grid gap-grid-even">
        <PerDimensionBars />
        <CosineHistogramsChart />
      </div>
      <Lessons />
    </div>
  );
}
