// Which model the Try view runs: the live run (a snapshot taken between two steps, refreshed every
// few seconds while it trains when "follow" is on) or any model of the library.
import { useEffect } from 'react';
import { fmtInt } from '../../format';
import { loadModel, refreshLiveModel } from '../../inferenceClient';
import { useModelsStore } from '../../stores/modelsStore';
import { useTelemetry } from '../../stores/telemetryStore';
import { useTry, type ModelChoice } from '../../stores/tryStore';

/** How often a followed live run is snapshotted again while it trains (ms). */
export const FOLLOW_EVERY_MS = 4000;

const valueOf = (c: ModelChoice | null) => (c ? (c.kind === 'live' ? 'live' : `stored:${c.id}`) : '');

export function ModelPicker() {
  const models = useModelsStore((s) => s.models);
  const run = useModelsStore((s) => s.run);
  const state = useTelemetry((s) => s.status.state);
  const step = useTelemetry((s) => s.status.step);
  const choice = useTry((s) => s.choice);
  const model = useTry((s) => s.model);
  const loading = useTry((s) => s.loading);
  const loadError = useTry((s) => s.loadError);
  const follow = useTry((s) => s.follow);
  const backend = useTry((s) => s.backend);
  const set = useTry((s) => s.set);
  const hasRun = run !== null && step > 0 && state !== 'preparing' && state !== 'idle';

  // First visit: the live run when there is one, else the newest saved model.
  useEffect(() => {
    if (choice) return;
    if (hasRun) void loadModel({ kind: 'live' });
    else if (models[0]) void loadModel({ kind: 'stored', id: models[0].id });
  }, [choice, hasRun, models]);

  // Following the run: a fresh snapshot every few seconds while it trains (and once when it stops).
  useEffect(() => {
    if (choice?.kind !== 'live' || !follow) return;
    const t = setInterval(() => void refreshLiveModel(useTelemetry.getState().status.step), FOLLOW_EVERY_MS);
    return () => clearInterval(t);
  }, [choice?.kind, follow]);

  const onChange = (v: string) => {
    if (v === 'live') void loadModel({ kind: 'live' });
    else if (v.startsWith('stored:')) void loadModel({ kind: 'stored', id: v.slice('stored:'.length) });
  };

  return (
    <section className="card try-model" aria-label="Model">
      <div className="try-row">
        <label className="field-inline">
          Model
          <select aria-label="Model" data-testid="try-model" value={valueOf(choice)} onChange={(e) => onChange(e.target.value)}>
            {!choice ? <option value="">Choose a model…</option> : null}
            <option value="live" disabled={!hasRun}>
              {hasRun ? `Current run${run ? ` · ${run.name}` : ''} (live, step ${fmtInt(step)})` : 'Current run (train one first)'}
            </option>
            {models.map((m) => (
              <option key={m.id} value={`stored:${m.id}`}>
                {m.kind === 'clip' ? `${m.name} · ${m.origin?.architecture ?? 'CLIP'} checkpoint` : `${m.name} · step ${fmtInt(m.step)}${m.kind === 'imported' ? ' · imported' : ''}`}
              </option>
            ))}
          </select>
        </label>
        {choice?.kind === 'live' ? (
          <>
            <label className="check" title="Take a fresh snapshot of the run every few seconds while it trains">
              <input type="checkbox" checked={follow} onChange={(e) => set({ follow: e.target.checked })} /> follow the run
            </label>
            <button type="button" className="btn" disabled={loading} onClick={() => void loadModel({ kind: 'live' })}>
              Snapshot now
            </button>
          </>
        ) : null}
        <span className="muted small" data-testid="try-model-status" role="status">
          {loading
            ? 'Loading the model…'
            : model
              ? `${model.source === 'live' ? 'Snapshot' : 'Loaded'} at step ${fmtInt(model.step)} · ${model.config.preset} · D ${model.embedDim} · context ${model.contextLength} tokens · ${model.imageSize}×${model.imageSize} px${backend ? ` · ${backend.active}` : ''}`
              : models.length || hasRun
                ? 'Choose a model.'
                : 'No model yet: train one (Train tab) or import a .safetensors file (Models tab).'}
        </span>
      </div>
      {loadError ? (
        <p className="field-error" role="alert" data-testid="try-load-error">
          {loadError}
        </p>
      ) : null}
    </section>
  );
}
